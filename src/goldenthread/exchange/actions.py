"""Every write of the exchange: requests sent, acknowledged, assigned, answered and withdrawn; disclosures
made, corrected and received; differences of opinion; escalations raised; the priorities configured.

Each action checks its own rules whoever calls it, audits in its own transaction, and tells the people
concerned through notifications.actions.notify (no personal data in the message, an idempotent key).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from goldenthread.accounts.models import User
from goldenthread.agencies.models import Agency, Team
from goldenthread.agencies.permissions import Permission
from goldenthread.agencies.selectors import user_has_permission
from goldenthread.audit.actions import audit_record
from goldenthread.core.actor import Actor
from goldenthread.core.errors import NON_FIELD, ActionError
from goldenthread.core.worktime import add_working_hours
from goldenthread.exchange.ladder import ladder_due, receivers_of, rung_people
from goldenthread.exchange.models import (
    OPEN_STATUSES,
    DifferenceOfOpinion,
    Disclosure,
    DisclosureItem,
    Escalation,
    EscalationStep,
    InformationRequest,
    Outcome,
    Priority,
    Receipt,
    RecipientStatus,
    RequestRecipient,
    RequestType,
    SubjectTold,
    WithheldItem,
)
from goldenthread.exchange.request_types import BY_CODE, details_problems
from goldenthread.notifications.actions import notify
from goldenthread.people.models import Person
from goldenthread.people.selectors import person_ids_merged_into
from goldenthread.sharing.models import Decision, DecisionItem, Endorsement
from goldenthread.sharing.models import Outcome as DecisionOutcome


class ExchangeError(ActionError):
    """A request or disclosure that breaks a rule of the exchange; nothing was changed."""


@dataclass(frozen=True)
class Addressee:
    """An agency asked, and optionally the team within it."""

    agency_id: int
    team_id: int | None = None


@dataclass(frozen=True)
class ItemChoice:
    """One item of the decision: disclosed (with its source and date) or withheld (with the reason)."""

    decision_item_id: int
    include: bool
    source: str = ""
    dated: date | None = None
    reason: str = ""


@dataclass(frozen=True)
class SubjectNotice:
    """Whether the subject was told of the disclosure: when, or why not."""

    told: str
    told_on: date | None = None
    why_not: str = ""


def _request_url(request_id: int) -> str:
    return reverse("exchange:request", kwargs={"request_id": request_id})


def _disclosure_url(disclosure_id: int) -> str:
    return reverse("exchange:disclosure", kwargs={"disclosure_id": disclosure_id})


def _can(user: Any, permission: Permission, agency: Agency | None) -> bool:
    return user_has_permission(user=user, permission=permission, agency=agency)


# ---------------------------------------------------------------- configuration


@transaction.atomic
def priorities_update(
    *,
    hours: Mapping[str, int],
    type_priorities: Mapping[str, str],
    ladders: Mapping[str, Sequence[int]] | None = None,
    by: Actor,
) -> list[str]:
    """The partnership's administrator sets each priority's working hours, its ladder's rungs (working
    hours after the deadline, in order) and each request type's default priority; returns what changed
    (audited). A request already sent keeps the deadline it was given; its ladder follows the new rungs."""
    user = by.signed_in_user()
    if not _can(user, Permission.MANAGE_AGENCIES, by.agency):
        raise ExchangeError("Only the partnership's administrator can change priorities and timescales")
    priorities = {p.code: p for p in Priority.objects.select_for_update()}
    problems: dict[str, list[str]] = {}
    for code, value in hours.items():
        if code not in priorities:
            problems.setdefault(NON_FIELD, []).append(f"There is no priority {code!r}")
        elif not isinstance(value, int) or not 1 <= value <= 2000:
            problems[f"hours_{code}"] = ["Enter a whole number of working hours from 1 to 2000"]
    steps = {
        code: list(
            EscalationStep.objects.select_for_update().filter(priority__code=code).order_by("position")
        )
        for code in (ladders or {})
    }
    for code, rungs in (ladders or {}).items():
        if code not in priorities or len(rungs) != len(steps[code]):
            problems.setdefault(NON_FIELD, []).append(f"The ladder of {code!r} has other rungs")
        elif any(not 0 <= h <= 2000 for h in rungs) or list(rungs) != sorted(rungs):
            problems[f"ladder_{code}_1"] = [
                f"{priorities[code].name}: each rung comes no earlier than the one before, 0 to 2000 hours"
            ]
    types = {t.code: t for t in RequestType.objects.select_for_update()}
    for code, priority_code in type_priorities.items():
        if code not in types or priority_code not in priorities:
            problems[f"type_{code}"] = ["Select a priority for this request type"]
    if problems:
        raise ExchangeError(problems)
    changed = []
    for code, value in hours.items():
        priority = priorities[code]
        if priority.hours != value:
            changed.append(f"{priority.name}: {priority.hours} to {value} working hours")
            priority.hours = value
            priority.save(update_fields=["hours"])
    for code, rungs in (ladders or {}).items():
        for step, after in zip(steps[code], rungs, strict=True):
            if step.after_hours != after:
                changed.append(
                    f"{priorities[code].name} rung {step.position}: {step.after_hours} to {after} hours"
                )
                step.after_hours = after
                step.save(update_fields=["after_hours"])
    for code, priority_code in type_priorities.items():
        request_type = types[code]
        if request_type.default_priority_id != priorities[priority_code].pk:
            changed.append(f"{request_type.code}: default {priority_code}")
            request_type.default_priority = priorities[priority_code]
            request_type.save(update_fields=["default_priority"])
    if changed:
        audit_record(by=by, action="exchange.priorities_changed", details={"changes": changed})
    return changed


# ---------------------------------------------------------------- requests


def _addressees_check(
    addressees: Sequence[Addressee], *, sender: Agency, spec_to_kinds: tuple[str, ...]
) -> tuple[list[tuple[Agency, Team | None]], list[str]]:
    found: list[tuple[Agency, Team | None]] = []
    problems: list[str] = []
    if not addressees:
        return found, ["Select at least one agency to ask"]
    seen: set[int] = set()
    for addressee in addressees:
        agency = Agency.objects.filter(pk=addressee.agency_id, is_active=True).first()
        if agency is None:
            problems.append("One of the agencies selected does not exist or is no longer active")
            continue
        if agency.pk in seen:
            continue
        seen.add(agency.pk)
        if agency.pk == sender.pk:
            problems.append("A request goes to another agency, not your own")
            continue
        if spec_to_kinds and agency.kind not in spec_to_kinds:
            problems.append(f"{agency.name} cannot receive this type of request")
            continue
        team = None
        if addressee.team_id is not None:
            team = Team.objects.filter(pk=addressee.team_id, agency=agency).first()
            if team is None:
                problems.append(f"That team is not part of {agency.name}")
                continue
        if not receivers_of(agency, team):
            problems.append(f"{agency.name} has no team able to receive requests in the service")
            continue
        found.append((agency, team))
    return found, problems


@transaction.atomic
def request_send(
    *,
    agency: Agency,
    by: Actor,
    person: Person,
    request_type: str,
    addressees: Sequence[Addressee],
    purpose: str,
    needed: str,
    lawful_basis: str,
    priority: str = "",
    details: Mapping[str, str] | None = None,
    deadline: datetime | None = None,
) -> InformationRequest:
    """Send an information request about ``person`` to one or more agencies, with its deadline."""
    user = by.signed_in_user()
    if not _can(user, Permission.RECORD_DECISION, agency):
        raise ExchangeError("Only practitioners of this agency can send requests from it")
    problems: dict[str, list[str]] = {}
    spec = BY_CODE.get(request_type)
    stored_type = RequestType.objects.select_related("default_priority").filter(code=request_type).first()
    if spec is None or stored_type is None:
        raise ExchangeError("Select the type of request", field="request_type")
    if spec.from_kinds and agency.kind not in spec.from_kinds:
        problems.setdefault("request_type", []).append(f"{agency.name} cannot send this type of request")
    if person.is_shielded:
        problems.setdefault(NON_FIELD, []).append(
            "This person is shielded: ask through their brokered contact, not a request"
        )
    for name, value in (("purpose", purpose), ("needed", needed), ("lawful_basis", lawful_basis)):
        if not value.strip():
            problems[name] = [
                {
                    "purpose": "Enter the purpose of the request",
                    "needed": "Enter what is needed and why",
                    "lawful_basis": "Enter the lawful basis you rely on",
                }[name]
            ]
    clean_details, detail_problems = details_problems(spec, dict(details or {}))
    problems.update(detail_problems)
    chosen = Priority.objects.filter(code=priority).first() if priority else stored_type.default_priority
    if chosen is None:
        problems["priority"] = ["Select a priority"]
    targets, target_problems = _addressees_check(addressees, sender=agency, spec_to_kinds=spec.to_kinds)
    if target_problems:
        problems.setdefault("addressees", []).extend(target_problems)
    if (
        spec.code == "investigation_notice"
        and clean_details.get("proceedings_live") == "yes"
        and not any(a.kind == "court" for a, _ in targets)
    ):
        problems.setdefault("addressees", []).append(
            "Family court proceedings are live: send the notice to the family court as well"
        )
    now = timezone.now()
    if deadline is not None and deadline <= now:
        problems["deadline"] = ["The deadline must be in the future"]
    if problems:
        raise ExchangeError(problems)
    assert chosen is not None
    due = deadline or add_working_hours(now, chosen.hours)
    membership_team = by.membership.team if by.membership is not None else None
    sent = InformationRequest.objects.create(
        agency=agency,
        team=membership_team,
        requested_by=user,
        person=person,
        request_type=stored_type,
        purpose=purpose.strip(),
        needed=needed.strip(),
        lawful_basis=lawful_basis.strip(),
        details=clean_details,
        priority=chosen,
        sent_at=now,
        deadline_at=due,
    )
    from goldenthread.exchange.tasks import escalation_schedule

    for target, team in targets:
        recipient = RequestRecipient.objects.create(request=sent, agency=target, team=team, deadline_at=due)
        notify(
            recipients=receivers_of(target, team),
            kind="exchange.request",
            message=f"{chosen.name} request {sent.pk} from {agency.name} is waiting for your agency",
            url=_request_url(sent.pk),
            agency=target,
            key=f"exchange-request-{recipient.pk}-sent",
            by=by,
        )
        escalation_schedule(recipient=recipient)
    audit_record(
        by=by,
        action="exchange.request_sent",
        object_type="information_request",
        object_id=sent.pk,
        details={
            "person": person.pk,
            "type": spec.code,
            "priority": chosen.code,
            "to": [a.code for a, _ in targets],
            "deadline": due.isoformat(),
        },
    )
    return sent


def _recipient_locked(recipient: RequestRecipient) -> RequestRecipient:
    return (
        RequestRecipient.objects.select_for_update().select_related("request", "agency").get(pk=recipient.pk)
    )


def _recipient_member_check(user: Any, recipient: RequestRecipient, what: str) -> None:
    if not _can(user, Permission.RECORD_DECISION, recipient.agency):
        raise ExchangeError(f"Only practitioners of {recipient.agency.name} can {what} this request")


def _still_open(recipient: RequestRecipient, verb: str) -> None:
    request = recipient.request
    if request.is_withdrawn:
        raise ExchangeError(
            f"This request was withdrawn on {timezone.localtime(request.withdrawn_at):%d %b %Y %H:%M}: "
            f"it can no longer be {verb}"
        )
    if recipient.status not in OPEN_STATUSES:
        who = recipient.answered_by
        name = who.get_full_name() or who.username if who else "someone"
        when = (
            f" on {timezone.localtime(recipient.answered_at):%d %b %Y %H:%M}" if recipient.answered_at else ""
        )
        raise ExchangeError(f"This request has already been answered by {name}{when}; nothing was changed")


@transaction.atomic
def recipient_acknowledge(*, recipient: RequestRecipient, by: Actor) -> RequestRecipient:
    user = by.signed_in_user()
    locked = _recipient_locked(recipient)
    _recipient_member_check(user, locked, "acknowledge")
    _still_open(locked, "acknowledged")
    if locked.status == RecipientStatus.ACKNOWLEDGED:
        return locked
    locked.status = RecipientStatus.ACKNOWLEDGED
    locked.acknowledged_at = timezone.now()
    locked.acknowledged_by = user
    locked.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
    audit_record(
        by=by,
        action="exchange.request_acknowledged",
        object_type="information_request",
        object_id=locked.request_id,
        details={"recipient": locked.pk, "person": locked.request.person_id},
    )
    notify(
        recipients=[locked.request.requested_by],
        kind="exchange.acknowledged",
        message=f"{locked.agency.name} acknowledged your request {locked.request_id}",
        url=_request_url(locked.request_id),
        agency=locked.request.agency,
        key=f"exchange-request-{locked.pk}-acknowledged",
        by=by,
    )
    return locked


@transaction.atomic
def recipient_assign(*, recipient: RequestRecipient, assignee: Any, by: Actor) -> RequestRecipient:
    """Give the request to one practitioner of the receiving agency (acknowledging it if not yet)."""
    user = by.signed_in_user()
    locked = _recipient_locked(recipient)
    _recipient_member_check(user, locked, "assign")
    _still_open(locked, "assigned")
    if assignee is None or not _can(assignee, Permission.RECORD_DECISION, locked.agency):
        raise ExchangeError(f"Assign the request to a practitioner of {locked.agency.name}", field="assignee")
    now = timezone.now()
    if locked.status == RecipientStatus.WAITING:
        locked.status = RecipientStatus.ACKNOWLEDGED
        locked.acknowledged_at = now
        locked.acknowledged_by = user
    locked.assigned_to = assignee
    locked.assigned_at = now
    locked.save(update_fields=["status", "acknowledged_at", "acknowledged_by", "assigned_to", "assigned_at"])
    audit_record(
        by=by,
        action="exchange.request_assigned",
        object_type="information_request",
        object_id=locked.request_id,
        details={"recipient": locked.pk, "assignee": assignee.pk, "person": locked.request.person_id},
    )
    if assignee.pk != user.pk:
        notify(
            recipients=[assignee],
            kind="exchange.assigned",
            message=f"Request {locked.request_id} from {locked.request.agency.name} was assigned to you",
            url=_request_url(locked.request_id),
            agency=locked.agency,
            key=f"exchange-request-{locked.pk}-assigned-{assignee.pk}-{now.timestamp():.0f}",
            by=by,
        )
    return locked


def _decision_for_answer(decision: Decision | None, *, agency: Agency, person: Person) -> Decision:
    if decision is None:
        raise ExchangeError("Select the decision this answer follows", field="decision")
    if decision.agency_id != agency.pk:
        raise ExchangeError("Answer with a decision your own agency recorded", field="decision")
    if decision.person_id is None or decision.person_id not in person_ids_merged_into(person.pk):
        raise ExchangeError("That decision is about someone else", field="decision")
    if Decision.objects.filter(supersedes=decision).exists():
        raise ExchangeError("That decision has been corrected: answer with the correction", field="decision")
    return decision


def _endorsement_check(decision: Decision) -> None:
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


def _items_check(
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


def _subject_check(notice: SubjectNotice) -> dict[str, list[str]]:
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


def _disclosure_save(
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
        url=_disclosure_url(disclosure.pk),
        agency=to_agency,
        key=f"exchange-disclosure-{disclosure.pk}",
        by=by,
    )
    return disclosure


@transaction.atomic
def request_answer(
    *,
    recipient: RequestRecipient,
    by: Actor,
    decision: Decision | None,
    outcome: str,
    items: Sequence[ItemChoice] = (),
    lawful_basis: str = "",
    notice: SubjectNotice | None = None,
    decline_reason: str = "",
) -> RequestRecipient:
    """Answer a request through a recorded decision: share all, share part (each item in or out with a
    reason) or decline with reasons. A share is a disclosure to the requester. One answer per agency
    asked: the row is locked, so of two people answering at once one wins and the other is told."""
    user = by.signed_in_user()
    locked = _recipient_locked(recipient)
    _recipient_member_check(user, locked, "answer")
    _still_open(locked, "answered")
    request = locked.request
    chosen = _decision_for_answer(decision, agency=locked.agency, person=request.person)
    if outcome not in Outcome.values:
        raise ExchangeError("Select share all, share part or decline", field="outcome")
    problems: dict[str, list[str]] = {}
    included: list[tuple[DecisionItem, ItemChoice]] = []
    withheld: list[tuple[DecisionItem, ItemChoice]] = []
    if outcome == Outcome.DECLINE:
        if chosen.decision == DecisionOutcome.SHARE:
            problems["decision"] = ["That decision was to share: decline with a decision not to share"]
        if not decline_reason.strip():
            problems["decline_reason"] = ["Give the reasons for declining"]
    else:
        if chosen.decision != DecisionOutcome.SHARE:
            problems["decision"] = ["That decision was not to share: answer with a decision to share"]
        else:
            _endorsement_check(chosen)
        included, withheld, item_problems = _items_check(chosen, items, all_in=outcome == Outcome.SHARE_ALL)
        problems.update(item_problems)
        if outcome == Outcome.SHARE_PART and not withheld and not item_problems:
            problems.setdefault("items", []).append(
                "Sharing part: withhold at least one item, with its reason"
            )
        if not lawful_basis.strip():
            problems["lawful_basis"] = ["Enter the lawful basis for sharing"]
        problems.update(_subject_check(notice or SubjectNotice(told="")))
    if problems:
        raise ExchangeError(problems)
    now = timezone.now()
    locked.status = RecipientStatus.DECLINED if outcome == Outcome.DECLINE else RecipientStatus.ANSWERED
    locked.answered_at = now
    locked.answered_by = user
    locked.outcome = outcome
    locked.decision = chosen
    locked.decline_reason = decline_reason.strip() if outcome == Outcome.DECLINE else ""
    if locked.acknowledged_at is None:
        locked.acknowledged_at, locked.acknowledged_by = now, user
    locked.save()
    audit_record(
        by=by,
        action="exchange.request_answered",
        object_type="information_request",
        object_id=request.pk,
        details={
            "recipient": locked.pk,
            "outcome": outcome,
            "decision": chosen.pk,
            "person": request.person_id,
        },
    )
    if outcome == Outcome.DECLINE:
        notify(
            recipients=[request.requested_by],
            kind="exchange.declined",
            message=f"{locked.agency.name} declined your request {request.pk}",
            url=_request_url(request.pk),
            agency=request.agency,
            key=f"exchange-request-{locked.pk}-answered",
            by=by,
        )
    else:
        assert notice is not None
        _disclosure_save(
            by=by,
            user=user,
            from_agency=locked.agency,
            to_agency=request.agency,
            to_team=request.team,
            to_user=request.requested_by,
            person=request.person,
            purpose=request.purpose,
            decision=chosen,
            lawful_basis=lawful_basis,
            notice=notice,
            included=included,
            withheld=withheld,
            answers=locked,
        )
    return locked


@transaction.atomic
def request_withdraw(*, request: InformationRequest, by: Actor, reason: str) -> InformationRequest:
    user = by.signed_in_user()
    if not _can(user, Permission.RECORD_DECISION, request.agency):
        raise ExchangeError("Only practitioners of the requesting agency can withdraw this request")
    locked = InformationRequest.objects.select_for_update().get(pk=request.pk)
    if locked.is_withdrawn:
        raise ExchangeError("This request has already been withdrawn")
    if not reason.strip():
        raise ExchangeError("Give the reason for withdrawing the request", field="reason")
    open_rows = list(
        RequestRecipient.objects.select_for_update().filter(request=locked, status__in=OPEN_STATUSES)
    )
    if not open_rows:
        raise ExchangeError("Every agency asked has answered: there is nothing left to withdraw")
    locked.withdrawn_at, locked.withdrawn_by, locked.withdrawn_reason = timezone.now(), user, reason.strip()
    locked.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
    for row in open_rows:
        row.status = RecipientStatus.WITHDRAWN
        row.save(update_fields=["status"])
        notify(
            recipients=[row.assigned_to] if row.assigned_to else receivers_of(row.agency, row.team),
            kind="exchange.withdrawn",
            message=f"Request {locked.pk} from {locked.agency.name} was withdrawn: no answer is needed",
            url=_request_url(locked.pk),
            agency=row.agency,
            key=f"exchange-request-{row.pk}-withdrawn",
            by=by,
        )
    audit_record(
        by=by,
        action="exchange.request_withdrawn",
        object_type="information_request",
        object_id=locked.pk,
        details={"person": locked.person_id, "open": len(open_rows)},
    )
    return locked


# ---------------------------------------------------------------- disclosures


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
    if not _can(user, Permission.RECORD_DECISION, agency):
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
    _endorsement_check(decision)
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
    included, withheld, item_problems = _items_check(decision, items, all_in=False)
    problems.update(item_problems)
    problems.update(_subject_check(notice))
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
            return _disclosure_save(
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
    if not _can(user, Permission.VIEW_CHILD_DATA, disclosure.to_agency):
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
        url=_disclosure_url(disclosure.pk),
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


# ---------------------------------------------------------------- differences of opinion


@transaction.atomic
def difference_raise(*, recipient: RequestRecipient, by: Actor, reason: str) -> DifferenceOfOpinion:
    """The requester disputes a decline; it follows the request's ladder in the declining agency."""
    user = by.signed_in_user()
    locked = _recipient_locked(recipient)
    request = locked.request
    if not _can(user, Permission.RECORD_DECISION, request.agency):
        raise ExchangeError("Only practitioners of the requesting agency can dispute this answer")
    if locked.status != RecipientStatus.DECLINED:
        raise ExchangeError("Only a declined request can be disputed")
    if DifferenceOfOpinion.objects.filter(recipient=locked, resolved_at__isnull=True).exists():
        raise ExchangeError("A difference of opinion about this answer is already open")
    if not reason.strip():
        raise ExchangeError("Say why you disagree with the decision", field="reason")
    now = timezone.now()
    difference = DifferenceOfOpinion.objects.create(
        recipient=locked,
        raised_by=user,
        raised_at=now,
        reason=reason.strip(),
        deadline_at=add_working_hours(now, request.priority.hours),
    )
    audit_record(
        by=by,
        action="exchange.difference_raised",
        object_type="difference_of_opinion",
        object_id=difference.pk,
        details={"request": request.pk, "recipient": locked.pk, "person": request.person_id},
    )
    notify(
        recipients=[locked.answered_by],
        kind="exchange.difference",
        message=f"{request.agency.name} disagrees with the decline of request {request.pk}",
        url=_request_url(request.pk),
        agency=locked.agency,
        key=f"exchange-difference-{difference.pk}-raised",
        by=by,
    )
    from goldenthread.exchange.tasks import escalation_schedule

    escalation_schedule(difference=difference)
    return difference


