"""What a withdrawn consent means for the exchange (see goldenthread.consent.withdrawal_hooks): the
disclosures already made under decisions that relied on it are listed to the person recording the
withdrawal, and each recipient is told that consent has been withdrawn (no personal data)."""

from __future__ import annotations

from typing import Any

from goldenthread.consent.withdrawal_hooks import Relied, withdrawal_listener
from goldenthread.exchange.actions.common import disclosure_url
from goldenthread.exchange.ladder import receivers_of
from goldenthread.exchange.models import Disclosure
from goldenthread.notifications.actions import notify


@withdrawal_listener
def disclosures_relying_on(*, record: Any, by: Any) -> list[Relied]:
    relied = []
    disclosures = Disclosure.objects.filter(decision__consent_record=record).select_related(
        "to_agency", "to_team", "to_user"
    )
    for disclosure in disclosures.order_by("disclosed_at", "pk"):
        href = disclosure_url(disclosure.pk)
        relied.append(Relied(f"Disclosure {disclosure.pk} to {disclosure.to_agency.name}", href))
        receivers = (
            [disclosure.to_user]
            if disclosure.to_user is not None
            else receivers_of(disclosure.to_agency, disclosure.to_team)
        )
        notify(
            recipients=receivers,
            kind="consent.withdrawn",
            message=f"Consent behind disclosure {disclosure.pk} has been withdrawn: rely on it no further",
            url=href,
            agency=disclosure.to_agency,
            key=f"consent.withdrawn:{record.pk}:disclosure:{disclosure.pk}",
            by=by,
        )
    return relied
