"""Harvesting: card views per user are limited per hour, and reaching the limit alerts the IG officers."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from goldenthread.audit.models import AuditEvent
from goldenthread.core.actor import Actor
from goldenthread.people.models import AccessAlert
from tests.integration.people_support import import_rows, record, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def children() -> list[int]:
    import_rows(
        "health",
        [
            row(local_id=f"H-{i}", given_name=name, nhs_number="", date_of_birth=f"2015-0{i}-01")
            for i, name in enumerate(["Ava", "Ben", "Cara", "Dev"], start=1)
        ],
    )
    return [record("health", f"H-{i}").person_id for i in range(1, 5)]


def _open(client: Any, person_id: int) -> Any:
    client.post(reverse("people:purpose", args=[person_id]), {"purpose": "mash_screening"})
    return client.get(reverse("people:card", args=[person_id]))


def test_card_views_past_the_hourly_limit_refused_and_alert_raised_once(
    children: list[int], signed_in: Any, settings: Any
) -> None:
    settings.CARD_VIEWS_PER_HOUR = 3
    client = signed_in("social_worker")
    assert [_open(client, pk).status_code for pk in children[:3]] == [200, 200, 200]
    refused = _open(client, children[3])
    assert refused.status_code == 429
    assert "You have opened many records this hour" in refused.content.decode()
    assert _open(client, children[0]).status_code == 429  # still refused, no second alert
    alert = AccessAlert.objects.get()
    assert (alert.kind, alert.agency.code, alert.details) == ("burst", "test-csc", {"cards_in_hour": 3})
    assert AuditEvent.objects.filter(action="person.viewed").count() == 3  # refused views read nothing
    assert AuditEvent.objects.filter(action="access_alert.raised").count() == 1


def test_card_views_limit_counts_each_user_apart(children: list[int], signed_in: Any, settings: Any) -> None:
    settings.CARD_VIEWS_PER_HOUR = 2
    worker, manager = signed_in("social_worker"), signed_in("manager")
    assert [_open(worker, pk).status_code for pk in children[:2]] == [200, 200]
    assert _open(manager, children[0]).status_code == 200


def test_alert_listed_for_the_agencys_ig_officer_and_closed_with_a_note(
    children: list[int], signed_in: Any, settings: Any
) -> None:
    settings.CARD_VIEWS_PER_HOUR = 1
    worker = signed_in("social_worker")
    _open(worker, children[0])
    _open(worker, children[1])
    officer = signed_in("ig_officer")
    assert "Review 1 unusual access" in officer.get(reverse("web:home")).content.decode()
    alert = AccessAlert.objects.get()
    assert "Social Worker Tester" in officer.get(reverse("people:alerts")).content.decode()
    empty = officer.post(reverse("people:alert-close", args=[alert.pk]), {"note": "  "})
    assert "Say what you found" in empty.content.decode()
    assert AccessAlert.objects.get().reviewed_at is None
    done = officer.post(
        reverse("people:alert-close", args=[alert.pk]), {"note": "Screening a sibling group"}, follow=True
    )
    assert "Alert closed" in done.content.decode()
    closed = AccessAlert.objects.get()
    assert closed.review_note == "Screening a sibling group" and closed.reviewed_by is not None
    assert AuditEvent.objects.filter(action="access_alert.closed").exists()
    assert officer.get(reverse("people:alert-close", args=[alert.pk])).status_code == 404


def test_alert_not_shown_to_another_agencys_officer(
    children: list[int], signed_in: Any, persona: Any, settings: Any
) -> None:
    from goldenthread.core.actor import Actor
    from goldenthread.people.actions import access_alert_raise

    police = persona("police_officer")
    alert = access_alert_raise(
        kind="burst", user=police.user, agency=police.agency, by=Actor(username="t"), details={}
    )
    officer = signed_in("ig_officer")  # children's social care, not police
    assert officer.get(reverse("people:alert-close", args=[alert.pk])).status_code == 404
    assert "Police Officer Tester" not in officer.get(reverse("people:alerts")).content.decode()


def test_card_views_limit_from_the_environment_is_checked_at_start() -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "GOLDENTHREAD_ENV": "test", "GOLDENTHREAD_CARD_VIEWS_PER_HOUR": "many"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**env, "DJANGO_SETTINGS_MODULE": "goldenthread.config.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "GOLDENTHREAD_CARD_VIEWS_PER_HOUR" in result.stderr


def test_access_alert_raised_notifies_the_agencys_governance_officers(persona: Any) -> None:
    from goldenthread.notifications.models import Notification
    from goldenthread.people.actions import access_alert_raise

    officer, worker, outsider = persona("ig_officer"), persona("social_worker"), persona("police_officer")
    alert = access_alert_raise(
        kind="burst",
        user=worker.user,
        agency=worker.agency,
        by=Actor.of(worker.user, worker.agency),
        details={"views": 61},
    )
    told = Notification.objects.filter(kind="access_alert.raised")
    assert [n.recipient_id for n in told] == [officer.user.pk]
    assert told.get().url.endswith(f"/alerts/{alert.pk}/") and "review" in told.get().message
    assert outsider.user.pk not in {n.recipient_id for n in told}
