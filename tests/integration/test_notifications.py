"""In-app notifications: raised inside an action, idempotent by key, opened (read) only by their recipient."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from goldenthread.audit.models import AuditEvent
from goldenthread.core.actor import Actor
from goldenthread.notifications import channels
from goldenthread.notifications.actions import (
    NotificationError,
    notification_open,
    notifications_mark_all_read,
    notify,
)
from goldenthread.notifications.models import Notification
from goldenthread.notifications.selectors import notifications_unread, notifications_unread_count
from tests.support.personas import client_signed_in

pytestmark = pytest.mark.django_db


def _by(persona: Any) -> Actor:
    return Actor.of(persona.user, persona.agency)


def test_notify_creates_one_per_recipient_and_audits(persona: Any) -> None:
    worker, dsl = persona("social_worker"), persona("school_dsl")
    made = notify(
        recipients=[worker.user, dsl.user, worker.user],
        kind="advice.answered",
        message="Advice answered",
        url="/sharing/",
        by=_by(dsl),
    )
    assert len(made) == 2
    assert notifications_unread_count(user=worker.user) == 1
    assert AuditEvent.objects.filter(action="notification.sent").count() == 2


def test_notify_same_key_twice_notifies_once(persona: Any) -> None:
    worker = persona("social_worker")
    for _ in range(2):
        notify(recipients=[worker.user], kind="x", message="Something changed", key="event-1", by=_by(worker))
    assert Notification.objects.filter(recipient=worker.user).count() == 1


@pytest.mark.parametrize(
    ("message", "url", "problem"),
    [
        ("", "", "kind and a message"),
        ("x" * 201, "", "at most 200"),
        ("ok", "https://evil.example/", "this service"),
        ("ok", "//evil.example/", "this service"),
    ],
)
def test_notify_bad_input_refused_and_nothing_saved(
    persona: Any, message: str, url: str, problem: str
) -> None:
    worker = persona("social_worker")
    with pytest.raises(NotificationError, match=problem):
        notify(recipients=[worker.user], kind="x", message=message, url=url, by=_by(worker))
    assert not Notification.objects.exists()


def test_notify_rolled_back_with_its_action_delivers_nothing(
    persona: Any, django_capture_on_commit_callbacks: Any
) -> None:
    worker = persona("social_worker")
    delivered: list[int] = []
    channel = channels.notification_channel(delivered.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            with pytest.raises(RuntimeError), transaction.atomic():
                notify(recipients=[worker.user], kind="x", message="Lost", by=_by(worker))
                raise RuntimeError("the action failed")
            notify(recipients=[worker.user], kind="x", message="Kept", by=_by(worker))
    finally:
        channels._channels.remove(channel)
    assert [n.message for n in Notification.objects.all()] == ["Kept"]
    assert delivered == [Notification.objects.get().pk]


def test_notification_open_marks_read_only_for_recipient(persona: Any) -> None:
    worker, dsl = persona("social_worker"), persona("school_dsl")
    (note,) = notify(
        recipients=[worker.user], kind="x", message="Decision endorsed", url="/sharing/", by=_by(dsl)
    )
    with pytest.raises(NotificationError):
        notification_open(notification_id=note.pk, by=_by(dsl))
    note.refresh_from_db()
    assert note.read_at is None
    notification_open(notification_id=note.pk, by=_by(worker))
    assert notifications_unread(user=worker.user) == []


def test_notifications_mark_all_read_counts(persona: Any) -> None:
    worker = persona("social_worker")
    for i in range(3):
        notify(recipients=[worker.user], kind="x", message=f"Change {i}", by=_by(worker))
    assert notifications_mark_all_read(by=_by(worker)) == 3
    assert notifications_mark_all_read(by=_by(worker)) == 0


def test_home_lists_unread_and_open_follows_link(persona: Any) -> None:
    worker = persona("social_worker")
    (note,) = notify(
        recipients=[worker.user],
        kind="x",
        message="Your advice was answered",
        url="/sharing/",
        by=_by(worker),
    )
    client: Client = client_signed_in(worker)
    home = client.get(reverse("web:home"))
    assert "Your advice was answered" in home.content.decode()
    opened = client.get(reverse("notifications:open", args=[note.pk]))
    assert opened.status_code == 302 and opened.url == "/sharing/"
    assert "Your advice was answered" not in client.get(reverse("web:home")).content.decode()
    assert "Your advice was answered" in client.get(reverse("notifications:list")).content.decode()
