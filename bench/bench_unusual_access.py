"""What the unusual-access checks cost on PostgreSQL with a large audit log.

    .venv/bin/python bench/bench_unusual_access.py [--events 1000000] [--users 200] [--reads 300]
        [--database-url postgres://postgres@127.0.0.1:5432/gt_unusual_bench]

Creates the database if needed, migrates it, and loads (once; a loaded database is measured again) four
agencies with ``--users`` practitioners between them, 20,000 persons, and ``--events`` card views spread
over the last 30 days by COPY (the events are not chained: this database is for measuring only). Then:

- a card read (``person_get_for_user``) by a practitioner whose agency is not involved with the child, so
  each read counts the people they opened outside their agency's need in the window (about 80 of the
  user's 170 views a day here), and the unusual-access checks alone: p50 and p95 of each;
- ``access_volume_check`` for yesterday (the daily job): its time and how many users it alerted.

Prints figures; never fails on them.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from urllib.parse import urlparse

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/gt_unusual_bench"
PERSONS = 20_000
AGENCIES = ("bench-csc", "bench-police", "bench-health", "bench-school")


def _django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("GOLDENTHREAD_ENV", "test")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goldenthread.config.settings")
    import django

    django.setup()


def _database_create(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _load(events: int, users: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from goldenthread.accounts.models import User
    from goldenthread.agencies.models import Agency, AgencyKind, Membership
    from goldenthread.agencies.permissions import Role
    from goldenthread.audit.models import AuditEvent
    from goldenthread.people.models import Person

    if AuditEvent.objects.count() >= events:
        print(f"loaded already: {AuditEvent.objects.count():,} audit events")
        return
    started = time.perf_counter()
    now = timezone.now()
    agencies = [
        Agency.objects.get_or_create(code=code, defaults={"name": code, "kind": AgencyKind.OTHER})[0]
        for code in AGENCIES
    ]
    made = []
    for i in range(users):
        user, _ = User.objects.get_or_create(username=f"bench-{i}", defaults={"first_name": f"B{i}"})
        agency = agencies[i % len(agencies)]
        Membership.objects.get_or_create(
            user=user, agency=agency, defaults={"role": Role.PRACTITIONER, "started_at": now}
        )
        made.append((user.pk, agency.code))
    if Person.objects.count() < PERSONS:
        Person.objects.bulk_create(
            [Person(given_name=f"G{i}", family_name=f"F{i}") for i in range(PERSONS)], batch_size=5000
        )
    person_ids = list(Person.objects.values_list("pk", flat=True))
    rng = random.Random(7)
    start_seq = (AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
    buffer = io.StringIO()
    for n in range(events):
        user_id, code = made[rng.randrange(len(made))]
        at = now - timedelta(seconds=rng.uniform(0, 30 * 24 * 3600))
        details = '{"outside_need": true}' if rng.random() < 0.5 else "{}"
        seq = start_seq + n
        buffer.write(
            f"{seq}\t{at.isoformat()}\t{user_id}\tbench-{user_id}\t{code}\tperson.viewed\tperson\t"
            f"{rng.choice(person_ids)}\tbench\t{details}\t{seq - 1:064x}\t{seq:064x}\n"
        )
    buffer.seek(0)
    columns = (
        "seq, occurred_at, actor_id, actor_username, actor_agency, action, object_type, object_id, "
        "purpose, details, prev_hash, hash"
    )
    with connection.cursor() as cursor, cursor.copy(f"COPY audit_auditevent ({columns}) FROM STDIN") as copy:
        while chunk := buffer.read(1 << 20):
            copy.write(chunk)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE audit_auditevent")
    print(f"loaded {events:,} audit events, {users} users in {time.perf_counter() - started:.1f} s")


def _percentiles(samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[int(len(samples) * 0.95) - 1]
    return f"p50 {statistics.median(samples) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms"


def _reads(reads: int) -> tuple[list[float], list[float]]:
    """Card reads by a practitioner whose agency is not involved, and the unusual-access checks alone."""
    from django.conf import settings
    from django.utils import timezone

    from goldenthread.accounts.models import User
    from goldenthread.agencies.models import Membership
    from goldenthread.core.actor import Actor
    from goldenthread.people.actions import card_view_alerts_raise, card_view_unusual
    from goldenthread.people.models import Person
    from goldenthread.people.selectors import person_get_for_user

    settings.CARD_VIEWS_PER_HOUR = 10**9
    settings.OUTSIDE_NEED_OPENS = 10**9  # measure the counting, not the alert
    settings.OUT_OF_HOURS_AGENCY_KINDS = ("other",)  # the bench's agencies: that check runs too
    user = User.objects.get(username="bench-0")
    agency = Membership.objects.select_related("agency").get(user=user).agency
    by = Actor.of(user, agency)
    people = list(Person.objects.order_by("pk")[:reads])
    cards, checks = [], []
    for person in people:
        started = time.perf_counter()
        person_get_for_user(user=user, agency=agency, person_id=person.pk, purpose="bench")
        cards.append(time.perf_counter() - started)
        started = time.perf_counter()
        now = timezone.now()
        unusual = card_view_unusual(user=user, agency=agency, person=person, at=now)
        unusual.pop("out_of_hours", None)  # no alert rows: only the counting is measured
        card_view_alerts_raise(user=user, agency=agency, person=person, unusual=unusual, at=now, by=by)
        checks.append(time.perf_counter() - started)
    return cards, checks


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--reads", type=int, default=300)
    args = parser.parse_args()
    _database_create(args.database_url)
    _django(args.database_url)
    from django.core.management import call_command
    from django.utils import timezone

    from goldenthread.core.actor import Actor
    from goldenthread.people.actions import access_volume_check

    call_command("migrate", verbosity=0)
    _load(args.events, args.users)
    _reads(50)  # warm the caches first
    cards, checks = _reads(args.reads)
    print(f"card read by a practitioner outside their agency's need ({args.reads}): {_percentiles(cards)}")
    print(f"the unusual-access checks alone (involvement, MASH role, window): {_percentiles(checks)}")
    yesterday = timezone.localdate() - timedelta(days=1)
    started = time.perf_counter()
    raised = access_volume_check(day=yesterday, by=Actor(username="bench"))
    elapsed = time.perf_counter() - started
    print(f"access_volume_check for {yesterday}: {elapsed:.2f} s, {len(raised)} users alerted")
    return 0


if __name__ == "__main__":
    sys.exit(main())
