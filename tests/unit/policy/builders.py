"""Builders for facts dictionaries in the input contract, so each test states only what matters to it."""

from __future__ import annotations

from typing import Any

from goldenthread.policy import DEFAULT_PACK, decide

_UNSET: Any = object()


def make_facts(
    *,
    purpose: str = "early_help",
    age: int = 9,
    competent: bool | None = _UNSET,
    identifies: bool = True,
    confidential: bool | str = True,
    concern: str = "additional_needs",
    indicators: list[str] | None = None,
    subject_consent: str | None = None,
    parent_consent: str | None = None,
    risks: list[str] | None = None,
    legal: str | None = None,
    kind: str | None = None,
    role: str | None = None,
    capacity_in_doubt: bool | None = None,
    sexual_risks: list[str] | None = None,
) -> dict[str, Any]:
    """A valid facts object; optional fields are left out unless given, to exercise the defaults."""
    subject: dict[str, Any] = {"age": age}
    if competent is not _UNSET:
        subject["competent_to_consent"] = competent
    for key, value in (("kind", kind), ("role", role), ("capacity_in_doubt", capacity_in_doubt)):
        if value is not None:
            subject[key] = value
    facts: dict[str, Any] = {
        "purpose": purpose,
        "subject": subject,
        "information": {"identifies_individual": identifies, "confidential": confidential},
        "concern": concern,
    }
    if indicators is not None:
        facts["indicators"] = indicators
    consent = {}
    if subject_consent is not None:
        consent["subject"] = subject_consent
    if parent_consent is not None:
        consent["parent"] = parent_consent
    if consent:
        facts["consent"] = consent
    if risks is not None:
        facts["risks_of_seeking_consent"] = risks
    if legal is not None:
        facts["legal_requirement"] = legal
    if sexual_risks is not None:
        facts["sexual_activity_risk_factors"] = sexual_risks
    return facts


def check_recommendation(
    facts: dict[str, Any], outcome: str, refer: bool, relies: bool | None, seek: bool | None
) -> None:
    """Assert the default pack's outcome, refer_without_delay and (when not None) relies/seek_consent."""
    result = decide(facts).to_dict()
    assert result["outcome"] == outcome
    assert result["refer_without_delay"] is refer
    if relies is not None:
        assert result["relies_on_consent"] is relies
    if seek is not None:
        assert result["seek_consent"] is seek
    assert "record_decision" in result["actions"]
    assert result["pack"]["name"] == DEFAULT_PACK


# The four worked examples from the issue, as facts.
EXAMPLE_BRUISING = make_facts(
    purpose="safeguarding",
    age=7,
    concern="reasonable_cause_to_suspect_significant_harm",
    risks=["increase_risk_to_child"],
)
EXAMPLE_EARLY_HELP_REFUSED = make_facts(purpose="early_help", age=9, parent_consent="refused")
EXAMPLE_COMPETENT_14 = make_facts(
    purpose="early_help", age=14, competent=True, subject_consent="given", parent_consent="refused"
)
EXAMPLE_STATISTICS = make_facts(
    purpose="education", age=10, identifies=False, confidential=False, concern="none"
)
