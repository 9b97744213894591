"""What a decision must say, checked in one place for both the form and the action.

The form shows these problems next to the fields; the action refuses to record a decision that has
any, whoever calls it; the database's check constraints hold the simplest of them as a last line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from goldenthread.sharing.models import WITHOUT_CONSENT, ConsentPosition, ItemKind, Outcome


@dataclass(frozen=True)
class ItemInput:
    description: str
    kind: str


def shares_without_consent(decision: str, consent_position: str) -> bool:
    return decision == Outcome.SHARE and consent_position in WITHOUT_CONSENT


def consent_not_needed_applies(facts: Mapping[str, Any]) -> bool:
    information = facts.get("information", {})
    return (
        information.get("identifies_individual") is False
        or information.get("confidential") is False
        or facts.get("legal_requirement", "none") != "none"
    )


def decision_problems(
    *,
    facts: Mapping[str, Any],
    recommended: str,
    decision: str,
    departure_reason: str,
    purpose: str,
    recipients: str,
    items: Sequence[ItemInput],
    consent_position: str,
    consent_reasons: str,
    risks: str,
    emergency: bool,
) -> dict[str, list[str]]:
    """Every problem with a proposed decision, keyed by form field ("__all__" for the whole)."""
    problems: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    if decision not in Outcome.values:
        add("decision", "Select what you have decided")
    if consent_position not in ConsentPosition.values:
        add("consent_position", "Select the consent position")
    if decision in Outcome.values and decision != recommended and not departure_reason.strip():
        add(
            "departure_reason",
            "Explain why your decision differs from the recommendation",
        )
    if not purpose.strip():
        add("purpose", "Enter the purpose of sharing, or of the decision not to share")
    if decision == Outcome.SHARE:
        if not recipients.strip():
            add("recipients", "Enter who will receive the information: the agency and the person or role")
        if not items:
            add("items", "Add at least one item of information to be shared, marked as fact or opinion")
    for item in items:
        if not item.description.strip() or item.kind not in ItemKind.values:
            add("items", "Describe each item and mark it as fact or opinion")
            break
    if decision in (Outcome.SHARE, Outcome.DO_NOT_SHARE) and not risks.strip():
        add("risks", "Weigh the risks of sharing against the risks of not sharing")
    if decision == Outcome.DO_NOT_SHARE and not consent_reasons.strip():
        add("consent_reasons", "Enter your reasons for not sharing")
    without_consent = shares_without_consent(decision, consent_position)
    if without_consent and not consent_reasons.strip():
        add("consent_reasons", "Enter your reasons for sharing without consent")
    if consent_position == ConsentPosition.NOT_NEEDED and not consent_not_needed_applies(facts):
        add(
            "consent_position",
            "Consent is needed unless the information identifies no one, is not confidential, or the "
            "law requires sharing: choose another consent position",
        )
    if emergency and not without_consent:
        add("emergency", "Only a decision to share without consent can be marked as an emergency")
    return problems
