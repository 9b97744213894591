"""The review page's statement of the matching rules, built from the matcher's own constants and the
twin rule's table (``linkage.scoring``, ``linkage.twins``), so the help cannot drift from the code."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from goldenthread.linkage import scoring, twins


def _number(value: float) -> str:
    return f"{value:g}"


def auto_link_evidence() -> list[str]:
    """The twin rule's rows the service applies: any one is the personal evidence an automatic link needs."""
    return [row.why for row in twins.RULE if twins.Matcher.LIVE in row.matchers]


def rules_text() -> dict[str, Any]:
    return {
        "auto": _number(scoring.AUTO_LINK_WEIGHT),
        "review": _number(scoring.REVIEW_WEIGHT),
        "evidence": auto_link_evidence(),
    }


def waiting_because(fields: Iterable[Mapping[str, Any]]) -> str:
    """Why this pair waits for a person rather than linking automatically, from its field weights."""
    weights = [
        scoring.FieldWeight(str(f["field"]), str(f["label"]), str(f["outcome"]), float(f["weight"]))
        for f in fields
    ]
    total = scoring.total(weights)
    score = f"{total:.1f}"
    if total < scoring.AUTO_LINK_WEIGHT:
        return (
            f"This pair scores {score}: from {_number(scoring.REVIEW_WEIGHT)} but under "
            f"{_number(scoring.AUTO_LINK_WEIGHT)}, so a person decides."
        )
    if not scoring.auto_link_allowed(weights):
        return (
            f"This pair scores {score}, {_number(scoring.AUTO_LINK_WEIGHT)} or more, but has none of the "
            "personal evidence below: what agrees could describe a brother, sister or parent, so a person "
            "decides."
        )
    return (
        f"This pair scores {score} and has personal evidence, but another person in the index qualified as "
        "well, so a person chooses."
    )
