"""An import killed part way is resumed or abandoned from the command line, and housekeeping abandons one
left idle and deletes the stored file of every finished one (each audited)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from goldenthread.audit.models import AuditEvent
from goldenthread.core.actor import Actor
from goldenthread.people.actions import records_import_continue, records_import_start
from goldenthread.people.models import ImportBatch, SourceRecord
from tests.integration.people_support import agency, csv_bytes, row

pytestmark = pytest.mark.django_db

BY = Actor(username="test-import", agency_code="health")
ROWS = [row(local_id=f"H-{n}", given_name=name) for n, name in enumerate(["Amelia", "Bea", "Cara"], 1)]


def _killed_after_one_row() -> ImportBatch:
    """An import whose run applied one row and died (its hold then ran out)."""
    batch = records_import_start(agency=agency("health"), filename="f.csv", content=csv_bytes(ROWS), by=BY)
    batch = records_import_continue(batch=batch, by=BY, max_rows=1)
    assert (batch.rows_done, batch.is_finished) == (1, False)
    return batch


def _command(*args: str) -> str:
    out = io.StringIO()
    call_command("import", *args, "--no-progress", stdout=out)
    return out.getvalue()


def test_import_resume_finishes_from_last_row() -> None:
    batch = _killed_after_one_row()
    printed = _command("--resume", str(batch.pk))
    batch.refresh_from_db()
    assert batch.is_finished and batch.content is None and batch.rows_created == 3
    assert SourceRecord.objects.count() == 3
    assert f"Import {batch.pk} of f.csv for health: 3 rows, 3 new" in printed


def test_import_abandon_keeps_rows_done_and_deletes_file() -> None:
    batch = _killed_after_one_row()
    printed = _command("--abandon", str(batch.pk))
    batch.refresh_from_db()
    assert batch.is_finished and batch.content is None and batch.status == "Stopped"
    assert list(SourceRecord.objects.values_list("local_id", flat=True)) == ["H-1"]
    assert "abandoned after 1 of 3 rows" in printed
    assert AuditEvent.objects.filter(action="records.import_abandoned", object_id=str(batch.pk)).exists()


def test_import_resume_finished_or_unknown_batch_gives_message() -> None:
    batch = _killed_after_one_row()
    _command("--abandon", str(batch.pk))
    with pytest.raises(CommandError, match="already over"):
        _command("--resume", str(batch.pk))
    with pytest.raises(CommandError, match="No import 999999"):
        _command("--abandon", "999999")


def test_import_resume_while_held_by_another_run_gives_message() -> None:
    batch = _killed_after_one_row()
    ImportBatch.objects.filter(pk=batch.pk).update(
        lease_until=timezone.now() + timedelta(minutes=2), lease_token="someone-else"
    )
    with pytest.raises(CommandError, match="being worked on by another run"):
        _command("--resume", str(batch.pk))


def test_import_resume_with_file_refused() -> None:
    with pytest.raises(CommandError, match="not both"):
        _command("x.csv", "--resume", "1")
    with pytest.raises(CommandError, match="Give FILE --agency CODE"):
        _command("x.csv")


def _housekeeping() -> str:
    out = io.StringIO()
    call_command("housekeeping", stdout=out)
    return out.getvalue()


def test_housekeeping_abandons_import_idle_past_age_and_keeps_recent(settings) -> None:
    settings.IMPORT_IDLE_HOURS = 24
    idle = _killed_after_one_row()
    ImportBatch.objects.filter(pk=idle.pk).update(active_at=timezone.now() - timedelta(hours=25))
    recent = _killed_after_one_row()
    printed = _housekeeping()
    idle.refresh_from_db()
    recent.refresh_from_db()
    assert idle.is_finished and idle.content is None
    assert not recent.is_finished and recent.content is not None
    assert "1 imports idle for over 24 hours abandoned" in printed
    event = AuditEvent.objects.get(action="records.import_abandoned")
    assert (event.object_id, event.actor_username) == (str(idle.pk), "housekeeping")


def test_housekeeping_deletes_stored_file_of_finished_import_audited() -> None:
    batch = _killed_after_one_row()
    records_import_continue(batch=batch, by=BY)
    # As an older release, or a crash between the last row and the close, could leave it.
    ImportBatch.objects.filter(pk=batch.pk).update(content=b"local_id\n")
    printed = _housekeeping()
    batch.refresh_from_db()
    assert batch.content is None
    assert "1 stored files of finished imports deleted" in printed
    assert (
        AuditEvent.objects.filter(action="records.import_file_deleted", object_id=str(batch.pk)).count() == 1
    )
    assert "0 stored files" in _housekeeping()
