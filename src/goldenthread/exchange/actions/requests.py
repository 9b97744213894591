"""Requests: sent, acknowledged, assigned, answered through a decision, withdrawn."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from goldenthread.agencies.models import Agency, Team
from goldenthread.agencies.permissions import Permission
from goldenthread.audit.actions import audit_record
from goldenthread.core.actor import Actor
from goldenthread.core.errors import NON_FIELD
from goldenthread.core.worktime import add_working_hours
from goldenthread.exchange.actions.common import (
    Addressee,
    ExchangeError,
    ItemChoice,
    SubjectNotice,
    can,
    request_url,
)
from goldenthread.exchange.actions.disclosures import (
    disclosure_save,
    endorsement_check,
    items_check,
    subject_check,
)
from goldenthread.exchange.ladder import receivers_of
from goldenthread.exchange.models import (
    OPEN_STATUSES,
    InformationRequest,
    Outcome,
    Priority,
    RecipientStatus,
    RequestRecipient,
    RequestType,
)
from goldenthread.exchange.request_types import BY_CODE, details_problems
from goldenthread.notifications.actions import notify
from goldenthread.people.models import Person
from goldenthread.people.selectors import person_ids_merged_into
from goldenthread.sharing.models import Decision, DecisionItem
from goldenthread.sharing.models import Outcome as DecisionOutcome


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
    if not can(user, Permission.RECORD_DECISION, agency):
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
            url=request_url(sent.pk),
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


def recipient_locked(recipient: RequestRecipient) -> RequestRecipient:
    return (
        RequestRecipient.objects.select_for_update().select_related("request", "agency").get(pk=recipient.pk)
    )


def _recipient_member_check(user: Any, recipient: RequestRecipient, what: str) -> None:
    if not can(user, Permission.RECORD_DECISION, recipient.agency):
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
    locked = recipient_locked(recipient)
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
        url=request_url(locked.request_id),
        agency=locked.request.agency,
        key=f"exchange-request-{locked.pk}-acknowledged",
        by=by,
    )
    return locked


@transaction.atomic
def recipient_assign(*, recipient: RequestRecipient, assignee: Any, by: Actor) -> RequestRecipient:
    """Give the request to one practitioner of the receiving agency (acknowledging it if not yet)."""
    user = by.signed_in_user()
    locked = recipient_locked(recipient)
    _recipient_member_check(user, locked, "assign")
    _still_open(locked, "assigned")
    if assignee is None or not can(assignee, Permission.RECORD_DECISION, locked.agency):
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
            url=request_url(locked.request_id),
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
    locked = recipient_locked(recipient)
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
            endorsement_check(chosen)
        included, withheld, item_problems = items_check(chosen, items, all_in=outcome == Outcome.SHARE_ALL)
        problems.update(item_problems)
        if outcome == Outcome.SHARE_PART and not withheld and not item_problems:
            problems.setdefault("items", []).append(
                "Sharing part: withhold at least one item, with its reason"
            )
        if not lawful_basis.strip():
            problems["lawful_basis"] = ["Enter the lawful basis for sharing"]
        problems.update(subject_check(notice or SubjectNotice(told="")))
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
            url=request_url(request.pk),
            agency=request.agency,
            key=f"exchange-request-{locked.pk}-answered",
            by=by,
        )
    else:
        assert notice is not None
        disclosure_save(
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
    if not can(user, Permission.RECORD_DECISION, request.agency):
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
            url=request_url(locked.pk),
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
