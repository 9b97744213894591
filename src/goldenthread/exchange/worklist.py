"""Work items this app puts on the home page (see goldenthread.core.worklist): what is due, overdue, to
acknowledge, to answer and to resolve, each with the working time left."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from goldenthread.core.worklist import WorkItem, worklist_provider
from goldenthread.exchange.actions import can_resolve
from goldenthread.exchange.ladder import receivers_of
from goldenthread.exchange.models import OPEN_STATUSES, DifferenceOfOpinion, RecipientStatus
from goldenthread.exchange.selectors import (
    clock_for,
    disclosures_received_for,
    requests_received_for,
    requests_sent_for,
)


def _request_href(request_id: int) -> str:
    return reverse("exchange:request", kwargs={"request_id": request_id})


@worklist_provider
def received_items(*, user: Any, agency: Any) -> list[WorkItem]:
    """Requests to the agency waiting for this user: to acknowledge (any receiver), to answer (the
    person assigned, or any receiver while no one is)."""
    if agency is None:
        return []
    rows = requests_received_for(user=user, agency=agency).filter(status__in=OPEN_STATUSES)
    rows = rows.filter(Q(assigned_to=user) | Q(assigned_to__isnull=True))
    receiving = {u.pk for u in receivers_of(agency)}
    now = timezone.now()
    items = []
    for row in rows.order_by("deadline_at")[:100]:
        if row.assigned_to_id != user.pk and user.pk not in receiving:
            continue
        request = row.request
        clock = clock_for(row.deadline_at, request.priority.hours, now)
        verb = "Acknowledge" if row.status == RecipientStatus.WAITING else "Answer"
        items.append(
            WorkItem(
                label=f"{verb} {request.priority.name.lower()} request {request.pk} from "
                f"{request.agency.name}: {clock.label}",
                href=_request_href(request.pk),
                due=row.deadline_at,
                overdue=clock.overdue,
            )
        )
    return items


@worklist_provider
def sent_items(*, user: Any, agency: Any) -> list[WorkItem]:
    """Requests this user sent still waiting for an answer, and declines they may dispute."""
    if agency is None:
        return []
    now = timezone.now()
    items = []
    sent = requests_sent_for(user=user, agency=agency).filter(requested_by=user, withdrawn_at__isnull=True)
    for request in sent.filter(recipients__status__in=OPEN_STATUSES).distinct().order_by("deadline_at")[:50]:
        clock = clock_for(request.deadline_at, request.priority.hours, now)
        items.append(
            WorkItem(
                label=f"Your {request.priority.name.lower()} request {request.pk} is waiting for an answer: "
                f"{clock.label}",
                href=_request_href(request.pk),
                due=request.deadline_at,
                overdue=clock.overdue,
            )
        )
    return items


@worklist_provider
def disclosure_items(*, user: Any, agency: Any) -> list[WorkItem]:
    if agency is None:
        return []
    waiting = disclosures_received_for(user=user, agency=agency).filter(receipt__isnull=True)
    waiting = waiting.filter(Q(to_user=user) | Q(to_user__isnull=True))
    return [
        WorkItem(
            label=f"Acknowledge disclosure {d.pk} from {d.from_agency.name}",
            href=reverse("exchange:disclosure", kwargs={"disclosure_id": d.pk}),
        )
        for d in waiting.order_by("disclosed_at")[:50]
    ]


@worklist_provider
def difference_items(*, user: Any, agency: Any) -> list[WorkItem]:
    if agency is None:
        return []
    open_ones = DifferenceOfOpinion.objects.filter(
        Q(recipient__agency=agency) | Q(recipient__request__agency=agency), resolved_at__isnull=True
    ).select_related("recipient__request__priority", "recipient__agency", "recipient__request__agency")
    now = timezone.now()
    items = []
    for difference in open_ones.order_by("deadline_at")[:50]:
        if not can_resolve(user, difference.recipient):
            continue
        request = difference.recipient.request
        clock = clock_for(difference.deadline_at, request.priority.hours, now)
        items.append(
            WorkItem(
                label=f"Resolve the difference of opinion about request {request.pk}: {clock.label}",
                href=_request_href(request.pk),
                due=difference.deadline_at,
                overdue=clock.overdue,
            )
        )
    return items
