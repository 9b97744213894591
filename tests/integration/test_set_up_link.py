from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from goldenthread.accounts.models import User
from goldenthread.audit.models import AuditEvent
from tests.support.personas import PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "plum-orchard-lantern-47"


def _create_account(admin: Client) -> tuple[User, str]:
    response = admin.post(
        reverse("agencies:user-new"),
        {"username": "new.starter", "first_name": "Nia", "last_name": "Starter", "email": "nia@example.org"},
    )
    assert response.status_code == 302
    user = User.objects.get(username="new.starter")
    (message,) = mail.outbox
    assert message.to == ["nia@example.org"]
    link = re.search(r"http://testserver(/accounts/set-up/\S+/)", message.body)
    assert link is not None
    return user, link.group(1)


def test_set_up_new_account_has_no_password_until_the_person_chooses_one(signed_in: Any) -> None:
    user, link = _create_account(signed_in("system_administrator"))
    assert not user.has_usable_password()
    person = Client()
    response = person.post(link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.url == reverse("accounts:sign-in")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert {"user.created", "user.setup_link_sent", "user.password_set"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )


def test_set_up_link_works_only_once(signed_in: Any) -> None:
    _, link = _create_account(signed_in("system_administrator"))
    Client().post(link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    again = Client().post(link, {"password": "another-long-password-9", "confirm": "another-long-password-9"})
    assert again.status_code == 400
    assert b"This link cannot be used" in again.content
    assert User.objects.get(username="new.starter").check_password(NEW_PASSWORD)


def test_set_up_weak_or_mismatched_password_is_refused_and_nothing_changes(signed_in: Any) -> None:
    _, link = _create_account(signed_in("system_administrator"))
    weak = Client().post(link, {"password": "password", "confirm": "password"})
    assert b"This password is too short" in weak.content or b"too common" in weak.content
    mismatch = Client().post(link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"})
    assert b"The passwords do not match" in mismatch.content
    assert not User.objects.get(username="new.starter").has_usable_password()


def test_set_up_new_link_disables_old_password_and_ends_sessions(signed_in: Any, persona: Any) -> None:
    victim = signed_in("police_officer")
    admin = signed_in("system_administrator")
    user = persona("police_officer").user
    admin.post(reverse("agencies:user-send-setup-link", kwargs={"user_id": user.pk}))
    user.refresh_from_db()
    assert not user.check_password(PASSWORD)
    assert victim.get(reverse("web:home")).status_code == 302
    assert len(mail.outbox) == 1


def test_password_change_requires_current_password(signed_in: Any, persona: Any) -> None:
    client = signed_in("social_worker")
    url = reverse("accounts:password-change")
    wrong = client.post(url, {"current": "nope", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert b"Your current password is not right" in wrong.content
    ok = client.post(url, {"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert ok.url == reverse("web:home")
    assert client.get(reverse("web:home")).status_code == 200  # this session carries on
    user = persona("social_worker").user
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
