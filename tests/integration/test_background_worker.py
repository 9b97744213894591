"""`goldenthread worker` for real: a process on the test database runs browser imports, retries, resumes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from goldenthread.audit.models import AuditEvent
from goldenthread.people.models import ImportBatch, SourceRecord, SourceRecordLink
from tests.integration.people_support import csv_bytes, row
from tests.support.worker import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def _rows(count: int) -> list[dict[str, str]]:
    # Distinct children (no two alike), so every row makes a new person and none waits for review.
    return [
        row(
            local_id=f"W-{n}",
            given_name=f"Child{n:05d}",
            family_name=f"Family{n % 97:02d}",
            nhs_number="",
            date_of_birth=f"20{10 + n % 12}-{1 + n % 12:02d}-{1 + n % 28:02d}",
        )
        for n in range(count)
    ]


def _upload(client: Any, count: int) -> ImportBatch:
    upload = SimpleUploadedFile("queued.csv", csv_bytes(_rows(count)), content_type="text/csv")
    response = client.post(reverse("people:import"), {"file": upload})
    assert response.status_code == 302
    return ImportBatch.objects.get()


def _finished(batch: ImportBatch) -> ImportBatch | None:
    stored = ImportBatch.objects.get(pk=batch.pk)
    return stored if stored.finished_at is not None else None


def test_worker_process_completes_an_uploaded_import(signed_in: Any, worker_process: Any) -> None:
    client = signed_in("ig_officer")
    batch = _upload(client, 30)
    assert batch.rows_done == 0 and DBTaskResult.objects.get().status == TaskResultStatus.READY
    worker_process()
    done = wait_for(lambda: _finished(batch), what="the import to finish")
    assert (done.rows_done, done.rows_created, done.status) == (30, 30, "Finished")
    assert SourceRecord.objects.count() == 30
    task = DBTaskResult.objects.get()
    assert task.status == TaskResultStatus.SUCCESSFUL and len(task.worker_ids) == 1
    # Audited as a browser import was: the uploader is the actor of both events.
    events = AuditEvent.objects.filter(object_id=str(batch.pk)).order_by("pk")
    assert [(e.action, e.actor_username) for e in events] == [
        ("records.import_started", batch.by_username),
        ("records.imported", batch.by_username),
    ]
    page = client.get(reverse("people:import-detail", args=[batch.pk])).content.decode()
    assert 'data-testid="import-summary"' in page


def _refuse_new_records() -> None:
    """From now on the database refuses every new source record, as a failing disk or constraint would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION gt_refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$"
                " LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER gt_refuse BEFORE INSERT ON people_sourcerecord"
                " FOR EACH ROW EXECUTE FUNCTION gt_refuse()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER gt_refuse BEFORE INSERT ON people_sourcerecord"
                " BEGIN SELECT RAISE(ABORT, 'refused'); END"
            )


def _drop_refusal() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "DROP TRIGGER gt_refuse"
            + (" ON people_sourcerecord" if connection.vendor == "postgresql" else "")
        )
        if connection.vendor == "postgresql":
            cursor.execute("DROP FUNCTION gt_refuse()")


def test_worker_failing_import_retried_then_failed_with_a_clear_message(
    signed_in: Any, worker_process: Any
) -> None:
    client = signed_in("ig_officer")
    batch = _upload(client, 5)
    _refuse_new_records()
    try:
        worker_process(GOLDENTHREAD_TASK_ATTEMPTS="3")
        done = wait_for(lambda: _finished(batch), what="the import to fail")
    finally:
        _drop_refusal()
    task = DBTaskResult.objects.get()
    assert (
        task.status == TaskResultStatus.FAILED and len(task.worker_ids) == 3
    )  # three attempts, then no more
    assert done.status == "Failed" and done.rows_done == 0 and done.content is None
    assert "after 3 attempt(s)" in done.failure and "import the file again" in done.failure
    assert "refused" not in done.failure  # the database's words may quote a value; the page never does
    assert AuditEvent.objects.filter(action="records.import_failed", object_id=str(batch.pk)).count() == 1
    page = client.get(reverse("people:import-detail", args=[batch.pk])).content.decode()
    assert 'data-testid="import-failure"' in page and "after 3 attempt(s)" in page
    assert "<title>Import failed: queued.csv -" in page


def test_worker_killed_mid_import_next_worker_resumes_applying_each_row_once(
    signed_in: Any, worker_process: Any
) -> None:
    client = signed_in("ig_officer")
    batch = _upload(client, 150)
    first = worker_process()
    wait_for(lambda: ImportBatch.objects.get(pk=batch.pk).rows_done >= 20, what="rows to be applied")
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    stopped_at = ImportBatch.objects.get(pk=batch.pk).rows_done
    assert stopped_at < 150 and DBTaskResult.objects.get().status == TaskResultStatus.RUNNING

    worker_process()  # finds the task its dead predecessor left running and puts it back on the queue
    done = wait_for(lambda: _finished(batch), seconds=120, what="the resumed import to finish")
    # Every row applied exactly once: one record and one link each, and none counted as "unchanged".
    assert (done.rows_done, done.rows_created, done.rows_unchanged, done.status) == (150, 150, 0, "Finished")
    assert SourceRecord.objects.count() == 150 and SourceRecordLink.objects.count() == 150
    assert AuditEvent.objects.filter(action="records.imported", object_id=str(batch.pk)).count() == 1
    task = DBTaskResult.objects.get()
    assert task.status == TaskResultStatus.SUCCESSFUL and len(task.worker_ids) == 2


def test_worker_asked_to_stop_mid_import_saves_progress_and_the_next_one_goes_on(
    signed_in: Any, worker_process: Any
) -> None:
    client = signed_in("ig_officer")
    batch = _upload(client, 150)
    first = worker_process()
    wait_for(lambda: ImportBatch.objects.get(pk=batch.pk).rows_done >= 20, what="rows to be applied")
    first.send_signal(signal.SIGTERM)
    assert first.wait(timeout=20) == 0
    left = ImportBatch.objects.get(pk=batch.pk)
    task = DBTaskResult.objects.get()
    # Put back on the queue, not failed, and the interrupted attempt is not counted against it.
    assert left.finished_at is None and left.rows_done < 150
    assert task.status == TaskResultStatus.READY and task.worker_ids == []
    worker_process()
    done = wait_for(lambda: _finished(batch), seconds=120, what="the import to finish")
    assert (done.rows_created, done.rows_unchanged) == (150, 0)


def test_worker_import_stopped_from_its_page_applies_no_more_rows(
    signed_in: Any, worker_process: Any
) -> None:
    client = signed_in("ig_officer")
    # Long enough that a quiet machine's worker is still going when the stop arrives (150 rows once
    # finished first on a fast run).
    batch = _upload(client, 1500)
    worker_process()
    wait_for(lambda: ImportBatch.objects.get(pk=batch.pk).rows_done >= 10, what="rows to be applied")
    client.post(reverse("people:import-stop", args=[batch.pk]))
    wait_for(
        lambda: DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL, what="the task to notice"
    )
    stopped = ImportBatch.objects.get(pk=batch.pk)
    assert stopped.status == "Stopped" and stopped.rows_done < 1500
    assert SourceRecord.objects.count() == stopped.rows_done


def test_worker_on_a_database_without_its_tables_says_to_migrate(tmp_path: Any) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}", "GOLDENTHREAD_ENV": "test"}
    result = subprocess.run(
        [sys.executable, "-m", "goldenthread.cli", "worker", "--batch"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "run `goldenthread migrate` first" in result.stderr
    assert "Traceback" not in result.stderr
