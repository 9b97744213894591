"""Work items this app puts on a practitioner's home page worklist (see goldenthread.core.worklist)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from goldenthread.core.worklist import WorkItem, worklist_provider
from goldenthread.sharing.models import AdviserRole
from goldenthread.sharing.selectors import (
    advice_requests_for_adviser,
    decisions_declined_for,
    endorsements_owed,
)


@worklist_provider
def endorsement_items(*, user: Any, agency: Any) -> list[WorkItem]:
    now = timezone.now()
    items = []
    for decision in endorsements_owed(user=user, agency=agency).order_by("decided_at"):
        if decision.emergency:
            label = f"Endorse decision {decision.pk}: shared without consent in an emergency"
        else:
            label = f"Endorse decision {decision.pk} before information is shared without consent"
        items.append(
            WorkItem(
                label=label,
                href=reverse("sharing:decision-endorse", kwargs={"decision_id": decision.pk}),
                due=decision.endorsement_due_at,
                overdue=decision.endorsement_overdue(now),
            )
        )
    return items


@worklist_provider
def declined_items(*, user: Any, agency: Any) -> list[WorkItem]:
    """The decider's decisions whose endorsement was declined: each needs a new decision."""
    return [
        WorkItem(
            label=f"Record a new decision: decision {decision.pk} was not endorsed",
            href=reverse("sharing:decision", kwargs={"decision_id": decision.pk}),
        )
        for decision in decisions_declined_for(user=user, agency=agency).order_by("decided_at")
    ]


@worklist_provider
def advice_items(*, user: Any, agency: Any) -> list[WorkItem]:
    waiting = advice_requests_for_adviser(user=user, agency=agency).filter(answered_at__isnull=True)
    return [
        WorkItem(
            label=f"Give advice: request {advice.pk}, asked of the {AdviserRole(advice.adviser_role).label}",
            href=reverse("sharing:advice", kwargs={"advice_id": advice.pk}),
        )
        for advice in waiting.order_by("requested_at")
    ]
