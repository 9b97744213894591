"""Imports that meet: the same file imported twice at the same moment (two connections), and a row the
database refuses part way. The loser gets an answer, never an error; no row is half applied."""

from __future__ import annotations

import contextlib
import threading
import time
from typing import Any

import pytest
from django.db import DataError, connection

from goldenthread.core.actor import Actor
from goldenthread.people.actions import imports, records_import
from goldenthread.people.actions.imports import UNSTORABLE
from goldenthread.people.models import ImportBatch, Person, SourceRecord
from tests.integration.people_support import agency, csv_bytes, row

BY = Actor(username="test-import", agency_code="health")
ROWS = [row(local_id=f"H-{n}", given_name=name, nhs_number="") for n, name in enumerate(["Amelia", "Bea"], 1)]


@pytest.mark.django_db(transaction=True)
def test_import_same_file_twice_at_once_both_finish(monkeypatch: pytest.MonkeyPatch) -> None:
    health = agency("health")
    from goldenthread.people.actions import import_rows

    real = import_rows.person_matches
    arrived = threading.Barrier(2, timeout=10)

    def slow_matches(*args: Any, **kwargs: Any) -> Any:
        # Both imports have looked for the record and found none before either creates it.
        with contextlib.suppress(threading.BrokenBarrierError):
            arrived.wait()
        time.sleep(0.2)
        return real(*args, **kwargs)

    monkeypatch.setattr(import_rows, "person_matches", slow_matches)
    results: list[Any] = []

    def run() -> None:
        try:
            results.append(
                records_import(agency=health, filename="f.csv", content=csv_bytes(ROWS[:1]), by=BY)
            )
        except Exception as exc:
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert all(isinstance(result, ImportBatch) for result in results), results
    assert sorted((b.rows_created, b.rows_unchanged) for b in results) == [(0, 1), (1, 0)]
    assert SourceRecord.objects.count() == 1 and Person.objects.count() == 1


@pytest.mark.django_db
def test_import_row_database_refuses_rejected_others_applied(monkeypatch: pytest.MonkeyPatch) -> None:
    real = imports._row_apply

    def refuse_second(*, row: Any, **kwargs: Any) -> str:
        if row.number == 2:
            raise DataError("invalid byte sequence")
        return real(row=row, **kwargs)

    monkeypatch.setattr(imports, "_row_apply", refuse_second)
    rows = [
        *ROWS,
        row(
            local_id="H-3",
            given_name="Cara",
            nhs_number="",
            related_local_id="H-2",
            relationship="sibling_of",
        ),
    ]
    rows[1] = {**rows[1], "related_local_id": "H-1", "relationship": "sibling_of"}
    batch = records_import(agency=agency("health"), filename="f.csv", content=csv_bytes(rows), by=BY)
    assert batch.is_finished and batch.content is None
    assert batch.rows_rejected == 1
    assert {"row": 2, "local_id": "H-2", "field": "(whole row)", "message": UNSTORABLE} in batch.errors
    assert sorted(SourceRecord.objects.values_list("local_id", flat=True)) == ["H-1", "H-3"]
