"""A recommendation (live from the engine, or stored with a decision) made ready for a page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from goldenthread.policy import Pack, PackError, load_pack
from goldenthread.sharing.guide import Step
from goldenthread.sharing.models import Outcome
from goldenthread.sharing.rules import consent_position_from_facts, shares_without_consent

_ANSWER_WORDS = {"yes": "Yes", "no": "No", "not_sure": "Not sure"}


def _pack(name: str) -> Pack | None:
    try:
        return load_pack(name)
    except PackError:
        return None


def _default_pack() -> Pack | None:
    try:
        return load_pack(None)
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


def _word(pack: Pack | None, label_set: str, value: Any) -> str:
    """A facts code in the pack's words ("health_care" -> "Health care"); codes it does not know are
    spelt out rather than shown raw."""
    text = str(value)
    found = pack.labels.get(label_set, {}).get(text) if pack is not None else None
    words = found or text.replace("_", " ")
    return words[:1].upper() + words[1:]


def facts_display(facts: Mapping[str, Any] | None, pack_name: str = "") -> list[tuple[str, str]]:
    """The guide's answers sent with an advice request, as labelled rows in words, never raw codes."""
    if not facts:
        return []
    pack = (_pack(pack_name) if pack_name else None) or _default_pack()
    subject = facts.get("subject", {}) or {}
    consent = facts.get("consent", {}) or {}
    rows = [
        ("Purpose", _word(pack, "purpose", facts.get("purpose", ""))),
        ("Age", str(subject.get("age", "Not given"))),
        ("Concern", _word(pack, "concern", facts.get("concern", ""))),
    ]
    indicators = [_word(pack, "indicators", i) for i in facts.get("indicators", []) or []]
    rows.append(("Indicators", "; ".join(indicators) or "None"))
    if consent:
        rows.append(("Child's consent", _word(pack, "consent_status", consent.get("subject", "not_sought"))))
        rows.append(("Parent's consent", _word(pack, "consent_status", consent.get("parent", "not_sought"))))
    risks = [_word(pack, "risks", r) for r in facts.get("risks_of_seeking_consent", []) or []]
    if risks:
        rows.append(("Risks of seeking consent", "; ".join(risks)))
    legal = facts.get("legal_requirement")
    if legal:
        rows.append(("Legal requirement", _word(pack, "legal_requirement", legal)))
    return rows


def _answer_labels(steps: list[Step], answers: Mapping[str, Any], step_id: str) -> list[str]:
    """The labels of the answers given on one of the guide's pages ("none" and the like left out)."""
    step = next((s for s in steps if s.id == step_id), None)
    value = answers.get(step_id)
    if step is None or value is None:
        return []
    values = value if isinstance(value, list) else [value]
    labels = {c.value: c.label for c in step.choices}
    return [labels[str(v)] for v in values if str(v) in labels and str(v) not in ("none", "unsure")]


def decision_initial(
    *, steps: list[Step], answers: Mapping[str, Any], facts: Mapping[str, Any], outcome: str, refer: bool
) -> dict[str, object]:
    """The decision form as the guide's answers already fill it: nothing the guide asked is typed again.

    When the guide says refer without delay and the case is one of sharing without consent, the form
    starts as an emergency share now, endorsed afterwards.
    """
    position = consent_position_from_facts(facts)
    purposes = _answer_labels(steps, answers, "purpose")
    risks = _answer_labels(steps, answers, "risks")
    initial: dict[str, object] = {"decision": outcome, "consent_position": position}
    if purposes:
        text = purposes[0].split(": ", 1)[-1]  # "Yes: safeguarding" -> "Safeguarding"
        initial["purpose"] = text[:1].upper() + text[1:]
    if risks:
        initial["consent_reasons"] = "\n".join(risks)
    if refer and outcome == Outcome.SHARE and shares_without_consent(outcome, position):
        initial["emergency"] = True
    return initial
