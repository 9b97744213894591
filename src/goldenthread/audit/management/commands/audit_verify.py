from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from goldenthread.audit.verify import audit_chain_verify


class Command(BaseCommand):
    help = "Check the whole audit chain; exit 0 when intact, 1 naming the first broken sequence number."

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_chain_verify()
        if report.intact:
            self.stdout.write(f"Audit chain intact: {report.events_checked} events checked.")
            return
        raise CommandError(
            f"Audit chain broken at sequence {report.first_broken_seq}: {report.reason} "
            f"({report.events_checked} events before it are intact).",
            returncode=1,
        )
