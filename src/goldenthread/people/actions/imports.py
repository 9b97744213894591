"""Imports of agencies' files into the child index: started whole or opened for the worker, continued in
chunks under a lease, failed or stopped; each row is applied by ``people.actions.import_rows``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import DataError, IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from goldenthread.agencies.models import Agency
from goldenthread.audit.actions import audit_record
from goldenthread.core.actor import Actor
from goldenthread.core.errors import ActionError
from goldenthread.people.actions.import_rows import (
    CREATED_AUTO,
    CREATED_NEW,
    CREATED_REVIEW,
    UNCHANGED,
    UPDATED,
    _relationship_apply,
    _row_apply,
)
from goldenthread.people.importing import (
    ImportFileError,
    ParsedFile,
    Row,
    parse_file,
    read_records,
    validate_row,
)
from goldenthread.people.models import ImportBatch, Relationship, SourceRecord

Progress = Callable[[int, int], None]


def _check_references(parsed: ParsedFile, agency: Agency) -> None:
    """Reject rows naming a related record that is neither a good row of this file nor already imported.

    Repeated until nothing changes: a row naming a row rejected here is rejected in turn.
    """
    wanted = {related for row in parsed.rows for related, _ in row.clean.get("relationships", [])}
    earlier = set(
        SourceRecord.objects.filter(agency=agency, local_id__in=wanted).values_list("local_id", flat=True)
    )
    changed = True
    while changed:
        known = earlier | {row.local_id for row in parsed.rows if not row.errors}
        changed = False
        for row in parsed.rows:
            if row.errors:
                continue
            if any(related not in known for related, _ in row.clean.get("relationships", [])):
                row.error("related_local_id", "No record with that local_id in this file or earlier imports")
                changed = True


def records_import(
    *,
    agency: Agency,
    filename: str,
    content: bytes,
    by: Actor,
    progress: Progress | None = None,
) -> ImportBatch:
    """Import an agency's file in one go; raises ImportFileError when the file as a whole cannot be read.

    Not one transaction: each row commits on its own so a long import neither holds the database nor
    loses its good rows to one bad one. Re-importing a file changes no record (same agency, local id and
    content hash); only a new batch entry and audit event record that it was tried.
    """
    batch = records_import_start(agency=agency, filename=filename, content=content, by=by)
    return records_import_continue(batch=batch, by=by, progress=progress)


@transaction.atomic
def records_import_start(*, agency: Agency, filename: str, content: bytes, by: Actor) -> ImportBatch:
    """Read and check a whole file and open its batch; ``records_import_continue`` then applies the rows.

    Raises ImportFileError, saving nothing, when the file as a whole cannot be read. Which rows are
    rejected, and why, is settled here once, so later chunks never judge a row differently. The file is
    kept on the batch until its last row is done, so an interrupted import can be resumed.
    """
    parsed = parse_file(content, filename)
    _check_references(parsed, agency)
    batch = ImportBatch.objects.create(
        agency=agency,
        filename=filename[:255],
        file_sha256=parsed.sha256,
        file_format=parsed.file_format,
        by_user=by.user,
        by_username=by.username,
        started_at=timezone.now(),
        rows_total=len(parsed.rows),
        errors=[e.as_dict() for row in parsed.rows for e in row.errors],
        content=content,
        active_at=timezone.now(),
    )
    audit_record(
        by=by,
        action="records.import_started",
        object_type="import_batch",
        object_id=batch.pk,
        details={"agency": agency.code, "rows": batch.rows_total, "rejected": len(_rejected_rows(batch))},
    )
    return batch


@transaction.atomic
def records_import_open(*, agency: Agency, filename: str, content: bytes, by: Actor) -> ImportBatch:
    """Read a file's records and open its batch, leaving each row's check to ``records_import_continue``.

    What an upload can afford for the largest file: reading 200,000 rows takes seconds, checking each of
    them tens of seconds, which the background worker does instead. Raises ImportFileError, saving
    nothing, when the file as a whole cannot be read.
    """
    file_format, records = read_records(content, filename)
    return ImportBatch.objects.create(
        agency=agency,
        filename=filename[:255],
        file_sha256=hashlib.sha256(content).hexdigest(),
        file_format=file_format,
        by_user=by.user,
        by_username=by.username,
        started_at=timezone.now(),
        rows_total=len(records),
        content=content,
        checked=False,
        active_at=timezone.now(),
    )


def _check(batch: ImportBatch, content: bytes, token: str, by: Actor) -> list[dict[str, str]]:
    """Check every row of an opened import, as ``records_import_start`` does; its records, read once."""
    parsed = parse_file(content, batch.filename)
    _check_references(parsed, batch.agency)
    _check_record(batch, token, [e.as_dict() for row in parsed.rows for e in row.errors], by)
    return [row.raw for row in parsed.rows]


@transaction.atomic
def _check_record(batch: ImportBatch, token: str, errors: list[dict[str, Any]], by: Actor) -> None:
    _locked(batch, token, rows_done=0)
    ImportBatch.objects.filter(pk=batch.pk).update(errors=errors, checked=True, active_at=timezone.now())
    batch.errors, batch.checked = errors, True
    audit_record(
        by=by,
        action="records.import_started",
        object_type="import_batch",
        object_id=batch.pk,
        details={
            "agency": batch.agency.code,
            "rows": batch.rows_total,
            "rejected": len(_rejected_rows(batch)),
        },
    )


class ImportBusyError(ActionError):
    """Another request is already working on this import."""


class _LeaseLost(Exception):
    """This request's hold on the import ran out and someone else took it over."""


