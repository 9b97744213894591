"""My work and the team queue: what is due, overdue (with working time left), to acknowledge, to answer;
and two people answering one request at once (one wins, the other is told, nothing else changes)."""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.urls import reverse

from goldenthread.core.worklist import worklist_for
from goldenthread.exchange.actions import (
    ExchangeError,
    disclosure_send,
    recipient_acknowledge,
    request_answer,
)
from goldenthread.exchange.defaults import defaults_ensure
from goldenthread.exchange.models import Disclosure, Receipt, RequestRecipient
from goldenthread.exchange.selectors import clock_for
from tests.support.exchange import (
    NOT_TOLD,
    all_items,
    by,
    child_make,
    recipient_of,
    request_make,
    share_decision,
)
from tests.support.personas import persona_make

LONDON = ZoneInfo("Europe/London")
SENT = datetime(2026, 3, 3, 10, 0, tzinfo=LONDON)


def _labels(persona: Any) -> list[tuple[str, bool]]:
    return [(item.label, item.overdue) for item in worklist_for(user=persona.user, agency=persona.agency)]


@pytest.mark.django_db
def test_worklist_lists_requests_to_acknowledge_and_answer_with_time_left(persona: Any) -> None:
    mash, health = persona("social_worker"), persona("health_visitor")
    with mock.patch("django.utils.timezone.now", return_value=SENT):
        sent = request_make(mash, child_make(), health, priority="amber")
    at_eleven = datetime(2026, 3, 3, 11, 0, tzinfo=LONDON)
    with mock.patch("django.utils.timezone.now", return_value=at_eleven):
        assert _labels(health) == [
            (f"Acknowledge amber request {sent.pk} from Test test-csc: 23 hours left (working time)", False)
        ]
        assert _labels(mash) == [
            (f"Your amber request {sent.pk} is waiting for an answer: 23 hours left (working time)", False)
        ]
        recipient_acknowledge(recipient=recipient_of(sent, health), by=by(health))
        assert _labels(health)[0][0].startswith(f"Answer amber request {sent.pk}")
    # Monday 11:00: past the deadline (Friday 10:00) by nine working hours, the weekend not counted.
    with mock.patch("django.utils.timezone.now", return_value=datetime(2026, 3, 9, 11, 0, tzinfo=LONDON)):
        assert _labels(health) == [
            (f"Answer amber request {sent.pk} from Test test-csc: Overdue by 9 hours (working time)", True)
        ]


def test_clock_is_red_amber_green_by_working_time_left() -> None:
    due = datetime(2026, 3, 4, 17, 0, tzinfo=LONDON)
    assert clock_for(due, 24, datetime(2026, 3, 3, 9, 0, tzinfo=LONDON)).colour == "green"  # 16 of 24 left
    assert clock_for(due, 24, datetime(2026, 3, 4, 9, 0, tzinfo=LONDON)).colour == "yellow"  # 8 left
    assert clock_for(due, 24, datetime(2026, 3, 4, 12, 0, tzinfo=LONDON)).colour == "red"  # 5 left
    late = clock_for(due, 24, datetime(2026, 3, 5, 10, 0, tzinfo=LONDON))
    assert late.overdue and late.label == "Overdue by 1 hour (working time)"


@pytest.mark.django_db
def test_worklist_lists_disclosures_to_acknowledge_until_acknowledged(persona: Any) -> None:
    health, mash = persona("health_visitor"), persona("social_worker")
    decision = share_decision(health, child_make())
    disclosure = disclosure_send(
        agency=health.agency,
        by=by(health),
        decision=decision,
        to_agency=mash.agency,
        purpose="Refer",
        lawful_basis="s47",
        items=all_items(decision),
        notice=NOT_TOLD,
    )
    assert (f"Acknowledge disclosure {disclosure.pk} from Test test-health", False) in _labels(mash)
    Receipt.objects.create(
        disclosure=disclosure, acknowledged_at=disclosure.disclosed_at, acknowledged_by=mash.user
    )
    assert not any("disclosure" in label for label, _ in _labels(mash))


@pytest.mark.django_db
def test_team_queue_shows_open_requests_with_their_age(persona: Any, signed_in: Any) -> None:
    mash, health = persona("social_worker"), persona("health_visitor")
    dsl = persona("school_dsl")
    with mock.patch("django.utils.timezone.now", return_value=SENT):
        sent = request_make(mash, child_make(), dsl, health, priority="red")
    with mock.patch("django.utils.timezone.now", return_value=datetime(2026, 3, 3, 12, 30, tzinfo=LONDON)):
        page = signed_in("school_dsl").get(reverse("exchange:team")).content.decode()
    assert f"Red request {sent.pk}" in page and "2 hours 30 minutes" in page
    assert "1 hour 30 minutes left (working time)" in page


@pytest.mark.django_db(transaction=True)
def test_two_people_answering_at_once_one_wins_the_other_is_told() -> None:
    defaults_ensure()
    mash, health = persona_make("social_worker"), persona_make("health_visitor")
    child = child_make()
    row = recipient_of(request_make(mash, child, health), health)
    decision = share_decision(health, child)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def answer() -> None:
        try:
            barrier.wait(timeout=10)
            request_answer(
                recipient=RequestRecipient.objects.get(pk=row.pk),
                by=by(health),
                decision=decision,
                outcome="share_all",
                items=all_items(decision),
                lawful_basis="s47",
                notice=NOT_TOLD,
            )
            outcomes.append("answered")
        except ExchangeError as exc:
            outcomes.append(str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=answer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(outcomes) == 2 and outcomes.count("answered") == 1
    refused = next(o for o in outcomes if o != "answered")
    assert refused.startswith("This request has already been answered by Health Visitor Tester")
    assert Disclosure.objects.count() == 1
