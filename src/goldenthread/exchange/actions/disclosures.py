"""Disclosures: made under a decision (as an answer or proactively), corrected, received and acted on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from goldenthread.agencies.models import Agency, Team
from goldenthread.agencies.permissions import Permission
from goldenthread.audit.actions import audit_record
from goldenthread.consent.selectors import consent_problem
from goldenthread.core.actor import Actor
from goldenthread.core.errors import NON_FIELD
from goldenthread.exchange.actions.common import (
    ExchangeError,
    ItemChoice,
    SubjectNotice,
    can,
    disclosure_url,
)
from goldenthread.exchange.ladder import receivers_of
from goldenthread.exchange.models import (
    Disclosure,
    DisclosureItem,
    Receipt,
    RequestRecipient,
    SubjectTold,
    WithheldItem,
)
from goldenthread.notifications.actions import notify
from goldenthread.people.models import Person
from goldenthread.sharing.models import Decision, DecisionItem, Endorsement
from goldenthread.sharing.models import Outcome as DecisionOutcome


def endorsement_check(decision: Decision) -> None:
    if (
        decision.needs_endorsement
        and not decision.emergency
        and not Endorsement.objects.filter(decision=decision).exists()
    ):
        raise ExchangeError(
            "This decision shares without consent and needs a manager's endorsement before anything is "
            "disclosed",
            field="decision",
        )


def items_check(
    decision: Decision, choices: Sequence[ItemChoice], *, all_in: bool
) -> tuple[
    list[tuple[DecisionItem, ItemChoice]], list[tuple[DecisionItem, ItemChoice]], dict[str, list[str]]
]:
    """The decision's items disclosed and withheld; an item not in the decision is refused."""
    items = {item.pk: item for item in DecisionItem.objects.filter(decision=decision)}
    problems: dict[str, list[str]] = {}
    included: list[tuple[DecisionItem, ItemChoice]] = []
    withheld: list[tuple[DecisionItem, ItemChoice]] = []
    seen: set[int] = set()
    for choice in choices:
        item = items.get(choice.decision_item_id)
        if item is None:
            problems.setdefault("items", []).append(
                f"Decision {decision.pk} did not include that item: only what the decider included can be "
                "disclosed"
            )
            continue
        if item.pk in seen:
            continue
        seen.add(item.pk)
        if choice.include:
            if not choice.source.strip():
                problems[f"source_{item.pk}"] = ["Enter where this item comes from"]
            included.append((item, choice))
        else:
            if not choice.reason.strip():
                problems[f"reason_{item.pk}"] = ["Give the reason this item is withheld"]
            withheld.append((item, choice))
    missing = set(items) - seen
    if missing and not problems:
        problems.setdefault("items", []).append("Say for every item of the decision whether it is shared")
    if not included and not problems:
        problems.setdefault("items", []).append("Share at least one item, or decline the request")
    if all_in and withheld:
        problems.setdefault("items", []).append("Sharing all: every item is shared (or choose share part)")
    return included, withheld, problems


def subject_check(notice: SubjectNotice) -> dict[str, list[str]]:
    if notice.told == SubjectTold.TOLD:
        if notice.told_on is None:
            return {"subject_told_on": ["Enter the date the subject was told"]}
        if notice.told_on > timezone.localdate():
            return {"subject_told_on": ["The date the subject was told must not be in the future"]}
        return {}
    if notice.told == SubjectTold.NOT_TOLD:
        return (
            {}
            if notice.why_not.strip()
            else {"subject_not_told_reason": ["Say why the subject was not told"]}
        )
    return {"subject_told": ["Say whether the subject was told"]}


