"""An attacker with the database drops the append-only triggers and changes the log behind the service.

Partners hold signed heads; `audit verify --against` must name the first broken sequence number and what
happened, on PostgreSQL and on SQLite alike. Each test runs in the test's transaction, so the dropped
trigger comes back when it rolls back.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from goldenthread.audit.actions import audit_head_publish, audit_head_signed, audit_record
from goldenthread.audit.chain import event_hash
from goldenthread.audit.models import GENESIS_HASH, AuditEvent
from goldenthread.audit.signing import public_key_text, signing_key_parse
from goldenthread.audit.verify import audit_chain_verify
from goldenthread.core.actor import Actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def heads(tmp_path: Path) -> Path:
    """Events 1-3, a head (4); events 5-10, a head (11); events 12-16, a head (17)."""
    path = tmp_path / "heads.jsonl"
    for count in (3, 6, 5):
        for _ in range(count):
            audit_record(by=Actor(user_id="1", username="u"), action="test.event")
        head = audit_head_publish(by=Actor.system())
        with path.open("a") as handle:
            handle.write(audit_head_signed(head).json_line() + "\n")
    assert AuditEvent.objects.count() == 17
    call_command("audit_verify", against=str(path), public_key=[_public_key()])  # intact beforehand
    return path


def _public_key() -> str:
    return public_key_text(signing_key_parse(settings.AUDIT_SIGNING_KEY))


def _attack(*statements: tuple[str, list[object]]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER audit_auditevent_append_only ON audit_auditevent")
        else:
            cursor.execute("DROP TRIGGER audit_auditevent_no_update")
        for sql, params in statements:
            cursor.execute(sql, params)


def _rehash_from(seq: int) -> None:
    """Renumber the events from ``seq`` on to close a gap and recompute every hash, as a careful attacker."""
    prev = AuditEvent.objects.filter(seq__lt=seq).order_by("-seq").first()
    prev_hash = prev.hash if prev else GENESIS_HASH
    new_seq = prev.seq + 1 if prev else 1
    for event in AuditEvent.objects.filter(seq__gte=seq).order_by("seq"):
        digest = event_hash(
            seq=new_seq,
            occurred_at=event.occurred_at,
            actor_id=event.actor_id,
            actor_username=event.actor_username,
            actor_agency=event.actor_agency,
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            purpose=event.purpose,
            details=event.details,
            prev_hash=prev_hash,
        )
        _attack_more(
            "UPDATE audit_auditevent SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [new_seq, prev_hash, digest, event.pk],
        )
        prev_hash, new_seq = digest, new_seq + 1


def _attack_more(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _broken(heads: Path) -> str:
    with pytest.raises(CommandError) as excinfo:
        call_command("audit_verify", against=str(heads), public_key=[_public_key()])
    assert excinfo.value.returncode == 1
    return str(excinfo.value)


def test_tamper_edited_event_is_named(heads: Path) -> None:
    _attack(("UPDATE audit_auditevent SET actor_username = %s WHERE seq = %s", ["someone-else", 6]))
    message = _broken(heads)
    assert message.startswith("Audit chain broken at sequence 6: it was edited")
    assert "does not match its hash" in message


def test_tamper_deleted_event_is_named(heads: Path) -> None:
    _attack(("DELETE FROM audit_auditevent WHERE seq = %s", [6]))
    assert _broken(heads).startswith(
        "Audit chain broken at sequence 6: event 6 is missing (deleted): the log goes from 5 to 7"
    )


def test_tamper_reordered_events_are_named(heads: Path) -> None:
    # Swap events 6 and 7 (through a free number, as the sequence is unique).
    _attack(
        ("UPDATE audit_auditevent SET seq = %s WHERE seq = %s", [1000, 6]),
        ("UPDATE audit_auditevent SET seq = %s WHERE seq = %s", [6, 7]),
        ("UPDATE audit_auditevent SET seq = %s WHERE seq = %s", [7, 1000]),
    )
    assert _broken(heads).startswith(
        "Audit chain broken at sequence 6: it was written as event 7: the log was reordered"
    )


def test_tamper_truncated_tail_is_named(heads: Path) -> None:
    _attack(("DELETE FROM audit_auditevent WHERE seq >= %s", [15]))
    assert _broken(heads).startswith(
        "Audit chain broken at sequence 15: the log ends at 14; the head signed "
    )
    assert "covers 17 (the newest events were removed)" in _broken(heads)


def test_tamper_deletion_rehashed_is_named_by_the_first_head_it_breaks(heads: Path) -> None:
    _attack(("DELETE FROM audit_auditevent WHERE seq = %s", [6]))
    _rehash_from(7)
    assert audit_chain_verify().intact  # consistent with itself: only the heads can tell
    message = _broken(heads)
    assert message.startswith(
        "Audit chain broken at sequence 11: the log was rewritten after event 4, at or before this event"
    )
    assert "re-hashed" in message


def test_tamper_edit_rehashed_is_named_by_the_first_head_it_breaks(heads: Path) -> None:
    _attack(("UPDATE audit_auditevent SET object_id = %s WHERE seq = %s", ["forged", 13]))
    _rehash_from(13)
    assert _broken(heads).startswith(
        "Audit chain broken at sequence 17: the log was rewritten after event 11, at or before this event"
    )


def test_tamper_without_heads_misses_a_rehashed_deletion(heads: Path) -> None:
    # Why partners keep heads: the chain alone cannot see this attack.
    _attack(("DELETE FROM audit_auditevent WHERE seq = %s", [6]))
    _rehash_from(7)
    call_command("audit_verify")