IMPORT_LEASE = dt.timedelta(minutes=2)


def _rejected_rows(batch: ImportBatch) -> set[int]:
    return {int(error["row"]) for error in batch.errors}


def _lease_take(batch: ImportBatch, token: str | None) -> str:
    now = timezone.now()
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    if token is not None:
        # A hold with a name is taken back at once by its next run (a retried task after its worker died).
        free |= Q(lease_token=token)
    token = token or secrets.token_hex(16)
    claimed = ImportBatch.objects.filter(free, pk=batch.pk, finished_at__isnull=True).update(
        lease_until=now + IMPORT_LEASE, lease_token=token
    )
    if not claimed:
        raise ImportBusyError(f"Import {batch.pk} is already being worked on")
    return token


def _locked(batch: ImportBatch, token: str, **expected: int) -> ImportBatch:
    """The batch row, locked, if this request still holds it and it is where this request left it."""
    # Without the file and the row errors: read at every row, they made a 200,000-row import (12.7 MB)
    # move at about 2 rows a second.
    current = ImportBatch.objects.select_for_update().defer("content", "errors").get(pk=batch.pk)
    if current.lease_token != token or current.finished_at is not None:
        raise _LeaseLost
    if any(getattr(current, name) != value for name, value in expected.items()):
        raise _LeaseLost
    return current


