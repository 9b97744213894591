"""The service's own import (one record at a time, the online matcher) on N synthetic agency records.

    .venv/bin/python bench/bench_import.py --records 5000 [--seed 1] [--database-url URL]

Generates the records (goldenthread.people.matching.synthetic), splits them into one file per agency in
the import format, and imports each file through people.actions.records_import into a fresh database
(SQLite in a temporary folder unless --database-url names another; an existing database is emptied of
people first, so never point it at real data). Prints rows per second and how well the automatic links
and the review queue find the generated children. Never fails on a figure.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

RECORDS_PER_PERSON = 2.65
IMPORT_COLUMNS = [
    "local_id",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "postcode",
    "address_line",
    "nhs_number",
    "service",
]


def _files(people: int, seed: int) -> tuple[dict[str, bytes], dict[tuple[str, str], str]]:
    from goldenthread.people.matching import synthetic

    rows: dict[str, list[list[str]]] = defaultdict(list)
    truth: dict[tuple[str, str], str] = {}
    for record_id, source, given, family, dob, sex, postcode, line, nhs, true_id in synthetic.generate(
        people, seed
    ):
        rows[source].append([record_id, given, family, dob, sex, postcode, line, nhs, f"{source} service"])
        truth[(source, record_id)] = true_id
    files = {}
    for source, records in rows.items():
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(IMPORT_COLUMNS)
        writer.writerows(records)
        files[source] = out.getvalue().encode("utf-8")
    return files, truth


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=5000, help="approximate number of records")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", help="default: SQLite in a temporary folder")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="gt-bench-import-")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
    os.environ.setdefault("GOLDENTHREAD_ENV", "test")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goldenthread.config.settings")
    import django

    django.setup()
    import pandas as pd
    from django.core.management import call_command
    from django.db import connection

    from goldenthread.agencies.models import Agency, AgencyKind
    from goldenthread.core.actor import Actor
    from goldenthread.people.actions import records_import
    from goldenthread.people.matching.metrics import pairwise_scores
    from goldenthread.people.models import MatchReview, SourceRecord

    call_command("migrate", verbosity=0)
    if SourceRecord.objects.exists():
        raise SystemExit("the database already holds source records: give an empty database")

    people = max(1, round(args.records / RECORDS_PER_PERSON))
    files, truth = _files(people, args.seed)
    print(
        f"generated {len(truth):,} records of {people:,} children in {len(files)} agency files",
        file=sys.stderr,
    )

    started = time.perf_counter()
    rejected = 0
    rejected_by_field: dict[str, int] = defaultdict(int)
    for source, content in sorted(files.items()):
        agency, _ = Agency.objects.get_or_create(
            code=source, defaults={"name": source, "kind": AgencyKind.OTHER}
        )
        batch = records_import(
            agency=agency,
            filename=f"{source}.csv",
            content=content,
            by=Actor(username="bench", agency_code=source),
        )
        rejected += batch.rows_rejected
        for error in batch.errors:
            rejected_by_field[error["field"]] += 1
        print(f"  {source}: {batch.rows_total:,} rows, {batch.rows_rejected:,} rejected", file=sys.stderr)
    seconds = time.perf_counter() - started

    linked = pd.DataFrame(
        list(SourceRecord.objects.values_list("agency__code", "local_id", "person_id")),
        columns=["source", "record_id", "person_id"],
    )
    linked["true_id"] = [truth[(s, r)] for s, r in zip(linked["source"], linked["record_id"], strict=True)]
    auto = pairwise_scores(linked["true_id"], linked["person_id"])

    # If a data officer decided every review rightly: a true match joins the candidate, else stays apart.
    person_truth = linked.groupby("person_id")["true_id"].agg(lambda ids: set(ids))
    record_person = dict(zip(linked["record_id"], linked["person_id"], strict=True))
    record_true = dict(zip(linked["record_id"], linked["true_id"], strict=True))
    reviews = list(MatchReview.objects.values_list("source_record__local_id", "candidate_id"))
    right = [(r, c) for r, c in reviews if record_true[r] in person_truth.get(c, set())]
    resolved = dict(record_person)
    moved = {record_person[r]: c for r, c in right}
    resolved = {r: moved.get(p, p) for r, p in resolved.items()}
    after = pairwise_scores(linked["true_id"], linked["record_id"].map(resolved))

    total = len(truth)
    print(f"\ndatabase: {connection.vendor}")
    print(f"records imported: {total - rejected:,} of {total:,} ({rejected:,} rejected by validation)")
    print("  rejected fields: " + ", ".join(f"{f} {n}" for f, n in sorted(rejected_by_field.items())))
    print(f"import: {seconds:.1f} s, {(total / seconds):.0f} rows/s")
    print(f"automatic links: precision {auto.precision:.4f} recall {auto.recall:.4f} F1 {auto.f1:.4f}")
    share = len(right) / len(reviews) if reviews else 0.0
    print(f"review queue: {len(reviews):,} ({len(reviews) / total:.1%} of records), {share:.1%} true matches")
    print(
        "after every review decided rightly:"
        f" precision {after.precision:.4f} recall {after.recall:.4f} F1 {after.f1:.4f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
