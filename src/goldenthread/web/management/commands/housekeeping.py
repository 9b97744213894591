"""Daily housekeeping; run it from cron or a systemd timer (see README).

Here in web, the top layer, because it tidies several apps: sign-in records and sessions (accounts), and
imports (people): unfinished ones idle past GOLDENTHREAD_IMPORT_IDLE_HOURS are abandoned, and the stored
file of every finished or abandoned one is deleted (each audited).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from goldenthread.accounts.actions import sign_in_records_expire
from goldenthread.core.actor import Actor
from goldenthread.people.actions import records_import_housekeeping

MAX_KEEP_DAYS = 3650


class Command(BaseCommand):
    help = (
        "Remove ended sessions, lapsed failed sign-in counters and sign-in log entries past their age; "
        "abandon imports idle past GOLDENTHREAD_IMPORT_IDLE_HOURS and delete finished imports' files."
    )

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
        by = Actor(username="housekeeping")
        removed = sign_in_records_expire(keep_days=keep_days, by=by)
        idle_hours = settings.IMPORT_IDLE_HOURS
        imports = records_import_housekeeping(idle=timedelta(hours=idle_hours), by=by)
        self.stdout.write(
            f"{removed['sign_in_logs']} sign-in log entries older than {keep_days} days removed; "
            f"{removed['sessions']} ended sessions and {removed['failed_sign_in_counters']} lapsed failed "
            "sign-in counters removed.\n"
            f"{imports['abandoned']} imports idle for over {idle_hours} hours abandoned; "
            f"{imports['files_deleted']} stored files of finished imports deleted.\n"
        )
