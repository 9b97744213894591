"""The guide's answers, page by page, turned into the facts contract and back (to correct a decision)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from goldenthread.policy.facts import ADULT_ROLES

NONE_OF_THESE = "none"
Answers = Mapping[str, str | list[str]]

_BOOL = {"yes": True, "no": False}
# An adult's capacity: (competent_to_consent, capacity_in_doubt).
_CAPACITY: dict[str, tuple[bool | None, bool]] = {
    "presumed": (None, False),
    "in_doubt": (None, True),
    "lacks": (False, False),
}
_COMPETENT = {"yes": True, "no": False, "not_assessed": None}
_CONFIDENTIAL: dict[str, bool | str] = {"yes": True, "no": False, "not_sure": "unsure"}


def _many(value: Any) -> Any:
    if isinstance(value, list):
        return [v for v in value if v != NONE_OF_THESE]
    return value  # not a list: left for the engine to reject with its own message


def facts_from_answers(answers: Answers) -> dict[str, Any]:
    """The facts contract built from the guide's answers; the engine validates what comes out.

    An unrecognised answer is passed through unchanged so that the engine, which owns the contract,
    reports it; a missing answer leaves its field out for the same reason.
    """
    facts: dict[str, Any] = {}
    subject: dict[str, Any] = {}
    information: dict[str, Any] = {}
    consent: dict[str, Any] = {}
    if "purpose" in answers:
        facts["purpose"] = answers["purpose"]
    if "age" in answers:
        raw = answers["age"]
        subject["age"] = int(raw) if isinstance(raw, str) and raw.isdigit() else raw
    if "who" in answers:
        raw = answers["who"]
        subject["kind"] = "child" if raw == "child" else "adult" if raw in ADULT_ROLES else raw
        if raw in ADULT_ROLES:
            subject["role"] = raw
    if "competence" in answers:
        raw = answers["competence"]
        subject["competent_to_consent"] = _COMPETENT.get(raw, raw) if isinstance(raw, str) else raw
    if "capacity" in answers:
        raw = answers["capacity"]
        competent, in_doubt = _CAPACITY.get(raw, (raw, False)) if isinstance(raw, str) else (raw, False)
        subject.update(competent_to_consent=competent, capacity_in_doubt=in_doubt)
    if subject:
        facts["subject"] = subject
    if "identifies" in answers:
        raw = answers["identifies"]
        information["identifies_individual"] = _BOOL.get(raw, raw) if isinstance(raw, str) else raw
    if "confidential" in answers:
        raw = answers["confidential"]
        information["confidential"] = _CONFIDENTIAL.get(raw, raw) if isinstance(raw, str) else raw
    if information:
        facts["information"] = information
    if "concern" in answers:
        facts["concern"] = answers["concern"]
    if "indicators" in answers:
        facts["indicators"] = _many(answers["indicators"])
    if "consent-child" in answers:
        consent["subject"] = answers["consent-child"]
    if "consent-parent" in answers:
        consent["parent"] = answers["consent-parent"]
    if consent:
        facts["consent"] = consent
    if "risks" in answers:
        facts["risks_of_seeking_consent"] = _many(answers["risks"])
    if "sexual-risks" in answers:
        facts["sexual_activity_risk_factors"] = _many(answers["sexual-risks"])
    if "legal-requirement" in answers:
        facts["legal_requirement"] = answers["legal-requirement"]
    return facts


def _reverse(table: Mapping[str, Any], value: Any) -> str:
    return next(k for k, v in table.items() if v == value and type(v) is type(value))


def answers_from_facts(facts: Mapping[str, Any]) -> dict[str, str | list[str]]:
    """The guide's answers for valid, normalised facts (``Facts.to_dict()``), to correct a decision.
    Facts recorded before the family fields (issue 12) have none of them: a child or young person."""
    subject = facts["subject"]
    adult = subject.get("kind") == "adult"
    who = str(subject.get("role") or "other_adult") if adult else "child"
    family: dict[str, str | list[str]] = {"who": who}
    if adult:
        in_doubt = bool(subject.get("capacity_in_doubt"))
        family["capacity"] = (
            "lacks" if subject["competent_to_consent"] is False else "in_doubt" if in_doubt else "presumed"
        )
    else:
        family["competence"] = _reverse(_COMPETENT, subject["competent_to_consent"])
    if facts.get("sexual_activity_risk_factors") or "sexual_activity_13_to_15" in facts["indicators"]:
        family["sexual-risks"] = list(facts.get("sexual_activity_risk_factors", [])) or [NONE_OF_THESE]
    return {
        "purpose": facts["purpose"],
        "age": str(subject["age"]),
        **family,
        "concern": facts["concern"],
        "indicators": list(facts["indicators"]) or [NONE_OF_THESE],
        "legal-requirement": facts["legal_requirement"],
        "identifies": _reverse(_BOOL, facts["information"]["identifies_individual"]),
        "confidential": _reverse(_CONFIDENTIAL, facts["information"]["confidential"]),
        "consent-child": facts["consent"]["subject"],
        "consent-parent": facts["consent"]["parent"],
        "risks": list(facts["risks_of_seeking_consent"]) or [NONE_OF_THESE],
    }
