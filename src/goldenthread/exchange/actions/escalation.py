"""Escalation: the rungs of a request's (or a difference's) ladder raised when due, once each, in order."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from goldenthread.audit.actions import audit_record
from goldenthread.core.actor import Actor
from goldenthread.exchange.actions.common import (
    request_url,
)
from goldenthread.exchange.ladder import ladder_due, rung_people
from goldenthread.exchange.models import (
    DifferenceOfOpinion,
    Escalation,
    RequestRecipient,
)
from goldenthread.notifications.actions import notify


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
            url=request_url(row.request_id),
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
