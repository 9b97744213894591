"""Escalation: the background worker raises each rung of a request's ladder on time, once, in order; a
worker that was down raises every missed rung on restart; an answer or a resolution stops the ladder.

Time is moved by patching ``django.utils.timezone.now`` (the worker's queue reads the same clock).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from goldenthread.audit.models import AuditEvent
from goldenthread.core.actor import Actor
from goldenthread.exchange.actions import (
    difference_raise,
    difference_resolve,
    escalations_raise_due,
    recipient_assign,
    request_answer,
)
from goldenthread.exchange.models import Escalation
from goldenthread.notifications.models import Notification
from tests.support.exchange import (
    NOT_TOLD,
    all_items,
    by,
    child_make,
    decline_decision,
    recipient_of,
    request_make,
    share_decision,
)
from tests.support.worker import run_queue

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
# A Tuesday morning: a red request sent now is due at 14:00; its ladder then runs at 14:00 (assigned),
# 16:00 (manager), Wednesday 10:00 (DSL) and Wednesday 14:00 (Caldicott Guardian or IG officer).
SENT = datetime(2026, 3, 3, 10, 0, tzinfo=LONDON)


@contextmanager
def clock(moment: datetime) -> Iterator[None]:
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _escalated(**match: Any) -> list[tuple[int, str, int]]:
    return [(e.position, e.target, e.told) for e in Escalation.objects.filter(**match).order_by("position")]


def _told(persona: Any) -> int:
    return Notification.objects.filter(recipient=persona.user, kind="exchange.escalation").count()


@pytest.fixture
def request_to_csc(persona: Any) -> Any:
    """The police ask children's social care (social worker, manager, IG officer); the worker has it."""
    police, worker = persona("police_officer"), persona("social_worker")
    for name in ("manager", "ig_officer"):
        persona(name)
    with clock(SENT):
        sent = request_make(police, child_make(), worker, priority="red")
        row = recipient_of(sent, worker)
        recipient_assign(recipient=row, assignee=worker.user, by=by(worker))
    assert row.deadline_at == datetime(2026, 3, 3, 14, 0, tzinfo=LONDON)
    return row


def test_escalation_raises_each_rung_when_it_falls_due(request_to_csc: Any, persona: Any) -> None:
    row = request_to_csc
    with clock(datetime(2026, 3, 3, 13, 59, tzinfo=LONDON)):
        run_queue()
    assert _escalated() == []
    with clock(datetime(2026, 3, 3, 14, 1, tzinfo=LONDON)):
        run_queue()
    assert _escalated(recipient=row) == [(1, "assigned", 1)]
    assert _told(persona("social_worker")) == 1 and _told(persona("manager")) == 0
    with clock(datetime(2026, 3, 3, 16, 5, tzinfo=LONDON)):
        run_queue()
    assert _escalated(recipient=row) == [(1, "assigned", 1), (2, "manager", 1)]
    assert _told(persona("manager")) == 1
    # The chain queued itself for the next rung, Wednesday 10:00 (working hours only).
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY).get()
    assert waiting.run_after == datetime(2026, 3, 4, 10, 0, tzinfo=LONDON)


def test_escalation_after_the_worker_was_down_a_day_raises_every_missed_rung_once_in_order(
    request_to_csc: Any, persona: Any
) -> None:
    row = request_to_csc
    # No worker ran on Tuesday or Wednesday; it starts again on Thursday at 09:30.
    with clock(datetime(2026, 3, 5, 9, 30, tzinfo=LONDON)):
        run_queue()
        run_queue()
        assert escalations_raise_due(recipient_id=row.pk, by=Actor.system()) is None
    # Test children's social care has no DSL: that rung is recorded, telling no one.
    assert _escalated(recipient=row) == [
        (1, "assigned", 1),
        (2, "manager", 1),
        (3, "dsl", 0),
        (4, "governance", 1),
    ]
    events = AuditEvent.objects.filter(action="exchange.escalated").order_by("pk")
    assert [e.details["step"] for e in events] == [1, 2, 3, 4]
    assert events[0].details["late_by_seconds"] == (43 * 3600 + 30 * 60)
    assert [_told(persona(n)) for n in ("social_worker", "manager", "ig_officer")] == [1, 1, 1]
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()


def test_escalation_stops_once_the_request_is_answered(request_to_csc: Any, persona: Any) -> None:
    row, worker = request_to_csc, persona("social_worker")
    with clock(datetime(2026, 3, 3, 11, 0, tzinfo=LONDON)):
        decision = share_decision(worker, row.request.person)
        request_answer(
            recipient=row,
            by=by(worker),
            decision=decision,
            outcome="share_all",
            items=all_items(decision),
            lawful_basis="Crime and Disorder Act 1998 s115",
            notice=NOT_TOLD,
        )
    with clock(datetime(2026, 3, 6, 12, 0, tzinfo=LONDON)):
        run_queue()
    assert _escalated() == []


def test_difference_of_opinion_follows_the_ladder_until_resolved(persona: Any) -> None:
    mash, health, manager = persona("social_worker"), persona("health_visitor"), persona("manager")
    with clock(SENT):
        child = child_make()
        row = recipient_of(request_make(mash, child, health, priority="red"), health)
        request_answer(
            recipient=row,
            by=by(health),
            decision=decline_decision(health, child),
            outcome="decline",
            decline_reason="Consent refused",
        )
        difference = difference_raise(recipient=row, by=by(mash), reason="The bruising meets the threshold")
    assert difference.deadline_at == datetime(2026, 3, 3, 14, 0, tzinfo=LONDON)
    with clock(datetime(2026, 3, 3, 14, 30, tzinfo=LONDON)):
        run_queue()
    # The first rung is the person who declined.
    assert _escalated(difference=difference) == [(1, "assigned", 1)]
    assert _told(health) == 1
    with clock(datetime(2026, 3, 3, 15, 0, tzinfo=LONDON)):
        resolved = difference_resolve(
            difference=difference, by=by(manager), resolution="Agreed at the strategy meeting: health shares"
        )
    assert resolved.resolved_by_id == manager.user.pk and resolved.resolved_at is not None
    with clock(datetime(2026, 3, 9, 12, 0, tzinfo=LONDON)):
        run_queue()
    assert _escalated(difference=difference) == [(1, "assigned", 1)]
    event = AuditEvent.objects.get(action="exchange.difference_resolved")
    assert event.actor_username == "manager"


def test_difference_of_opinion_only_on_a_decline(request_to_csc: Any, persona: Any) -> None:
    from goldenthread.exchange.actions import ExchangeError

    with pytest.raises(ExchangeError, match="Only a declined request"):
        difference_raise(recipient=request_to_csc, by=by(persona("police_officer")), reason="Too slow")
