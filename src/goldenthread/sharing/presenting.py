"""A recommendation (live from the engine, or stored with a decision) made ready for a page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from goldenthread.policy import Pack, PackError, load_pack
from goldenthread.sharing.models import Outcome

_ANSWER_WORDS = {"yes": "Yes", "no": "No", "not_sure": "Not sure"}


def _pack(name: str) -> Pack | None:
    try:
        return load_pack(name)
    except PackError:
        return None


def recommendation_display(recommendation: Mapping[str, Any], title: str = "") -> dict[str, Any]:
    """Identifiers turned into the pack's words; a stored decision whose pack is gone keeps its ids."""
    pack_ref = recommendation.get("pack", {})
    pack = _pack(str(pack_ref.get("name", "")))
    # Titles come from the pack only when it is the very version the recommendation was made under.
    same = pack is not None and pack.version == pack_ref.get("version")
    bases = pack.lawful_bases if pack is not None and same else {}
    actions = pack.actions if pack is not None and same else {}
    questions = pack.questions if pack is not None and same else {}
    outcome = str(recommendation.get("outcome", ""))
    return {
        "outcome": outcome,
        "outcome_label": Outcome(outcome).label if outcome in Outcome.values else outcome,
        "title": title,
        "refer_without_delay": bool(recommendation.get("refer_without_delay")),
        "relies_on_consent": bool(recommendation.get("relies_on_consent")),
        "seek_consent": bool(recommendation.get("seek_consent")),
        "explanation": recommendation.get("explanation", ""),
        "lawful_basis": [(b, bases.get(b, b)) for b in recommendation.get("lawful_basis", [])],
        "actions": [(a, actions.get(a, a.replace("_", " "))) for a in recommendation.get("actions", [])],
        "citations": list(recommendation.get("citations", [])),
        "path": [
            (
                questions[s["question"]].text if s["question"] in questions else s["question"],
                _ANSWER_WORDS.get(s["answer"], s["answer"]),
            )
            for s in recommendation.get("path", [])
        ],
        "pack_name": pack_ref.get("name", ""),
        "pack_version": pack_ref.get("version", ""),
        "pack_title": pack.title if pack is not None and same else "",
    }