def records_import_continue(
    *,
    batch: ImportBatch,
    by: Actor,
    max_seconds: float | None = None,
    max_rows: int | None = None,
    progress: Progress | None = None,
    lease: str | None = None,
    stop: Callable[[], bool] | None = None,
) -> ImportBatch:
    """Apply the next rows of an unfinished import, then its relationships, then finish it.

    The file is read once per call; an import opened by ``records_import_open`` has its rows checked first, as
    ``records_import_start`` would have, and its start audited then. With ``max_seconds`` (counted from the
    call) or ``max_rows`` it stops after that much work, at least one row; ``stop`` returning true (the worker
    shutting down) stops it after the row in hand. Each row commits with the batch's counters and a renewed
    hold, after checking the hold is still this run's: an interrupted run loses nothing, and no row is applied
    or counted twice. ``lease`` names the hold (up to 32 characters) so that a later run under the same name
    takes it back without waiting for it to expire. Raises ImportBusyError while another run holds the import,
    and ImportFileError if its file is no longer held.
    """
    started = time.monotonic()
    batch.refresh_from_db()
    if batch.finished_at is not None:
        return batch
    if batch.content is None:
        raise ImportFileError("The file of this import is no longer held: import the file again")
    token = _lease_take(batch, lease)
    try:
        if batch.checked:
            _, records = read_records(bytes(batch.content), batch.filename)
        else:
            records = _check(batch, bytes(batch.content), token, by)
        rejected = _rejected_rows(batch)
        budget = _Budget(started=started, max_seconds=max_seconds, max_rows=max_rows, stop=stop)
        _rows_apply(batch, records, rejected, token=token, by=by, budget=budget, progress=progress)
        if batch.rows_done < len(records):
            return batch
        _links_apply(batch, records, rejected, token=token, budget=budget)
        if batch.links_done < len(records):
            return batch
        return _batch_finish(batch=batch, token=token, by=by)
    except _LeaseLost:
        batch.refresh_from_db()
        return batch
    finally:
        ImportBatch.objects.filter(pk=batch.pk, lease_token=token).update(lease_until=None, lease_token="")
        batch.lease_until, batch.lease_token = None, ""


@dataclass
class _Budget:
    """How much one call of ``records_import_continue`` may do: rows and relationships count alike."""

    started: float
    max_seconds: float | None
    max_rows: int | None
    stop: Callable[[], bool] | None
    done: int = 0

    def more(self) -> bool:
        if not self.done:
            return True  # at least one row a call, so every call moves the import on
        if self.max_rows is not None and self.done >= self.max_rows:
            return False
        if self.stop is not None and self.stop():
            return False
        return self.max_seconds is None or time.monotonic() - self.started < self.max_seconds


def _rows_apply(
    batch: ImportBatch,
    records: list[dict[str, str]],
    rejected: set[int],
    *,
    token: str,
    by: Actor,
    budget: _Budget,
    progress: Progress | None,
) -> None:
    """The file's next rows, each committed with its count, while the budget lasts."""
    while batch.rows_done < len(records) and budget.more():
        number = batch.rows_done + 1
        row = Row(number=number, raw=records[number - 1])
        if number not in rejected:
            row = validate_row(number, records[number - 1])
        _row_apply_counted(row=row, rejected=rejected, batch=batch, token=token, by=by)
        budget.done += 1
        if progress is not None:
            progress(batch.rows_done, len(records))


def _links_apply(
    batch: ImportBatch, records: list[dict[str, str]], rejected: set[int], *, token: str, budget: _Budget
) -> None:
    """The relationships of the file's rows, once every row has a record, while the budget lasts."""
    stated = _with_relationships(batch)
    while batch.links_done < len(records) and budget.more():
        # Most rows state no relationship: they are passed over in one step, not one each.
        number = next(
            (
                n
                for n in range(batch.links_done + 1, len(records) + 1)
                if n not in rejected
                and (records[n - 1]["related_local_id"] or records[n - 1]["local_id"] in stated)
            ),
            len(records) + 1,
        )
        if number > batch.links_done + 1:
            _links_advance(batch=batch, token=token, to=number - 1)
        if number <= len(records):
            _relationships_apply_counted(
                row=validate_row(number, records[number - 1]), batch=batch, token=token
            )
            budget.done += 1


def _with_relationships(batch: ImportBatch) -> set[str]:
    """Local ids of this import's records that had relationships before it (a re-import may drop them)."""
    return set(
        Relationship.objects.filter(source_record__batch=batch).values_list(
            "source_record__local_id", flat=True
        )
    )