def disclosure_save(
    *,
    by: Actor,
    user: Any,
    from_agency: Agency,
    to_agency: Agency,
    to_team: Team | None,
    to_user: Any,
    person: Person,
    purpose: str,
    decision: Decision,
    lawful_basis: str,
    notice: SubjectNotice,
    included: list[tuple[DecisionItem, ItemChoice]],
    withheld: list[tuple[DecisionItem, ItemChoice]],
    answers: RequestRecipient | None = None,
    supersedes: Disclosure | None = None,
    correction_reason: str = "",
) -> Disclosure:
    # A decision made on a recorded consent discloses only while that consent stands: its row is locked
    # as a withdrawal locks it, so a withdrawal and this disclosure serialise (ADR 0013).
    if decision.consent_record_id is not None:
        problem = consent_problem(record_id=decision.consent_record_id, lock=True)
        if problem:
            raise ExchangeError(problem, field="decision")
    disclosure = Disclosure.objects.create(
        from_agency=from_agency,
        disclosed_by=user,
        disclosed_at=timezone.now(),
        to_agency=to_agency,
        to_team=to_team,
        to_user=to_user,
        person=person,
        purpose=purpose.strip(),
        decision=decision,
        lawful_basis=lawful_basis.strip(),
        subject_told=notice.told,
        subject_told_on=notice.told_on if notice.told == SubjectTold.TOLD else None,
        subject_not_told_reason=notice.why_not.strip() if notice.told == SubjectTold.NOT_TOLD else "",
        answers=answers,
        supersedes=supersedes,
        correction_reason=correction_reason.strip(),
    )
    DisclosureItem.objects.bulk_create(
        DisclosureItem(
            disclosure=disclosure,
            position=n,
            decision_item=item,
            description=item.description,
            kind=item.kind,
            source=choice.source.strip()[:200],
            dated=choice.dated,
        )
        for n, (item, choice) in enumerate(included, start=1)
    )
    WithheldItem.objects.bulk_create(
        WithheldItem(disclosure=disclosure, decision_item=item, reason=choice.reason.strip())
        for item, choice in withheld
    )
    audit_record(
        by=by,
        action="exchange.disclosed",
        object_type="disclosure",
        object_id=disclosure.pk,
        details={
            "person": person.pk,
            "to": to_agency.code,
            "decision": decision.pk,
            "items": len(included),
            "withheld": len(withheld),
            "answers": answers.request_id if answers else None,
            "supersedes": supersedes.pk if supersedes else None,
        },
    )
    receivers = [to_user] if to_user is not None else receivers_of(to_agency, to_team)
    notify(
        recipients=receivers,
        kind="exchange.disclosure",
        message=(
            f"{from_agency.name} corrected disclosure {supersedes.pk}: see disclosure {disclosure.pk}"
            if supersedes
            else f"{from_agency.name} shared information with your agency: disclosure {disclosure.pk}"
        ),
        url=disclosure_url(disclosure.pk),
        agency=to_agency,
        key=f"exchange-disclosure-{disclosure.pk}",
        by=by,
    )
    return disclosure


@transaction.atomic
def disclosure_send(
    *,
    agency: Agency,
    by: Actor,
    decision: Decision,
    to_agency: Agency | None,
    to_team: Team | None = None,
    purpose: str,
    lawful_basis: str,
    items: Sequence[ItemChoice],
    notice: SubjectNotice,
    supersedes: Disclosure | None = None,
    correction_reason: str = "",
) -> Disclosure:
    """A proactive disclosure (no request), or a correction of an earlier disclosure (``supersedes``)."""
    user = by.signed_in_user()
    if not can(user, Permission.RECORD_DECISION, agency):
        raise ExchangeError("Only practitioners of this agency can disclose from it")
    problems: dict[str, list[str]] = {}
    if decision.agency_id != agency.pk:
        raise ExchangeError("Disclose under a decision your own agency recorded", field="decision")
    if decision.decision != DecisionOutcome.SHARE:
        raise ExchangeError(
            "That decision was not to share: nothing can be disclosed under it", field="decision"
        )
    person = decision.person
    if person is None:
        raise ExchangeError("That decision names no person in the index: record it from the child's card")
    if person.is_shielded:
        raise ExchangeError("This person is shielded: share through their brokered contact")
    endorsement_check(decision)
    if to_agency is None or not to_agency.is_active:
        problems["to"] = ["Select the agency to share with"]
    elif to_agency.pk == agency.pk:
        problems["to"] = ["A disclosure goes to another agency, not your own"]
    elif to_team is not None and to_team.agency_id != to_agency.pk:
        problems["to"] = [f"That team is not part of {to_agency.name}"]
    elif not receivers_of(to_agency, to_team):
        problems["to"] = [f"{to_agency.name} has no team able to receive information in the service"]
    if not purpose.strip():
        problems["purpose"] = ["Enter the purpose of sharing"]
    if not lawful_basis.strip():
        problems["lawful_basis"] = ["Enter the lawful basis for sharing"]
    included, withheld, item_problems = items_check(decision, items, all_in=False)
    problems.update(item_problems)
    problems.update(subject_check(notice))
    if supersedes is not None:
        if supersedes.from_agency_id != agency.pk:
            problems.setdefault(NON_FIELD, []).append("You can only correct your own agency's disclosures")
        elif Disclosure.objects.filter(supersedes=supersedes).exists():
            problems.setdefault(NON_FIELD, []).append("That disclosure has already been corrected")
        if not correction_reason.strip():
            problems["correction_reason"] = ["Say what the correction changes"]
    if problems:
        raise ExchangeError(problems)
    assert to_agency is not None
    try:
        with transaction.atomic():
            return disclosure_save(
                by=by,
                user=user,
                from_agency=agency,
                to_agency=to_agency,
                to_team=to_team,
                to_user=supersedes.to_user if supersedes else None,
                person=person,
                purpose=purpose,
                decision=decision,
                lawful_basis=lawful_basis,
                notice=notice,
                included=included,
                withheld=withheld,
                answers=supersedes.answers if supersedes else None,
                supersedes=supersedes,
                correction_reason=correction_reason,
            )
    except IntegrityError as exc:  # corrected by someone else at the same moment
        raise ExchangeError("That disclosure has already been corrected") from exc