def can_resolve(user: Any, recipient: RequestRecipient) -> bool:
    """A manager, DSL, Caldicott Guardian or IG officer of either agency resolves a difference."""
    return any(
        _can(user, permission, agency)
        for agency in (recipient.agency, recipient.request.agency)
        for permission in (Permission.ENDORSE_DECISION, Permission.GIVE_ADVICE)
    )


@transaction.atomic
def difference_resolve(*, difference: DifferenceOfOpinion, by: Actor, resolution: str) -> DifferenceOfOpinion:
    user = by.signed_in_user()
    locked = (
        DifferenceOfOpinion.objects.select_for_update()
        .select_related("recipient__request")
        .get(pk=difference.pk)
    )
    if not can_resolve(user, locked.recipient):
        raise ExchangeError("Only a manager, safeguarding lead or governance officer can resolve this")
    if locked.resolved_at is not None:
        raise ExchangeError("This difference of opinion has already been resolved")
    if not resolution.strip():
        raise ExchangeError("Record how the difference was resolved", field="resolution")
    locked.resolved_at, locked.resolved_by, locked.resolution = timezone.now(), user, resolution.strip()
    locked.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    request = locked.recipient.request
    audit_record(
        by=by,
        action="exchange.difference_resolved",
        object_type="difference_of_opinion",
        object_id=locked.pk,
        details={"request": request.pk, "person": request.person_id},
    )
    notify(
        recipients=[locked.raised_by, locked.recipient.answered_by],
        kind="exchange.resolved",
        message=f"The difference of opinion about request {request.pk} was resolved",
        url=_request_url(request.pk),
        key=f"exchange-difference-{locked.pk}-resolved",
        by=by,
    )
    return locked