_COUNTERS = {
    "rejected": ("rows_rejected",),
    UNCHANGED: ("rows_unchanged",),
    UPDATED: ("rows_updated",),
    CREATED_AUTO: ("auto_linked", "rows_created"),
    # A record waiting for review is a new person until a data officer says otherwise.
    CREATED_REVIEW: ("queued_for_review", "new_people", "rows_created"),
    CREATED_NEW: ("new_people", "rows_created"),
}


@transaction.atomic
def _row_apply_counted(*, row: Row, rejected: set[int], batch: ImportBatch, token: str, by: Actor) -> None:
    """One row, the batch's count of it and a renewed hold, in one transaction: all of the row or none."""
    _locked(batch, token, rows_done=batch.rows_done)
    outcome = "rejected" if row.number in rejected else _row_apply_guarded(row=row, batch=batch, by=by)
    if outcome == "rejected" and row.number not in rejected:
        rejected.add(row.number)  # so that its relationships are passed over too
    counters = _COUNTERS[outcome]
    now = timezone.now()
    ImportBatch.objects.filter(pk=batch.pk).update(
        rows_done=F("rows_done") + 1,
        lease_until=now + IMPORT_LEASE,
        active_at=now,
        **{counter: F(counter) + 1 for counter in counters},
    )
    batch.rows_done += 1
    for counter in counters:
        setattr(batch, counter, getattr(batch, counter) + 1)


UNSTORABLE = "The row could not be stored: a value the database refuses (see the file format's limits)"


def _row_apply_guarded(*, row: Row, batch: ImportBatch, by: Actor) -> str:
    """``_row_apply`` (its own savepoint), once more if another import created the same record at the same
    moment (the record is there now, so the row is applied against it), and rejected with a message if
    the database refuses a value the checks let through: never a half-applied row, never a crash."""
    try:
        try:
            return _row_apply(row=row, agency=batch.agency, batch=batch, by=by)
        except IntegrityError:
            return _row_apply(row=row, agency=batch.agency, batch=batch, by=by)
    except DataError:
        errors = ImportBatch.objects.filter(pk=batch.pk).values_list("errors", flat=True).get()
        local_id = row.local_id if len(row.local_id) <= 100 else ""
        error = {"row": row.number, "local_id": local_id, "field": "(whole row)", "message": UNSTORABLE}
        ImportBatch.objects.filter(pk=batch.pk).update(errors=[*errors, error])
        batch.errors = [*batch.errors, error]
        return "rejected"


@transaction.atomic
def _links_advance(*, batch: ImportBatch, token: str, to: int) -> None:
    _locked(batch, token, links_done=batch.links_done)
    now = timezone.now()
    ImportBatch.objects.filter(pk=batch.pk).update(
        links_done=to, lease_until=now + IMPORT_LEASE, active_at=now
    )
    batch.links_done = to


@transaction.atomic
def _relationships_apply_counted(*, row: Row, batch: ImportBatch, token: str) -> None:
    """One row's relationships and the batch's progress through them, in one transaction."""
    current = _locked(batch, token, links_done=batch.links_done)
    warnings = _relationship_apply(row=row, batch=batch)
    now = timezone.now()
    changes: dict[str, Any] = {
        "links_done": F("links_done") + 1,
        "lease_until": now + IMPORT_LEASE,
        "active_at": now,
    }
    if warnings:
        batch.warnings = [*current.warnings, *warnings]
        changes["warnings"] = batch.warnings
    ImportBatch.objects.filter(pk=batch.pk).update(**changes)
    batch.links_done += 1


@transaction.atomic
def records_import_fail(*, batch: ImportBatch, reason: str, by: Actor) -> ImportBatch:
    """The background import gave up: rows done stay, the rest are not imported, the file goes.

    ``reason`` is shown to the importing agency, so it names the kind of error, never a value.
    """
    current = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if current.finished_at is not None:
        return current
    current.failure = reason[:500]
    _batch_close(current)
    audit_record(
        by=by,
        action="records.import_failed",
        object_type="import_batch",
        object_id=current.pk,
        details={"agency": current.agency.code, "rows": current.rows_total, "done": current.rows_done},
    )
    return current


