"""What a withdrawn consent means for sharing (see goldenthread.consent.withdrawal_hooks): the decisions
to share that relied on it are listed, and whoever decided each is told (no personal data)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from goldenthread.consent.withdrawal_hooks import Relied, withdrawal_listener
from goldenthread.notifications.actions import notify
from goldenthread.sharing.models import Decision, Outcome


@withdrawal_listener
def decisions_relying_on(*, record: Any, by: Any) -> list[Relied]:
    relied = []
    decisions = Decision.objects.filter(consent_record=record, decision=Outcome.SHARE).select_related(
        "decided_by", "agency"
    )
    for decision in decisions.order_by("decided_at", "pk"):
        href = reverse("sharing:decision", kwargs={"decision_id": decision.pk})
        relied.append(Relied(f"Decision {decision.pk} to share ({decision.agency.name})", href))
        notify(
            recipients=[decision.decided_by],
            kind="consent.withdrawn",
            message=f"Consent that decision {decision.pk} relied on has been withdrawn: "
            "share nothing more on it",
            url=href,
            agency=decision.agency,
            key=f"consent.withdrawn:{record.pk}:{decision.pk}",
            by=by,
        )
    return relied
