"""Daily housekeeping of sign-in records; run it from cron or a systemd timer (see README)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from goldenthread.accounts.actions import sign_in_records_expire
from goldenthread.core.actor import Actor

MAX_KEEP_DAYS = 3650


class Command(BaseCommand):
    help = "Remove ended sessions, lapsed failed sign-in counters and sign-in log entries past their age."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--sign-in-log-days",
            type=int,
            default=90,
            help="days to keep the sign-in log (addresses and browsers of each sign-in); default 90",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Ten years at most: beyond that the date arithmetic overflows, and no schedule keeps logs longer.
        keep_days = options["sign_in_log_days"]
        if not 1 <= keep_days <= MAX_KEEP_DAYS:
            raise CommandError(
                f"--sign-in-log-days must be at least 1 and at most {MAX_KEEP_DAYS} (ten years)"
            )
        removed = sign_in_records_expire(keep_days=keep_days, by=Actor(username="housekeeping"))
        self.stdout.write(
            f"{removed['sign_in_logs']} sign-in log entries older than {keep_days} days removed; "
            f"{removed['sessions']} ended sessions and {removed['failed_sign_in_counters']} lapsed failed "
            "sign-in counters removed.\n"
        )
