from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from goldenthread.accounts.models import User
from goldenthread.agencies.actions import membership_create
from goldenthread.agencies.models import Agency, Membership
from goldenthread.audit import actions as audit_actions
from goldenthread.audit.actions import audit_record
from goldenthread.audit.models import GENESIS_HASH, AuditEvent, AuditImmutableError
from goldenthread.audit.verify import audit_chain_verify
from goldenthread.cli import main
from goldenthread.core.actor import Actor

pytestmark = pytest.mark.django_db


def _events(n: int) -> list[AuditEvent]:
    return [
        audit_record(by=Actor(user_id="1", username="u"), action=f"test.{i}", object_id=i) for i in range(n)
    ]


def _tamper(sql: str, params: list[object]) -> None:
    """Change a row behind the application's back, as an attacker with database access would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Replica mode skips ordinary triggers: a superuser can do this, which is why the chain exists.
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(sql, params)
            cursor.execute("SET LOCAL session_replication_role = origin")
        else:
            cursor.execute("DROP TRIGGER audit_auditevent_no_update")
            cursor.execute(sql, params)


def test_audit_record_chains_events_in_sequence() -> None:
    first, second, third = _events(3)
    assert [first.seq, second.seq, third.seq] == [1, 2, 3]
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert len({first.hash, second.hash, third.hash}) == 3


def test_audit_details_with_float_are_refused() -> None:
    with pytest.raises(ValueError, match="float is not allowed"):
        audit_record(by=Actor.system(), action="test.float", details={"score": 1e20})
    assert not AuditEvent.objects.exists()


def test_audit_verify_intact_chain_reports_every_event() -> None:
    _events(5)
    report = audit_chain_verify(batch_size=2)
    assert report.intact
    assert report.events_checked == 5


def test_audit_verify_tampered_details_names_first_broken_sequence() -> None:
    _events(5)
    with transaction.atomic():
        _tamper("UPDATE audit_auditevent SET action = %s WHERE seq = %s", ["test.rewritten", 3])
    report = audit_chain_verify()
    assert not report.intact
    assert report.first_broken_seq == 3
    assert "does not match its hash" in report.reason


def test_audit_verify_deleted_event_names_missing_sequence() -> None:
    _events(4)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = 2")
    report = audit_chain_verify()
    assert report.first_broken_seq == 2
    assert "missing" in report.reason


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


def test_audit_verify_command_exits_one_when_broken() -> None:
    _events(3)
    call_command("audit_verify")  # intact: returns normally
    with transaction.atomic():
        _tamper("UPDATE audit_auditevent SET purpose = %s WHERE seq = %s", ["edited", 2])
    with pytest.raises(CommandError) as excinfo:
        call_command("audit_verify")
    assert excinfo.value.returncode == 1
    assert "sequence 2" in str(excinfo.value)


@pytest.mark.django_db(transaction=True)
def test_audit_cli_verify_exit_status_tracks_chain(capsys: pytest.CaptureFixture[str]) -> None:
    # transaction=True: Django's command runner closes connections on exit, which a wrapping
    # test transaction would not survive.
    _events(2)
    assert main(["audit", "verify"]) == 0
    assert "intact" in capsys.readouterr().out
    with transaction.atomic():
        _tamper("UPDATE audit_auditevent SET object_id = %s WHERE seq = %s", ["99", 1])
    with pytest.raises(SystemExit) as excinfo:
        main(["audit", "verify"])
    assert excinfo.value.code == 1
    assert "broken at sequence 1" in capsys.readouterr().err


def test_audit_database_refuses_update() -> None:
    _events(1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'x' WHERE seq = 1")
    assert AuditEvent.objects.get(seq=1).action == "test.0"


def test_audit_database_refuses_delete_on_postgresql() -> None:
    if connection.vendor != "postgresql":
        # SQLite keeps DELETE for Django's test flush; the model guard is tested below on both.
        assert connection.vendor == "sqlite"
        return
    _events(1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = 1")
    assert AuditEvent.objects.filter(seq=1).exists()


def test_audit_model_refuses_save_and_delete_of_existing_event() -> None:
    (event,) = _events(1)
    event.action = "changed"
    with pytest.raises(AuditImmutableError):
        event.save()
    with pytest.raises(AuditImmutableError):
        event.delete()
    assert AuditEvent.objects.get(seq=1).action == "test.0"


def test_audit_queryset_update_and_delete_are_refused() -> None:
    audit_record(by=Actor.system(), action="test.one")
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(seq=1).delete()
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.update(action="x")
    assert AuditEvent.objects.get(seq=1).action == "test.one"


def test_audit_write_failure_rolls_back_the_change(monkeypatch: pytest.MonkeyPatch) -> None:
    user = User.objects.create_user(username="rollback", password="irrelevant-pass-123")
    agency = Agency.objects.create(code="rollback-agency", name="Rollback agency", kind="police")

    def broken_hash(**_: object) -> str:
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(audit_actions, "event_hash", broken_hash)
    with pytest.raises(RuntimeError, match="audit store unavailable"):
        membership_create(user=user, agency=agency, role="practitioner", by=Actor.system())
    assert not Membership.objects.filter(user=user).exists()
    assert not AuditEvent.objects.exists()


def test_audit_write_with_duplicate_hash_rolls_back_the_change(monkeypatch: pytest.MonkeyPatch) -> None:
    # A failing INSERT (here a unique clash) must take the membership with it, not only a Python error.
    user = User.objects.create_user(username="rollback2", password="irrelevant-pass-123")
    agency = Agency.objects.create(code="rollback-agency2", name="Rollback agency 2", kind="police")
    existing = audit_record(by=Actor.system(), action="test.first")
    monkeypatch.setattr(audit_actions, "event_hash", lambda **_: existing.hash)
    with pytest.raises(IntegrityError):
        membership_create(user=user, agency=agency, role="practitioner", by=Actor.system())
    assert not Membership.objects.filter(user=user).exists()
    assert AuditEvent.objects.count() == 1


def test_audit_record_stores_actor_as_text_that_survives_user_removal() -> None:
    user = User.objects.create_user(username="leaver", password="irrelevant-pass-123")
    agency = Agency.objects.create(code="text-agency", name="Text agency", kind="school")
    event = audit_record(by=Actor.of(user, agency), action="test.actor")
    user_id = user.pk
    user.delete()
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.actor_id, stored.actor_username, stored.actor_agency) == (
        str(user_id),
        "leaver",
        "text-agency",
    )


def test_audit_record_time_is_utc() -> None:
    (event,) = _events(1)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.occurred_at.utcoffset() == timezone.timedelta(0)
