"""Resumable imports: progress between runs, nothing counted twice, one finish and one audit; the browser's
upload queues the work for the background worker."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from goldenthread.audit.models import AuditEvent
from goldenthread.core.actor import Actor
from goldenthread.people.actions import (
    ImportBusyError,
    records_import,
    records_import_continue,
    records_import_start,
)
from goldenthread.people.importing import ImportFileError
from goldenthread.people.models import ImportBatch, Relationship, SourceRecord
from tests.integration.people_support import agency, csv_bytes, row
from tests.support.worker import run_queue

pytestmark = pytest.mark.django_db

BY = Actor(username="test-import", agency_code="health")


def _rows() -> list[dict[str, str]]:
    children = [
        row(local_id=f"H-{n}", given_name=name, nhs_number="", date_of_birth=f"2015-0{n}-1{n}")
        for n, name in enumerate(["Ava", "Ben", "Cara", "Dev", "Ela", "Finn", "Gus"], 1)
    ]
    children[0]["family_name"] = children[1]["family_name"] = "Okoro"
    # The last row names the first row's child as its sibling: the reference crosses chunk boundaries.
    children[6].update(related_local_id="H-1", relationship="sibling_of")
    return [*children, row(local_id="H-8", date_of_birth="31/31/2016")]


def _start(rows: list[dict[str, str]]) -> ImportBatch:
    return records_import_start(agency=agency("health"), filename="big.csv", content=csv_bytes(rows), by=BY)


def test_import_start_applies_no_row_and_keeps_the_file() -> None:
    batch = _start(_rows())
    assert (batch.rows_total, batch.rows_done, batch.finished_at) == (8, 0, None)
    assert bytes(batch.content) == csv_bytes(_rows())
    assert SourceRecord.objects.count() == 0


def test_import_start_unreadable_file_saves_nothing() -> None:
    with pytest.raises(ImportFileError):
        records_import_start(agency=agency("health"), filename="x.csv", content=b"\xff\xfe\x00", by=BY)
    assert ImportBatch.objects.count() == 0


def test_import_continue_max_rows_reports_progress_between_chunks() -> None:
    batch = _start(_rows())
    seen = []
    while batch.finished_at is None:
        batch = records_import_continue(batch=batch, by=BY, max_rows=3)
        stored = ImportBatch.objects.get(pk=batch.pk)
        seen.append(
            (
                stored.rows_done,
                stored.links_done,
                SourceRecord.objects.count(),
                stored.finished_at is not None,
            )
        )
    # Rows first (the eighth is rejected), then the relationships: only row 7 states one, and the rows
    # around it are passed over without counting as work.
    assert seen == [(3, 0, 3, False), (6, 0, 6, False), (8, 7, 7, False), (8, 8, 7, True)]


class _Undo(Exception):
    pass


def test_import_in_chunks_same_result_as_in_one_go() -> None:
    fields = ["rows_total", "rows_created", "rows_rejected", "auto_linked", "queued_for_review", "new_people"]
    try:
        with transaction.atomic():  # the one-go import, measured and then undone
            whole = records_import(
                agency=agency("health"), filename="a.csv", content=csv_bytes(_rows()), by=BY
            )
            expected = ([getattr(whole, f) for f in fields], whole.errors, SourceRecord.objects.count())
            raise _Undo
    except _Undo:
        pass
    assert SourceRecord.objects.count() == 0
    batch = _start(_rows())
    while batch.finished_at is None:
        batch = records_import_continue(batch=batch, by=BY, max_rows=2)
    chunked = ImportBatch.objects.get(pk=batch.pk)
    assert ([getattr(chunked, f) for f in fields], chunked.errors, SourceRecord.objects.count()) == expected
    assert expected[0][:3] == [8, 7, 1]
    assert chunked.rows_done == chunked.rows_total


def test_import_in_chunks_relationship_across_chunks_recorded() -> None:
    batch = _start(_rows())
    while batch.finished_at is None:
        batch = records_import_continue(batch=batch, by=BY, max_rows=2)
    first, last = SourceRecord.objects.get(local_id="H-1"), SourceRecord.objects.get(local_id="H-7")
    relationship = Relationship.objects.get(source_record=last)
    assert (relationship.from_person_id, relationship.to_person_id) == (last.person_id, first.person_id)


def test_import_finished_drops_the_file_and_audits_once() -> None:
    batch = _start(_rows())
    while batch.finished_at is None:
        batch = records_import_continue(batch=batch, by=BY, max_rows=3)
    stored = ImportBatch.objects.get(pk=batch.pk)
    assert stored.content is None and stored.lease_until is None
    events = AuditEvent.objects.filter(action="records.imported", object_id=str(batch.pk))
    assert events.count() == 1
    again = records_import_continue(batch=stored, by=BY, max_rows=3)
    assert again.finished_at == stored.finished_at
    assert AuditEvent.objects.filter(action="records.imported", object_id=str(batch.pk)).count() == 1


def test_import_continue_while_another_chunk_holds_it_refused() -> None:
    batch = _start(_rows())
    ImportBatch.objects.filter(pk=batch.pk).update(lease_until=timezone.now() + dt.timedelta(minutes=1))
    with pytest.raises(ImportBusyError):
        records_import_continue(batch=batch, by=BY, max_rows=3)
    assert ImportBatch.objects.get(pk=batch.pk).rows_done == 0


def test_import_continue_after_an_expired_hold_resumes() -> None:
    batch = _start(_rows())
    records_import_continue(batch=batch, by=BY, max_rows=3)
    # A chunk that died (a killed worker) leaves its hold behind; once it expires the import goes on.
    ImportBatch.objects.filter(pk=batch.pk).update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    batch = records_import_continue(batch=ImportBatch.objects.get(pk=batch.pk), by=BY)
    assert batch.finished_at is not None and batch.rows_done == 8
    assert SourceRecord.objects.count() == 7


def test_import_continue_max_seconds_applies_at_least_one_row() -> None:
    batch = _start(_rows())
    batch = records_import_continue(batch=batch, by=BY, max_seconds=0)
    assert ImportBatch.objects.get(pk=batch.pk).rows_done == 1


# --- in the browser's requests ---------------------------------------------------------------------


def _upload(client: Any, rows: list[dict[str, str]]) -> Any:
    upload = SimpleUploadedFile("big.csv", csv_bytes(rows), content_type="text/csv")
    return client.post(reverse("people:import"), {"file": upload})


def test_import_view_upload_queues_the_import_and_shows_its_progress(signed_in: Any) -> None:
    client = signed_in("ig_officer")
    response = _upload(client, _rows())
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == reverse("people:import-detail", args=[batch.pk])
    # The upload checks the file and queues the work: no row is applied in the request.
    assert batch.rows_done == 0 and SourceRecord.objects.count() == 0
    task = DBTaskResult.objects.get()
    assert (task.task_path, task.args_kwargs) == (
        "goldenthread.people.tasks.records_import_run",
        {"args": [], "kwargs": {"batch_id": batch.pk}},
    )
    page = client.get(response.url).content.decode()
    assert 'data-testid="import-progress"' in page
    assert "Checking each of the file's 8 rows" in page
    assert "<title>Importing big.csv: checking 8 rows -" in page
    assert '<progress class="gt-progress" aria-labelledby="import-status" max="8" value="0">' in page
    assert "Waiting for the background worker to start this import." in page
    assert "Stop import" in page and "Check progress" in page


def test_import_detail_json_reports_the_workers_progress_until_finished(signed_in: Any) -> None:
    client = signed_in("ig_officer")
    _upload(client, _rows())
    batch = ImportBatch.objects.get()
    url = reverse("people:import-detail", args=[batch.pk])
    before = client.get(url, HTTP_ACCEPT="application/json").json()
    run_queue()
    after = client.get(url, HTTP_ACCEPT="application/json").json()
    assert before == {
        "rows_done": 0,
        "links_done": 0,
        "rows_total": 8,
        "checking": True,
        "recording_relationships": False,
        "finished": False,
        "waiting": True,
        "error": "",
    }
    assert (after["rows_done"], after["links_done"], after["finished"], after["waiting"]) == (
        8,
        8,
        True,
        False,
    )
    page = client.get(url).content.decode()
    assert 'data-testid="import-summary"' in page and 'data-testid="import-progress"' not in page
    # A screen reader announces the title of the reloaded page: it must say the import is over.
    assert "<title>Import finished: big.csv -" in page


def test_import_continue_view_puts_a_lost_task_back_once(signed_in: Any) -> None:
    client = signed_in("ig_officer")
    _upload(client, _rows())
    batch = ImportBatch.objects.get()
    DBTaskResult.objects.all().delete()  # e.g. the queue was cleared by hand
    url = reverse("people:import-continue", args=[batch.pk])
    response = client.post(url)
    assert response.status_code == 302 and response.url == reverse("people:import-detail", args=[batch.pk])
    client.post(url, HTTP_ACCEPT="application/json")
    assert DBTaskResult.objects.count() == 1 and ImportBatch.objects.get().rows_done == 0
    run_queue()
    assert ImportBatch.objects.get().status == "Finished"
    client.post(url)
    assert DBTaskResult.objects.count() == 1  # a finished import is not queued again


def test_import_continue_view_other_agencys_import_not_found(signed_in: Any) -> None:
    batch = records_import_start(agency=agency("health"), filename="h.csv", content=csv_bytes(_rows()), by=BY)
    response = signed_in("ig_officer").post(reverse("people:import-continue", args=[batch.pk]))
    assert response.status_code == 404
    assert ImportBatch.objects.get().rows_done == 0


# --- holds, stops and files that change under an import ---------------------------------------------


def test_import_hold_taken_over_while_its_holder_runs_counts_each_row_once() -> None:
    batch = _start(_rows())
    taken_over = []

    def slow_holder(done: int, total: int) -> None:
        # After its second row the first request stalls past its hold, and a second request takes over.
        if done == 2 and not taken_over:
            ImportBatch.objects.filter(pk=batch.pk).update(
                lease_until=timezone.now() - dt.timedelta(seconds=1)
            )
            taken_over.append(records_import_continue(batch=ImportBatch.objects.get(pk=batch.pk), by=BY))

    records_import_continue(batch=batch, by=BY, progress=slow_holder)
    stored = ImportBatch.objects.get(pk=batch.pk)
    assert taken_over[0].finished_at is not None and stored.finished_at is not None
    assert stored.rows_done == 8 and SourceRecord.objects.count() == 7
    counted = stored.rows_rejected + stored.rows_unchanged + stored.rows_updated + stored.rows_created
    assert counted == 8
    assert AuditEvent.objects.filter(action="records.imported", object_id=str(batch.pk)).count() == 1


def test_import_rejections_settled_at_start_not_changed_by_later_imports() -> None:
    rows = _rows()
    rows[2].update(related_local_id="H-99", relationship="sibling_of")  # H-99 is not known yet
    batch = _start(rows)
    records_import_continue(batch=batch, by=BY, max_rows=1)
    # Another window imports H-99 while this import is under way.
    records_import(
        agency=agency("health"), filename="h99.csv", content=csv_bytes([row(local_id="H-99")]), by=BY
    )
    batch = records_import_continue(batch=ImportBatch.objects.get(pk=batch.pk), by=BY)
    assert batch.finished_at is not None
    assert {(e["row"], e["field"]) for e in batch.errors} == {(3, "related_local_id"), (8, "date_of_birth")}
    assert batch.rows_rejected == 2 and not SourceRecord.objects.filter(local_id="H-3").exists()


def test_import_row_naming_a_rejected_row_rejected_too() -> None:
    rows = _rows()
    rows[0].update(related_local_id="H-2", relationship="sibling_of")
    rows[1].update(related_local_id="H-404", relationship="sibling_of")
    batch = records_import(agency=agency("health"), filename="chain.csv", content=csv_bytes(rows), by=BY)
    assert batch.finished_at is not None
    assert {(e["row"], e["field"]) for e in batch.errors} >= {
        (1, "related_local_id"),
        (2, "related_local_id"),
    }


def test_import_continue_without_its_file_clear_error() -> None:
    batch = _start(_rows())
    ImportBatch.objects.filter(pk=batch.pk).update(content=None)
    with pytest.raises(ImportFileError, match="no longer held"):
        records_import_continue(batch=batch, by=BY)


def test_import_task_without_its_file_fails_at_once_with_the_reason(signed_in: Any) -> None:
    client = signed_in("ig_officer")
    _upload(client, _rows())
    batch = ImportBatch.objects.get()
    ImportBatch.objects.filter(pk=batch.pk).update(content=None)
    run_queue()
    # Bad input is not tried again: one attempt, and the batch says why in the import's own words.
    assert len(DBTaskResult.objects.get().worker_ids) == 1
    stored = ImportBatch.objects.get()
    assert stored.status == "Failed"
    assert (
        stored.failure
        == "The import stopped: The file of this import is no longer held: import the file again"
    )
    progress = client.get(reverse("people:import-detail", args=[batch.pk]), HTTP_ACCEPT="application/json")
    assert progress.json()["error"] == stored.failure


def test_import_start_audited_with_rows_and_rejections() -> None:
    batch = _start(_rows())
    event = AuditEvent.objects.get(action="records.import_started", object_id=str(batch.pk))
    assert (event.details["rows"], event.details["rejected"]) == (8, 1)


def test_import_stop_view_keeps_rows_done_drops_file_and_audits(signed_in: Any) -> None:
    client = signed_in("ig_officer")
    _upload(client, _rows())
    batch = ImportBatch.objects.get()
    records_import_continue(batch=batch, by=BY, max_rows=3)  # as if the worker had got this far
    response = client.post(reverse("people:import-stop", args=[batch.pk]))
    assert response.status_code == 302
    stored = ImportBatch.objects.get()
    assert stored.finished_at is not None and stored.content is None and stored.status == "Stopped"
    assert SourceRecord.objects.count() == 3
    assert "the last 5 rows were not imported" in stored.warnings[-1]["message"]
    assert AuditEvent.objects.filter(action="records.import_stopped", object_id=str(batch.pk)).exists()
    page = client.get(reverse("people:import")).content.decode()
    assert "Stopped" in page
    detail = client.get(reverse("people:import-detail", args=[batch.pk])).content.decode()
    assert "<title>Import stopped: big.csv -" in detail