# ---------------------------------------------------------------- escalation


def _ladder_subject(
    *, recipient_id: int | None, difference_id: int | None
) -> tuple[RequestRecipient | None, DifferenceOfOpinion | None]:
    if recipient_id is not None:
        recipient = (
            RequestRecipient.objects.select_for_update()
            .select_related("request__priority", "agency")
            .filter(pk=recipient_id)
            .first()
        )
        if recipient is None or not recipient.is_open or recipient.request.is_withdrawn:
            return None, None
        return recipient, None
    if difference_id is None:
        return None, None
    difference = (
        DifferenceOfOpinion.objects.select_for_update()
        .select_related("recipient__request__priority", "recipient__agency")
        .filter(pk=difference_id)
        .first()
    )
    if difference is None or not difference.is_open:
        return None, None
    return None, difference


@transaction.atomic
def escalations_raise_due(
    *, recipient_id: int | None = None, difference_id: int | None = None, by: Actor
) -> datetime | None:
    """Raise, in order, every rung of the ladder that is due and not yet raised (each recorded and told
    once); returns when the next rung falls due, or None when the ladder is done or the matter closed."""
    recipient, difference = _ladder_subject(recipient_id=recipient_id, difference_id=difference_id)
    row = recipient or (difference.recipient if difference else None)
    if row is None:
        return None
    deadline = recipient.deadline_at if recipient else difference.deadline_at  # type: ignore[union-attr]
    raised = set(
        Escalation.objects.filter(recipient=recipient, difference=difference).values_list(
            "position", flat=True
        )
    )
    now = timezone.now()
    for step, due in ladder_due(row.request.priority, deadline):
        if step.position in raised:
            continue
        if due > now:
            return due
        people = rung_people(
            step.target, row, assigned=difference.recipient.answered_by if difference else None
        )
        escalation = Escalation.objects.create(
            recipient=recipient,
            difference=difference,
            position=step.position,
            target=step.target,
            due_at=due,
            raised_at=now,
            told=len(people),
        )
        subject = (
            f"Difference of opinion about request {row.request_id}"
            if difference
            else f"{row.request.priority.name} request {row.request_id}"
        )
        notify(
            recipients=people,
            kind="exchange.escalation",
            message=f"{subject} is overdue: escalated to you (step {step.position})",
            url=_request_url(row.request_id),
            agency=row.agency,
            key=f"exchange-escalation-{'d' if difference else 'r'}{(difference or row).pk}-{step.position}",
            by=by,
        )
        audit_record(
            by=by,
            action="exchange.escalated",
            object_type="information_request",
            object_id=row.request_id,
            details={
                "escalation": escalation.pk,
                "step": step.position,
                "target": step.target,
                "told": len(people),
                "difference": difference.pk if difference else None,
                "person": row.request.person_id,
                "late_by_seconds": int((now - due).total_seconds()),
            },
        )
    return None


def users_named(ids: Iterable[int]) -> list[User]:
    return list(User.objects.filter(pk__in=list(ids)))
