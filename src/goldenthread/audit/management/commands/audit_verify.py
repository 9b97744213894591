from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from goldenthread.audit.signing import (
    HeadFormatError,
    SignedHead,
    SigningKeyError,
    head_parse,
    key_id,
    public_key_parse,
    signing_key_parse,
)
from goldenthread.audit.verify import Checkpoint, audit_chain_verify

_CHECKPOINT = re.compile(r"^(\d+):([0-9a-f]{64})$")


def _usage_error(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def _public_keys(values: list[str] | None) -> list[Ed25519PublicKey]:
    if not values:
        # Without a key from elsewhere the check uses this installation's own: fine for an operator,
        # while a partner passes the key they were given.
        return [signing_key_parse(settings.AUDIT_SIGNING_KEY).public_key()]
    keys = []
    for value in values:
        path = Path(value)
        text = path.read_text(encoding="utf-8") if path.is_file() else value
        try:
            keys.append(public_key_parse(text))
        except SigningKeyError as exc:
            raise _usage_error(f"--public-key {value}: {exc}") from None
    return keys


def _heads(path: Path) -> list[tuple[int, SignedHead]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise _usage_error(f"--against: {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise _usage_error(f"--against: {path} cannot be read: {exc}") from None
    heads = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            heads.append((number, head_parse(line)))
        except HeadFormatError as exc:
            raise _usage_error(f"{path} line {number} is not a signed head: {exc}") from None
    if not heads:
        raise _usage_error(f"{path} holds no signed heads")
    return heads


def _signed_checkpoints(path: Path, keys: list[Ed25519PublicKey]) -> list[Checkpoint]:
    checkpoints = []
    for number, head in _heads(path):
        if not head.signature_valid(keys):
            known = ", ".join(key_id(key) for key in keys)
            raise CommandError(
                f"The head on line {number} of {path} (event {head.seq}, signed {head.signed_at}) does not "
                f"verify: the head file was altered, or it was signed with another key (it names key "
                f"{head.key_id}; checked with {known}).",
                returncode=1,
            )
        label = f"the head signed {head.signed_at} (line {number})"
        checkpoints.append(Checkpoint(head.seq, head.hash, label))
    return checkpoints


class Command(BaseCommand):
    help = "Check the whole audit chain; exit 0 when intact, 1 naming the first broken sequence number."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--against",
            metavar="HEADFILE",
            help="signed heads (JSON lines from `goldenthread audit head`) kept outside the database: "
            "checks each signature, then that the log still holds what each head covered",
        )
        parser.add_argument(
            "--public-key",
            metavar="KEY",
            action="append",
            help="the public key (text, or a file holding it) the heads were signed with; may be repeated "
            "for heads signed before a change of key (default: this installation's own key)",
        )
        parser.add_argument(
            "--expect",
            metavar="SEQ:HASH",
            help="a head printed by an earlier verification and kept outside the database; "
            "fails if that event is missing or different (detects deletion of the newest events)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        expect = None
        if options["expect"]:
            match = _CHECKPOINT.match(options["expect"])
            if not match:
                raise _usage_error("--expect must be SEQ:HASH, e.g. 120:<64 hex digits>")
            expect = (int(match.group(1)), match.group(2))
        if options["public_key"] and not options["against"]:
            raise _usage_error("--public-key checks signed heads: give the head file with --against")
        checkpoints: list[Checkpoint] = []
        if options["against"]:
            checkpoints = _signed_checkpoints(Path(options["against"]), _public_keys(options["public_key"]))
        report = audit_chain_verify(expect=expect, checkpoints=checkpoints)
        if report.intact:
            self.stdout.write(f"Audit chain intact: {report.events_checked} events checked.")
            if checkpoints:
                self.stdout.write(
                    f"All {len(checkpoints)} signed heads verified; the log holds what each covered."
                )
            self.stdout.write(f"Head: {report.head_seq}:{report.head_hash} (keep it to check against later)")
            return
        raise CommandError(
            f"Audit chain broken at sequence {report.first_broken_seq}: {report.reason} "
            f"({report.events_checked} events before it are intact).",
            returncode=1,
        )
