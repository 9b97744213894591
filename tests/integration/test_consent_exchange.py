"""A withdrawn consent and the exchange: no disclosure under a decision that relied on it, and the
disclosures already made are listed on the withdrawal with their recipients told (no personal data)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from goldenthread.consent.actions import consent_withdraw
from goldenthread.exchange.actions import ExchangeError, SubjectNotice, disclosure_send
from goldenthread.exchange.models import Disclosure
from goldenthread.notifications.models import Notification
from tests.integration.test_consent import _share_on
from tests.support.consent import actor, consent_make, girl
from tests.support.exchange import all_items, by

pytestmark = pytest.mark.django_db


def _disclose(health: Any, csc: Any, decision: Any) -> Disclosure:
    return disclosure_send(
        agency=health.agency,
        by=by(health),
        decision=decision,
        to_agency=csc.agency,
        purpose="Support from the school nurse",
        lawful_basis="Her consent",
        items=all_items(decision),
        notice=SubjectNotice(told="told", told_on=timezone.localdate()),
    )


def _withdraw(persona: Any, record: Any) -> Any:
    return consent_withdraw(
        record_id=record.pk,
        withdrawn_on=dt.date.today(),
        how="verbal",
        withdrawn_by="Ruby herself",
        told="Nothing more will be shared on your consent.",
        by=actor(persona),
    )


def test_consent_withdrawal_lists_disclosures_made_and_tells_their_recipients(persona: Any) -> None:
    health, csc = persona("health_visitor"), persona("social_worker")
    child = girl()
    record = consent_make(health, child)
    decision = _share_on(health, record, person=child)
    disclosure = _disclose(health, csc, decision)
    withdrawal = _withdraw(health, record)
    labels = [item["label"] for item in withdrawal.relied]
    assert f"Disclosure {disclosure.pk} to {csc.agency.name}" in labels
    told = Notification.objects.filter(kind="consent.withdrawn", recipient=csc.user)
    assert told.count() == 1 and "Ashworth" not in told.get().message


def test_disclosure_under_a_decision_on_withdrawn_consent_is_refused(persona: Any) -> None:
    health, csc = persona("health_visitor"), persona("social_worker")
    child = girl()
    record = consent_make(health, child)
    decision = _share_on(health, record, person=child)
    _withdraw(health, record)
    with pytest.raises(ExchangeError) as refused:
        _disclose(health, csc, decision)
    assert "was withdrawn on" in str(refused.value)
    assert not Disclosure.objects.exists()
