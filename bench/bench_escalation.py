"""The exchange's escalation after the worker was down: N open red requests, the clock a day past their
deadlines, then one `goldenthread worker --batch` run (in this process) raising every missed rung.

    .venv/bin/python bench/bench_escalation.py --requests 200 [--days 1] [--database-url URL]

Each request goes to one agency with a practitioner, a manager, a safeguarding lead and an IG officer, so
every rung of the red ladder (deadline, +2, +4, +8 working hours) tells someone. Prints how many rungs and
notifications the catch-up raised, how long it took, and that a second run raised nothing (each rung is
raised once). Uses a fresh SQLite database in a temporary folder unless --database-url names another
(which must be a throwaway: it is written to). Never fails on a figure.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from unittest import mock
from zoneinfo import ZoneInfo

SENT = datetime(2026, 3, 3, 10, 0, tzinfo=ZoneInfo("Europe/London"))  # a Tuesday morning


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument(
        "--days", type=int, default=1, help="working days the worker was down past the deadline"
    )
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="gt-bench-escalation-")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
    os.environ.setdefault("GOLDENTHREAD_ENV", "test")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goldenthread.config.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    _run(args.requests, args.days)


def _run(count: int, days: int) -> None:
    from django.utils import timezone
    from tests.support.worker import run_queue

    from goldenthread.accounts.models import User
    from goldenthread.agencies.models import Agency, AgencyKind, Membership
    from goldenthread.agencies.permissions import Role
    from goldenthread.core.actor import Actor
    from goldenthread.core.worktime import add_working_hours
    from goldenthread.exchange.actions import Addressee, request_send
    from goldenthread.exchange.defaults import defaults_ensure
    from goldenthread.exchange.models import Escalation
    from goldenthread.notifications.models import Notification
    from goldenthread.people.models import Person

    defaults_ensure()

    def member(agency: Agency, name: str, role: str) -> User:
        user = User.objects.create(username=f"{agency.code}-{name}")
        Membership.objects.create(user=user, agency=agency, role=role, started_at=timezone.now())
        return user

    mash = Agency.objects.create(code="bench-csc", name="Bench CSC", kind=AgencyKind.CHILDRENS_SOCIAL_CARE)
    school = Agency.objects.create(code="bench-school", name="Bench School", kind=AgencyKind.SCHOOL)
    sender = member(mash, "mash", Role.MASH_OFFICER)
    for name, role in (("teacher", Role.PRACTITIONER), ("head", Role.MANAGER), ("dsl", Role.DSL)):
        member(school, name, role)
    member(school, "ig", Role.IG_OFFICER)
    actor = Actor.of(sender, mash)
    with mock.patch("django.utils.timezone.now", return_value=SENT):
        for n in range(count):
            person = Person.objects.create(given_name=f"Child{n}", family_name="Bench")
            request_send(
                agency=mash,
                by=actor,
                person=person,
                request_type="general_safeguarding",
                addressees=[Addressee(agency_id=school.pk)],
                purpose="Benchmark",
                needed="Benchmark",
                lawful_basis="Benchmark",
                priority="red",
            )
    deadline = add_working_hours(SENT, 4)
    restart = add_working_hours(deadline, 8 * days + 1)
    told_before = Notification.objects.filter(kind="exchange.escalation").count()
    with mock.patch("django.utils.timezone.now", return_value=restart):
        started = time.perf_counter()
        run_queue()
        catch_up = time.perf_counter() - started
        rungs = Escalation.objects.count()
        told = Notification.objects.filter(kind="exchange.escalation").count() - told_before
        started = time.perf_counter()
        run_queue()
        again = time.perf_counter() - started
    print(f"requests {count}, deadline {deadline:%a %d %b %H:%M}, worker back {restart:%a %d %b %H:%M}")
    per_request = rungs / max(count, 1)
    print(
        f"catch-up run: {rungs} rungs raised ({per_request:.1f} per request), {told} notifications, "
        f"{catch_up:.2f} s ({rungs / catch_up:.0f} rungs/s)"
    )
    print(
        f"second run: {Escalation.objects.count() - rungs} more rungs, "
        f"{Notification.objects.filter(kind='exchange.escalation').count() - told_before - told} more "
        f"notifications, {again:.2f} s"
    )
    first = Escalation.objects.order_by("recipient_id").values_list("recipient_id", flat=True).first()
    rows = Escalation.objects.filter(recipient_id=first).order_by("position")
    for position, due, raised in rows.values_list("position", "due_at", "raised_at"):
        hours_late = (raised - due) / timedelta(hours=1)
        print(f"  rung {position}: due {due:%a %H:%M}, raised {raised:%a %H:%M} ({hours_late:.1f} h late)")


if __name__ == "__main__":
    main()
