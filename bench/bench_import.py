"""The service's own import (one record at a time, the online matcher) on N synthetic agency records.

    .venv/bin/python bench/bench_import.py --records 5000 [--seed 1] [--one-file] [--path cli|browser|both]
                                           [--database-url URL]

Generates the records (goldenthread.linkage.synthetic), splits them into one file per agency
(or, with --one-file, one file of them all, as one agency's) in the import format, and imports them into
a fresh database (SQLite in a temporary folder unless --database-url names another, which must hold no
source records, so never point it at real data). The two ways in:
  cli      `goldenthread import`'s action, people.actions.records_import, in this process;
  browser  what an upload does, people.tasks.records_import_queue, then a real `goldenthread worker
           --batch` process that applies the rows; timed from the first upload until the worker is done.
`both` (the default) runs each in a process of its own on its own fresh SQLite database and prints
both rates. Prints rows per second and how well the automatic links and the review queue find the
generated children. Never fails on a figure.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

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
    from goldenthread.linkage import synthetic

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


def _both(args: argparse.Namespace) -> int:
    """Each way in, in a process of its own on a fresh database; their reports, then the two rates."""
    if args.database_url:
        raise SystemExit(
            "--path both makes two fresh SQLite databases: give --path cli or browser with a URL"
        )
    rates = {}
    for path in ("cli", "browser"):
        command = [sys.executable, __file__, "--path", path, "--records", str(args.records)]
        command += ["--seed", str(args.seed), *(["--one-file"] if args.one_file else [])]
        command += ["--seconds", str(args.seconds)] if args.seconds else []
        print(f"== {path}", flush=True)
        report = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout  # noqa: S603
        print(report, end="", flush=True)
        lines = report.splitlines()
        reading = next(line for line in lines if line.startswith("files read")).split(": ")[-1]
        rates[path] = next(line for line in lines if line.startswith("import:")) + f"; file read: {reading}"
    print("\n== rows/s, the command against an upload and the worker")
    for path, line in rates.items():
        print(f"{path:8} {line}")
    return 0


def _import(files: dict[str, bytes], path: str, budget: float | None) -> tuple[list[Any], float, float]:
    """Import the files one way; (their batches, seconds reading and checking them, seconds applying rows).

    With ``budget`` the rows are applied for about that many seconds, then left where they got to.
    """
    from goldenthread.agencies.models import Agency, AgencyKind
    from goldenthread.core.actor import Actor
    from goldenthread.people.actions import records_import_continue, records_import_start
    from goldenthread.people.models import ImportBatch
    from goldenthread.people.tasks import records_import_queue

    open_batch = records_import_start if path == "cli" else records_import_queue
    started = time.perf_counter()
    batches = []
    for source, content in sorted(files.items()):
        agency, _ = Agency.objects.get_or_create(
            code=source, defaults={"name": source, "kind": AgencyKind.OTHER}
        )
        by = Actor(username="bench", agency_code=source)
        batches.append(open_batch(agency=agency, filename=f"{source}.csv", content=content, by=by))
    reading = time.perf_counter() - started
    started = time.perf_counter()
    if path == "cli":  # what `goldenthread import` does after reading the file: every row, in this process
        for batch in batches:
            left = None if budget is None else max(0.0, budget - (time.perf_counter() - started))
            if left != 0.0:
                records_import_continue(batch=batch, by=Actor(username="bench"), max_seconds=left)
    else:
        _worker_run(budget, [b.pk for b in batches])
    applying = time.perf_counter() - started
    return list(ImportBatch.objects.filter(pk__in=[b.pk for b in batches]).order_by("pk")), reading, applying


def _worker_run(budget: float | None, batch_ids: list[int]) -> None:
    """A real `goldenthread worker`: until the queue is empty, or stopped (SIGTERM) after ``budget`` s."""
    from goldenthread.people.models import ImportBatch

    command = [sys.executable, "-m", "goldenthread.cli", "worker", "--no-startup-delay", "--verbosity", "0"]
    if budget is None:
        subprocess.run([*command, "--batch", "--interval", "0"], check=True)  # noqa: S603
        return
    worker = subprocess.Popen([*command, "--interval", "0.2"])  # noqa: S603
    deadline = time.perf_counter() + budget
    while time.perf_counter() < deadline:
        if not ImportBatch.objects.filter(pk__in=batch_ids, finished_at__isnull=True).exists():
            break
        time.sleep(0.5)
    worker.send_signal(signal.SIGTERM)  # it saves its place and puts the import back on the queue
    worker.wait()


def _one_file(files: dict[str, bytes], rows: int) -> bytes:
    """The first ``rows`` records of every agency's file as one file (record ids are unique across them)."""
    parts = [content.split(b"\n", 1) for _, content in sorted(files.items())]
    records = b"".join(body for _, body in parts).splitlines(keepends=True)
    return parts[0][0] + b"\n" + b"".join(records[:rows])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=5000, help="approximate number of records")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--one-file", action="store_true", help="one file of exactly --records rows")
    parser.add_argument("--path", choices=["cli", "browser", "both"], default="both")
    parser.add_argument("--seconds", type=float, help="apply rows for this long only (a rate, not a result)")
    parser.add_argument("--database-url", help="default: SQLite in a temporary folder")
    args = parser.parse_args()
    if args.path == "both":
        return _both(args)

    folder = tempfile.mkdtemp(prefix="gt-bench-import-")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
    os.environ.setdefault("GOLDENTHREAD_ENV", "test")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goldenthread.config.settings")
    import django

    django.setup()
    import pandas as pd
    from django.core.management import call_command
    from django.db import connection

    from goldenthread.linkage.metrics import pairwise_scores
    from goldenthread.people.models import MatchReview, SourceRecord

    call_command("migrate", verbosity=0)
    if SourceRecord.objects.exists():
        raise SystemExit("the database already holds source records: give an empty database")

    # One file holds exactly --records rows (the import takes 200,000 at most): generate a few more.
    people = max(1, round(args.records * (1.02 if args.one_file else 1) / RECORDS_PER_PERSON))
    files, truth = _files(people, args.seed)
    if args.one_file:
        files = {"all": _one_file(files, args.records)}
    print(
        f"generated {len(truth):,} records of {people:,} children in {len(files)} agency files",
        file=sys.stderr,
    )

    batches, reading, seconds = _import(files, args.path, args.seconds)
    rejected = sum(batch.rows_rejected for batch in batches)
    rejected_by_field: dict[str, int] = defaultdict(int)
    for batch in batches:
        for error in batch.errors:
            rejected_by_field[error["field"]] += 1
        print(
            f"  {batch.filename}: {batch.rows_total:,} rows, {batch.rows_done:,} done, "
            f"{batch.rows_rejected:,} rejected",
            file=sys.stderr,
        )
    applied = sum(batch.rows_done for batch in batches)
    total = sum(batch.rows_total for batch in batches)
    print(f"\ndatabase: {connection.vendor}, way in: {args.path}, files: {len(files)}, rows: {total:,}")
    print(f"files read and checked (the upload's request, for a browser import): {reading:.1f} s")
    print(
        f"import: {seconds:.1f} s, {(applied / seconds):.0f} rows/s ({applied:,} of {total:,} rows applied)"
    )
    if applied < total:
        print("stopped at the time budget: the linkage figures need the whole file")
        return 0

    linked = pd.DataFrame(
        list(SourceRecord.objects.values_list("agency__code", "local_id", "person_id")),
        columns=["source", "record_id", "person_id"],
    )
    if args.one_file:
        truth = {("all", record): true_id for (_, record), true_id in truth.items()}
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

    print(f"records imported: {total - rejected:,} of {total:,} ({rejected:,} rejected by validation)")
    print("  rejected fields: " + ", ".join(f"{f} {n}" for f, n in sorted(rejected_by_field.items())))
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
