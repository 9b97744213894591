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


@dataclass(frozen=True)
class DecisionDraft:
    """What a practitioner proposes to record: the form checks it, the action checks it again and saves it."""

    decision: str
    departure_reason: str
    purpose: str
    recipients: str
    items: Sequence[ItemInput]
    consent_position: str
    consent_reasons: str
    risks: str
    consulted: str = ""
    emergency: bool = False


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
    *, facts: Mapping[str, Any], recommended: str, draft: DecisionDraft
) -> dict[str, list[str]]:
    """Every problem with a proposed decision, keyed by form field ("__all__" for the whole)."""
    problems: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    if draft.decision not in Outcome.values:
        add("decision", "Select what you have decided")
    if draft.consent_position not in ConsentPosition.values:
        add("consent_position", "Select the consent position")
    if (
        draft.decision in Outcome.values
        and draft.decision != recommended
        and not draft.departure_reason.strip()
    ):
        add(
            "departure_reason",
            "Explain why your decision differs from the recommendation",
        )
    if not draft.purpose.strip():
        add("purpose", "Enter the purpose of sharing, or of the decision not to share")
    if draft.decision == Outcome.SHARE:
        if not draft.recipients.strip():
            add("recipients", "Enter who will receive the information: the agency and the person or role")
        if not draft.items:
            add("items", "Add at least one item of information to be shared, marked as fact or opinion")
    for item in draft.items:
        if not item.description.strip() or item.kind not in ItemKind.values:
            add("items", "Describe each item and mark it as fact or opinion")
            break
    if draft.decision in (Outcome.SHARE, Outcome.DO_NOT_SHARE) and not draft.risks.strip():
        add("risks", "Weigh the risks of sharing against the risks of not sharing")
    if draft.decision == Outcome.DO_NOT_SHARE and not draft.consent_reasons.strip():
        add("consent_reasons", "Enter your reasons for not sharing")
    without_consent = shares_without_consent(draft.decision, draft.consent_position)
    if without_consent and not draft.consent_reasons.strip():
        add("consent_reasons", "Enter your reasons for sharing without consent")
    if draft.consent_position == ConsentPosition.NOT_NEEDED and not consent_not_needed_applies(facts):
        add(
            "consent_position",
            "Consent is needed unless the information identifies no one, is not confidential, or the "
            "law requires sharing: choose another consent position",
        )
    if draft.emergency and not without_consent:
        add("emergency", "Only a decision to share without consent can be marked as an emergency")
    return problems


# The guide's consent answers in the decision form's words: withdrawn consent is refused consent.
_CONSENT_FROM_GUIDE = {
    "given": ConsentPosition.GIVEN,
    "refused": ConsentPosition.REFUSED,
    "withdrawn": ConsentPosition.REFUSED,
    "not_sought": ConsentPosition.NOT_SOUGHT,
    "not_possible": ConsentPosition.NOT_POSSIBLE,
}


def consent_position_from_facts(facts: Mapping[str, Any]) -> str:
    """The consent position the guide's answers already give, so the decision form need not ask again.

    Consent is not needed when the information identifies no one, is not confidential or the law
    requires sharing. Otherwise the consent that counts is the subject's when they are competent (or an
    adult), else the parent's.
    """
    if consent_not_needed_applies(facts):
        return ConsentPosition.NOT_NEEDED
    consent = facts.get("consent", {}) or {}
    subject = facts.get("subject", {}) or {}
    subject_status = str(consent.get("subject", "not_sought"))
    parent_status = str(consent.get("parent", "not_sought"))
    age = subject.get("age")
    subject_counts = subject.get("competent_to_consent") is True or (isinstance(age, int) and age >= 18)
    counted = subject_status if subject_counts else parent_status
    return _CONSENT_FROM_GUIDE.get(counted, ConsentPosition.NOT_SOUGHT)
