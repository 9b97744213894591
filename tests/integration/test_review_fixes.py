"""Defects found in review of the foundation, each pinned by a test that failed before its fix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from goldenthread.accounts.actions import user_second_factor_reset, user_set_active
from goldenthread.agencies.actions import MembershipError, membership_create
from goldenthread.audit.actions import audit_record
from goldenthread.audit.models import AuditEvent, AuditImmutableError
from goldenthread.audit.verify import audit_chain_verify
from goldenthread.core.actor import Actor
from tests.integration.test_settings_and_cli import _run
from tests.support.personas import PASSWORD

pytestmark = pytest.mark.django_db
HOME = reverse("web:home")
SIGN_IN = reverse("accounts:sign-in")
VERIFY = reverse("accounts:two-factor-verify")


def test_session_of_deactivated_then_reactivated_user_stays_ended(signed_in: Any, persona: Any) -> None:
    client = signed_in("health_visitor")
    user = persona("health_visitor").user
    user_set_active(user=user, active=False, by=Actor.system())
    user_set_active(user=user, active=True, by=Actor.system())
    assert client.get(HOME).status_code == 302


def test_second_factor_reset_ends_live_session(signed_in: Any, persona: Any) -> None:
    client = signed_in("police_officer")
    user_second_factor_reset(user=persona("police_officer").user, by=Actor.system())
    response = client.get(reverse("accounts:two-factor-set-up"))
    assert response.url == SIGN_IN


def test_membership_create_for_own_account_is_refused(persona: Any) -> None:
    admin = persona("system_administrator")
    with pytest.raises(MembershipError, match="your own account"):
        membership_create(
            user=admin.user, agency=admin.agency, role="ig_officer", by=Actor.of(admin.user, admin.agency)
        )
    assert admin.user.memberships.count() == 1


def test_sign_in_attempts_during_lockout_are_audited(settings: Any, persona: Any) -> None:
    persona("school_dsl")
    client = Client()
    attempts = settings.AXES_FAILURE_LIMIT + 3
    for _ in range(attempts):
        client.post(SIGN_IN, {"username": "school_dsl", "password": "wrong-password-here"})
    reasons = [e.details["reason"] for e in AuditEvent.objects.filter(action="auth.sign_in_failed")]
    assert len(reasons) == attempts
    assert reasons.count("locked_out") >= 3


def test_sign_in_valid_password_does_not_clear_address_counter(settings: Any, persona: Any) -> None:
    persona("manager")
    client = Client(REMOTE_ADDR="203.0.113.50")
    for round_ in range(3):
        for i in range(settings.AXES_FAILURE_LIMIT - 2):
            client.post(SIGN_IN, {"username": f"victim-{round_}-{i}", "password": "guess"})
        client.post(SIGN_IN, {"username": "manager", "password": PASSWORD})
        client.post(reverse("accounts:sign-out"))
    response = client.post(SIGN_IN, {"username": "someone", "password": "guess"})
    assert response.status_code == 429


def test_second_factor_gives_a_new_session_key(persona: Any) -> None:
    person = persona("ig_officer")
    client = Client()
    client.post(SIGN_IN, {"username": "ig_officer", "password": PASSWORD})
    before = client.session.session_key
    client.post(VERIFY, {"token": person.current_token()})
    assert client.session.session_key != before
    assert client.get(HOME).status_code == 200


def test_sign_in_next_that_is_not_a_path_goes_home(persona: Any) -> None:
    person = persona("manager")
    client = Client()
    client.post(SIGN_IN + "?next=tasks", {"username": "manager", "password": PASSWORD})
    assert client.post(VERIFY, {"token": person.current_token()}).url == HOME


def test_audit_details_with_float_are_refused() -> None:
    with pytest.raises(ValueError, match="float is not allowed"):
        audit_record(by=Actor.system(), action="test.float", details={"score": 1e20})
    assert not AuditEvent.objects.exists()


def test_audit_queryset_update_and_delete_are_refused() -> None:
    audit_record(by=Actor.system(), action="test.one")
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(seq=1).delete()
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.update(action="x")
    assert AuditEvent.objects.get(seq=1).action == "test.one"


def test_audit_verify_with_checkpoint_detects_deleted_tail() -> None:
    events = [audit_record(by=Actor.system(), action=f"test.{i}") for i in range(4)]
    checkpoint = (events[-1].seq, events[-1].hash)
    assert audit_chain_verify(expect=checkpoint).intact
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("DELETE FROM audit_auditevent WHERE seq >= 3")
    assert audit_chain_verify().intact  # a cut chain is consistent on its own...
    report = audit_chain_verify(expect=checkpoint)  # ...but not with the head kept elsewhere
    assert report.first_broken_seq == 3
    with pytest.raises(CommandError) as excinfo:
        call_command("audit_verify", expect=f"{checkpoint[0]}:{checkpoint[1]}")
    assert excinfo.value.returncode == 1


def test_audit_filter_with_nul_byte_is_harmless(signed_in: Any) -> None:
    response = signed_in("ig_officer").get(reverse("audit:events"), {"action": "auth\x00"})
    assert response.status_code == 200


def test_settings_non_numeric_timeout_names_the_variable(tmp_path: Path) -> None:
    result = _run(["check"], {"GOLDENTHREAD_IDLE_TIMEOUT_SECONDS": "half an hour"}, tmp_path)
    assert result.returncode != 0
    assert "GOLDENTHREAD_IDLE_TIMEOUT_SECONDS must be a whole number" in result.stderr


def test_serve_refuses_non_loopback_bind_outside_production(tmp_path: Path) -> None:
    result = _run(["serve", "--bind", "0.0.0.0:8000"], {}, tmp_path)
    assert result.returncode == 2
    assert "refusing to listen on 0.0.0.0" in result.stderr
