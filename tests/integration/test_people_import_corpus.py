"""The nasty corpus (tests/data/nasty/) imported on the database, by the command's path (read, check and
apply at once) and by the browser's (opened by the upload, checked and applied by the worker's step):
every file imports its good rows and rejects the others by row and field, or is refused whole with a
message; never a traceback, never a half-finished import."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from goldenthread.core.actor import Actor
from goldenthread.people.actions import records_import, records_import_continue, records_import_open
from goldenthread.people.importing import ImportFileError
from goldenthread.people.models import ImportBatch, SourceRecord
from tests.integration.people_support import agency
from tests.support.nasty import CORPUS, EXPECTED

pytestmark = pytest.mark.django_db

BY = Actor(username="test-import", agency_code="health")


def _import(name: str, path: str) -> ImportBatch:
    content = (CORPUS / name).read_bytes()
    if path == "command":
        return records_import(agency=agency("health"), filename=name, content=content, by=BY)
    batch = records_import_open(agency=agency("health"), filename=name, content=content, by=BY)
    return records_import_continue(batch=batch, by=BY)


@pytest.mark.parametrize("path", ["command", "browser"])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_import_corpus_file_imports_or_gives_message(name: str, path: str) -> None:
    expect = EXPECTED[name]
    if expect.file:
        with pytest.raises(ImportFileError) as raised:
            _import(name, path)
        assert expect.file in str(raised.value.problems)
        assert not ImportBatch.objects.exists()
        return
    batch = _import(name, path)
    first = {}
    for error in batch.errors:
        first.setdefault(error["row"], error["field"])
    assert first == expect.rejected
    assert batch.is_finished and batch.content is None
    assert (batch.rows_total, batch.rows_rejected) == (expect.records, len(expect.rejected))
    assert SourceRecord.objects.count() == expect.records - len(expect.rejected)
    for value in SourceRecord.objects.values_list("given_name", "family_name", "local_id"):
        assert not any(c in "".join(value) for c in "\x00\x1b\x7f\x85")


def test_import_corpus_nul_byte_row_named_with_record_id() -> None:
    batch = _import("nul_byte.csv", "command")
    assert batch.errors == [
        {
            "row": 2,
            "local_id": "N-2",
            "field": "given_name",
            "message": "Contains a control character (such as NUL): remove it",
        }
    ]
    assert sorted(SourceRecord.objects.values_list("local_id", flat=True)) == ["N-1", "N-3"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_import_command_corpus_file_exits_with_message(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    agency("health")
    expect = EXPECTED[name]
    try:
        call_command("import", str(CORPUS / name), "--agency", "health", "--no-progress")
    except CommandError as exc:
        assert expect.file and expect.file in str(exc)
    except SystemExit as exc:
        assert exc.code == 1 and expect.rejected
    else:
        assert not expect.file and not expect.rejected
