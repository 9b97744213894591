"""Signed heads: publishing them, and checking the log against a file of them as a partner agency would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from goldenthread.audit.actions import (
    Actor,
    AuditChainBrokenError,
    audit_head_publish,
    audit_head_signed,
    audit_record,
)
from goldenthread.audit.models import AuditEvent, AuditHead
from goldenthread.audit.signing import (
    head_parse,
    public_key_parse,
    public_key_text,
    signing_key_new,
    signing_key_parse,
)
from goldenthread.cli import main
from tests.integration.test_audit import _tamper

pytestmark = pytest.mark.django_db


def _public_key() -> str:
    return public_key_text(signing_key_parse(settings.AUDIT_SIGNING_KEY))


def _publish(path: Path) -> AuditHead:
    head = audit_head_publish(by=Actor.system())
    with path.open("a") as handle:
        handle.write(audit_head_signed(head).json_line() + "\n")
    return head


def _verify_fails(**options: object) -> CommandError:
    with pytest.raises(CommandError) as excinfo:
        call_command("audit_verify", **options)
    return excinfo.value


def _head_fails(**options: object) -> CommandError:
    with pytest.raises(CommandError) as excinfo:
        call_command("audit_head", **options)
    return excinfo.value


def test_audit_head_publish_covers_its_own_publication_event() -> None:
    audit_record(by=Actor.system(), action="test.before")
    head = audit_head_publish(by=Actor(user_id="7", username="ops"))
    event = AuditEvent.objects.get(seq=head.seq)
    assert head.seq == 2
    assert event.action == "audit.head_published"
    assert event.actor_username == "ops"
    assert head.hash == event.hash
    assert audit_head_signed(head).signature_valid([public_key_parse(_public_key())])


def test_audit_head_signature_fails_for_another_key_or_an_edited_head() -> None:
    signed = audit_head_signed(audit_head_publish(by=Actor.system()))
    other = signing_key_parse(signing_key_new()).public_key()
    assert not signed.signature_valid([other])
    own = public_key_parse(_public_key())
    edited = head_parse(signed.json_line().replace(f'"seq":{signed.seq}', f'"seq":{signed.seq + 1}'))
    assert not edited.signature_valid([own])


def test_audit_head_publish_refuses_a_broken_chain() -> None:
    for i in range(3):
        audit_record(by=Actor.system(), action=f"test.{i}")
    with transaction.atomic():
        _tamper("UPDATE audit_auditevent SET purpose = %s WHERE seq = %s", ["edited", 2])
    with pytest.raises(AuditChainBrokenError) as excinfo:
        audit_head_publish(by=Actor.system())
    assert "sequence 2" in str(excinfo.value)
    assert not AuditHead.objects.exists()
    assert AuditEvent.objects.count() == 3


def test_audit_head_command_appends_json_lines(tmp_path: Path) -> None:
    out = tmp_path / "heads.jsonl"
    call_command("audit_head", out=str(out))
    call_command("audit_head", out=str(out))
    lines = out.read_text().splitlines()
    assert [json.loads(line)["seq"] for line in lines] == [1, 2]
    assert AuditHead.objects.count() == 2
    call_command("audit_verify", against=str(out), public_key=[_public_key()])


def test_audit_head_command_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    error = _head_fails(out=str(tmp_path / "nowhere" / "heads.jsonl"))
    assert error.returncode == 2
    assert "does not exist" in str(error)
    assert not AuditHead.objects.exists()


def test_audit_public_key_command_prints_the_signing_keys_public_half(
    capsys: pytest.CaptureFixture[str],
) -> None:
    call_command("audit_public_key")
    assert capsys.readouterr().out.strip() == _public_key()


def test_audit_verify_against_heads_signed_with_another_key_fails(tmp_path: Path) -> None:
    heads = tmp_path / "heads.jsonl"
    _publish(heads)
    stranger = public_key_text(signing_key_parse(signing_key_new()))
    error = _verify_fails(against=str(heads), public_key=[stranger])
    assert error.returncode == 1
    assert "line 1" in str(error)
    assert "does not verify" in str(error)


def test_audit_verify_against_forged_head_fails(tmp_path: Path) -> None:
    heads = tmp_path / "heads.jsonl"
    head = _publish(heads)
    audit_record(by=Actor.system(), action="test.after")
    # Someone moves the head on to cover a later event without the private key.
    later = AuditEvent.objects.get(seq=head.seq + 1)
    heads.write_text(heads.read_text().replace(head.hash, later.hash).replace(f'"seq":{head.seq}', '"seq":2'))
    error = _verify_fails(against=str(heads), public_key=[_public_key()])
    assert error.returncode == 1
    assert "does not verify" in str(error)


def test_audit_verify_public_key_from_a_file(tmp_path: Path) -> None:
    heads = tmp_path / "heads.jsonl"
    _publish(heads)
    key_file = tmp_path / "partner.pub"
    key_file.write_text(_public_key() + "\n")
    call_command("audit_verify", against=str(heads), public_key=[str(key_file)])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json\n", "line 1 is not a signed head: not JSON"),
        ('{"seq": 1}\n', "line 1 is not a signed head: missing hash, signed_at, key_id, signature"),
        ("\n\n", "holds no signed heads"),
    ],
)
def test_audit_verify_against_bad_head_file_is_a_clear_error(
    tmp_path: Path, content: str, message: str
) -> None:
    heads = tmp_path / "heads.jsonl"
    heads.write_text(content)
    error = _verify_fails(against=str(heads))
    assert error.returncode == 2
    assert message in str(error)


def test_audit_verify_against_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    error = _verify_fails(against=str(tmp_path / "absent.jsonl"))
    assert error.returncode == 2
    assert "absent.jsonl does not exist" in str(error)


def test_audit_verify_bad_public_key_is_a_clear_error(tmp_path: Path) -> None:
    heads = tmp_path / "heads.jsonl"
    _publish(heads)
    error = _verify_fails(against=str(heads), public_key=["c2hvcnQ="])
    assert error.returncode == 2
    assert "must be 32 bytes" in str(error)


@pytest.mark.django_db(transaction=True)
def test_audit_cli_head_and_verify_against(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # transaction=True: Django's command runner closes connections on exit.
    heads = tmp_path / "heads.jsonl"
    assert main(["audit", "head", "--out", str(heads)]) == 0
    assert main(["audit", "verify", "--against", str(heads), "--public-key", _public_key()]) == 0
    assert "All 1 signed heads verified" in capsys.readouterr().out


def test_audit_cli_new_key_prints_a_usable_private_key(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "new-key"]) == 0
    key = capsys.readouterr().out.strip()
    assert public_key_text(signing_key_parse(key))
