from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from goldenthread.audit.verify import audit_chain_verify

_CHECKPOINT = re.compile(r"^(\d+):([0-9a-f]{64})$")


class Command(BaseCommand):
    help = "Check the whole audit chain; exit 0 when intact, 1 naming the first broken sequence number."

    def add_arguments(self, parser: CommandParser) -> None:
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
                raise CommandError("--expect must be SEQ:HASH, e.g. 120:<64 hex digits>", returncode=2)
            expect = (int(match.group(1)), match.group(2))
        report = audit_chain_verify(expect=expect)
        if report.intact:
            self.stdout.write(f"Audit chain intact: {report.events_checked} events checked.")
            self.stdout.write(f"Head: {report.head_seq}:{report.head_hash} (keep it to check against later)")
            return
        raise CommandError(
            f"Audit chain broken at sequence {report.first_broken_seq}: {report.reason} "
            f"({report.events_checked} events before it are intact).",
            returncode=1,
        )