@transaction.atomic
def records_import_stop(*, batch: ImportBatch, by: Actor, abandoned: bool = False) -> ImportBatch:
    """Stop an unfinished import where it is: rows done stay, the rest are not imported, the file goes.

    ``abandoned``: given up rather than stopped (``goldenthread import --abandon``, or housekeeping for an
    import idle too long); audited as ``records.import_abandoned``. A run working on it stops after the
    row in hand (its next row finds the import finished).
    """
    current = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if current.finished_at is not None:
        return current
    left = current.rows_total - current.rows_done
    how = "abandoned" if abandoned else "stopped"
    current.warnings = [
        *current.warnings,
        {
            "row": current.rows_done + 1 if left else None,
            "field": "",
            "message": f"Import {how} by {by.username}: the last {left} rows were not imported"
            if left
            else f"Import {how} by {by.username} before its relationships were all recorded",
        },
    ]
    _batch_close(current)
    audit_record(
        by=by,
        action=f"records.import_{how}",
        object_type="import_batch",
        object_id=current.pk,
        details={"agency": current.agency.code, "rows": current.rows_total, "done": current.rows_done},
    )
    return current


def records_imports_idle(*, idle: dt.timedelta) -> list[int]:
    """Unfinished imports nobody has worked on for ``idle`` and nobody holds now, oldest first."""
    now = timezone.now()
    return list(
        ImportBatch.objects.filter(finished_at__isnull=True)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .annotate(last=Coalesce("active_at", "started_at"))
        .filter(last__lt=now - idle)
        .order_by("last", "pk")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def records_import_file_drop(*, batch_id: int, by: Actor) -> bool:
    """Delete the stored file of a finished import (kept by an older release, or by a crash between the
    last row and the close); the source records hold what it said. True if there was one to delete."""
    dropped = ImportBatch.objects.filter(
        pk=batch_id, finished_at__isnull=False, content__isnull=False
    ).update(content=None)
    if dropped:
        audit_record(
            by=by,
            action="records.import_file_deleted",
            object_type="import_batch",
            object_id=batch_id,
            details={},
        )
    return bool(dropped)


def records_import_housekeeping(*, idle: dt.timedelta, by: Actor) -> dict[str, int]:
    """Abandon imports idle past ``idle``, then delete the file of every finished one still holding it."""
    abandoned = 0
    for batch_id in records_imports_idle(idle=idle):
        batch = ImportBatch.objects.select_related("agency").get(pk=batch_id)
        records_import_stop(batch=batch, by=by, abandoned=True)
        abandoned += 1
    held = ImportBatch.objects.filter(finished_at__isnull=False, content__isnull=False).values_list(
        "pk", flat=True
    )
    files = sum(records_import_file_drop(batch_id=batch_id, by=by) for batch_id in list(held))
    return {"abandoned": abandoned, "files_deleted": files}


def _batch_close(batch: ImportBatch) -> None:
    """Finished or stopped: the source records hold what the file said, so the file itself goes."""
    batch.finished_at = timezone.now()
    batch.content = None
    batch.lease_until, batch.lease_token = None, ""
    batch.save()


@transaction.atomic
def _batch_finish(*, batch: ImportBatch, token: str, by: Actor) -> ImportBatch:
    current = _locked(batch, token)
    _batch_close(current)
    audit_record(
        by=by,
        action="records.imported",
        object_type="import_batch",
        object_id=current.pk,
        details={
            "agency": current.agency.code,
            "rows": current.rows_total,
            "created": current.rows_created,
            "updated": current.rows_updated,
            "unchanged": current.rows_unchanged,
            "rejected": current.rows_rejected,
            "auto_linked": current.auto_linked,
            "queued_for_review": current.queued_for_review,
        },
    )
    return current


# --- links, merges and reviews ----------------------------------------------------------------------