def _receiving_member_check(user: Any, disclosure: Disclosure) -> None:
    if not can(user, Permission.VIEW_CHILD_DATA, disclosure.to_agency):
        raise ExchangeError(f"Only members of {disclosure.to_agency.name} can acknowledge this disclosure")


@transaction.atomic
def disclosure_acknowledge(*, disclosure: Disclosure, by: Actor) -> Receipt:
    user = by.signed_in_user()
    _receiving_member_check(user, disclosure)
    Disclosure.objects.select_for_update().filter(pk=disclosure.pk).exists()
    existing = Receipt.objects.filter(disclosure=disclosure).first()
    if existing is not None:
        return existing
    receipt = Receipt.objects.create(
        disclosure=disclosure, acknowledged_at=timezone.now(), acknowledged_by=user
    )
    audit_record(
        by=by,
        action="exchange.disclosure_acknowledged",
        object_type="disclosure",
        object_id=disclosure.pk,
        details={"person": disclosure.person_id},
    )
    notify(
        recipients=[disclosure.disclosed_by],
        kind="exchange.received",
        message=f"{disclosure.to_agency.name} acknowledged receiving disclosure {disclosure.pk}",
        url=disclosure_url(disclosure.pk),
        agency=disclosure.from_agency,
        key=f"exchange-disclosure-{disclosure.pk}-received",
        by=by,
    )
    return receipt


@transaction.atomic
def disclosure_action_record(*, disclosure: Disclosure, by: Actor, action_taken: str) -> Receipt:
    """What the receiving agency did with what it was given (acknowledging receipt if not yet)."""
    user = by.signed_in_user()
    _receiving_member_check(user, disclosure)
    if not action_taken.strip():
        raise ExchangeError("Enter what your agency did with this information", field="action_taken")
    receipt = disclosure_acknowledge(disclosure=disclosure, by=by)
    receipt = Receipt.objects.select_for_update().get(pk=receipt.pk)
    if receipt.action_recorded_at is not None:
        raise ExchangeError("What was done has already been recorded")
    receipt.action_taken = action_taken.strip()
    receipt.action_recorded_at = timezone.now()
    receipt.action_recorded_by = user
    receipt.save(update_fields=["action_taken", "action_recorded_at", "action_recorded_by"])
    audit_record(
        by=by,
        action="exchange.disclosure_action_recorded",
        object_type="disclosure",
        object_id=disclosure.pk,
        details={"person": disclosure.person_id},
    )
    return receipt


@transaction.atomic
def exchange_viewed(*, by: Actor, object_type: str, object_id: int, person_id: int) -> None:
    """Reading a request or a disclosure is recorded like any change to it."""
    audit_record(
        by=by,
        action=f"exchange.{object_type}_viewed",
        object_type=object_type,
        object_id=object_id,
        details={"person": person_id},
    )


@transaction.atomic
def exchange_listed(*, by: Actor, rows: int) -> None:
    """Reading a list of requests or disclosures is recorded, with how many were shown."""
    audit_record(by=by, action="exchange.listed", details={"rows": rows})
