"""Differences of opinion on a declined request: raised by the requester, resolved by a senior."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from goldenthread.agencies.permissions import Permission
from goldenthread.audit.actions import audit_record
from goldenthread.core.actor import Actor
from goldenthread.core.worktime import add_working_hours
from goldenthread.exchange.actions.common import (
    ExchangeError,
    can,
    request_url,
)
from goldenthread.exchange.actions.requests import recipient_locked
from goldenthread.exchange.models import (
    DifferenceOfOpinion,
    RecipientStatus,
    RequestRecipient,
)
from goldenthread.notifications.actions import notify


@transaction.atomic
def difference_raise(*, recipient: RequestRecipient, by: Actor, reason: str) -> DifferenceOfOpinion:
    """The requester disputes a decline; it follows the request's ladder in the declining agency."""
    user = by.signed_in_user()
    locked = recipient_locked(recipient)
    request = locked.request
    if not can(user, Permission.RECORD_DECISION, request.agency):
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
        url=request_url(request.pk),
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
        can(user, permission, agency)
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
        url=request_url(request.pk),
        key=f"exchange-difference-{locked.pk}-resolved",
        by=by,
    )
    return locked
