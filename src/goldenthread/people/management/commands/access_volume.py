"""`goldenthread access_volume [--day YYYY-MM-DD]`: alert on users who opened far more cards than their peers.

Run daily after midnight (cron or a systemd timer, beside `goldenthread housekeeping`): it checks the day
before, and running it again for a day alerts nobody twice.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from goldenthread.core.actor import Actor
from goldenthread.people.actions import access_volume_check


class Command(BaseCommand):
    help = (
        "Alert the IG officers about each user who opened far more children's cards in a day than their "
        "peers (same agency and role); checks yesterday unless given --day."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--day", help="the day to check, like 2026-12-05 (default: yesterday)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if options["day"]:
            try:
                day = date.fromisoformat(options["day"])
            except ValueError:
                raise CommandError(f"--day must be a date like 2026-12-05; got {options['day']!r}") from None
            if day >= today:
                raise CommandError("--day must be a day that has ended (yesterday or before)")
        else:
            day = today - timedelta(days=1)
        raised = access_volume_check(day=day, by=Actor(username="housekeeping"))
        noun = "user" if len(raised) == 1 else "users"
        self.stdout.write(f"{day.isoformat()}: {len(raised)} {noun} far above their peers, alerted.\n")
