"""Every write to the child index: imports, links, merges, unmerges and review decisions.

Source records are never deleted or rewritten by a link change: moving a record between people updates
its ``person`` and every row derived from it, and appends to its link history, so any merge can be undone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from goldenthread.agencies.models import Agency
from goldenthread.audit.actions import audit_record
from goldenthread.core.actor import Actor
from goldenthread.core.errors import ActionError
from goldenthread.linkage import scoring
from goldenthread.people.candidates import person_matches
from goldenthread.people.derive import derived_rows_replace, person_refresh, record_fields, row_keys
from goldenthread.people.importing import (
    ImportFileError,
    ParsedFile,
    Row,
    parse_file,
    read_records,
    validate_row,
)
from goldenthread.people.models import (
    AccessAlert,
    Address,
    Identifier,
    ImportBatch,
    Involvement,
    LinkMethod,
    LinkReason,
    MatchReview,
    Person,
    PersonName,
    Relationship,
    ReviewStatus,
    SourceRecord,
    SourceRecordLink,
)

Progress = Callable[[int, int], None]

CREATED_AUTO, CREATED_REVIEW, CREATED_NEW = "auto", "review", "new"
UPDATED, UNCHANGED = "updated", "unchanged"


class LinkError(ActionError):
    """A link, merge or unmerge that would leave the index inconsistent."""


def person_current(person: Person) -> Person:
    """The person a (possibly merged) person now lives on as."""
    seen = {person.pk}
    while person.merged_into_id is not None:
        person = Person.objects.get(pk=person.merged_into_id)
        if (
            person.pk in seen
        ):  # pragma: no cover - the constraint forbids self-merge; cycles need two bad writes
            raise LinkError("Merge cycle")
        seen.add(person.pk)
    return person


# --- import -----------------------------------------------------------------------------------------


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
    ImportBatch.objects.filter(pk=batch.pk).update(errors=errors, checked=True)
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
        done_now = 0

        def more() -> bool:
            if not done_now:
                return True
            if max_rows is not None and done_now >= max_rows:
                return False
            if stop is not None and stop():
                return False
            return max_seconds is None or time.monotonic() - started < max_seconds

        while batch.rows_done < len(records) and more():
            number = batch.rows_done + 1
            row = Row(number=number, raw=records[number - 1])
            if number not in rejected:
                row = validate_row(number, records[number - 1])
            _row_apply_counted(row=row, rejected=number in rejected, batch=batch, token=token, by=by)
            done_now += 1
            if progress is not None:
                progress(batch.rows_done, len(records))
        if batch.rows_done < len(records):
            return batch
        stated = _with_relationships(batch)
        while batch.links_done < len(records) and more():
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
                done_now += 1
        if batch.links_done < len(records):
            return batch
        return _batch_finish(batch=batch, token=token, by=by)
    except _LeaseLost:
        batch.refresh_from_db()
        return batch
    finally:
        ImportBatch.objects.filter(pk=batch.pk, lease_token=token).update(lease_until=None, lease_token="")
        batch.lease_until, batch.lease_token = None, ""


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
def _row_apply_counted(*, row: Row, rejected: bool, batch: ImportBatch, token: str, by: Actor) -> None:
    """One row, the batch's count of it and a renewed hold, in one transaction."""
    _locked(batch, token, rows_done=batch.rows_done)
    outcome = "rejected" if rejected else _row_apply(row=row, agency=batch.agency, batch=batch, by=by)
    counters = _COUNTERS[outcome]
    ImportBatch.objects.filter(pk=batch.pk).update(
        rows_done=F("rows_done") + 1,
        lease_until=timezone.now() + IMPORT_LEASE,
        **{counter: F(counter) + 1 for counter in counters},
    )
    batch.rows_done += 1
    for counter in counters:
        setattr(batch, counter, getattr(batch, counter) + 1)


@transaction.atomic
def _links_advance(*, batch: ImportBatch, token: str, to: int) -> None:
    _locked(batch, token, links_done=batch.links_done)
    ImportBatch.objects.filter(pk=batch.pk).update(links_done=to, lease_until=timezone.now() + IMPORT_LEASE)
    batch.links_done = to


@transaction.atomic
def _relationships_apply_counted(*, row: Row, batch: ImportBatch, token: str) -> None:
    """One row's relationships and the batch's progress through them, in one transaction."""
    current = _locked(batch, token, links_done=batch.links_done)
    warnings = _relationship_apply(row=row, batch=batch)
    changes: dict[str, Any] = {
        "links_done": F("links_done") + 1,
        "lease_until": timezone.now() + IMPORT_LEASE,
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
def records_import_stop(*, batch: ImportBatch, by: Actor) -> ImportBatch:
    """Stop an unfinished import where it is: rows done stay, the rest are not imported, the file goes."""
    current = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if current.finished_at is not None:
        return current
    left = current.rows_total - current.rows_done
    current.warnings = [
        *current.warnings,
        {
            "row": current.rows_done + 1 if left else None,
            "field": "",
            "message": f"Import stopped by {by.username}: the last {left} rows were not imported"
            if left
            else f"Import stopped by {by.username} before its relationships were all recorded",
        },
    ]
    _batch_close(current)
    audit_record(
        by=by,
        action="records.import_stopped",
        object_type="import_batch",
        object_id=current.pk,
        details={"agency": current.agency.code, "rows": current.rows_total, "done": current.rows_done},
    )
    return current


@transaction.atomic
def _row_apply(*, row: Row, agency: Agency, batch: ImportBatch, by: Actor) -> str:
    fields = record_fields(row)
    existing = SourceRecord.objects.select_for_update().filter(agency=agency, local_id=row.local_id).first()
    if existing is not None:
        if existing.content_hash == fields["content_hash"]:
            return UNCHANGED
        # The agency's own reference says it is the same record: keep its link, refresh what it says.
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.batch = batch
        existing.save()
        derived_rows_replace(existing, row)
        person_refresh(existing.person)
        return UPDATED

    matches = person_matches(row_keys(row))
    top = matches[0] if matches else None
    decision = scoring.band(top.weights) if top else scoring.NEW
    if decision == scoring.AUTO and len(matches) > 1 and scoring.band(matches[1].weights) == scoring.AUTO:
        decision = scoring.REVIEW  # two people both look certain: a person must choose
    now = timezone.now()
    person = (
        Person.objects.get(pk=top.person_id) if top and decision == scoring.AUTO else Person.objects.create()
    )
    method = LinkMethod.AUTOMATIC if decision == scoring.AUTO else LinkMethod.NEW
    # A new person's record keeps no weight: the best score was against someone else.
    weight = round(top.weight, 2) if top and decision != scoring.NEW else None
    record = SourceRecord.objects.create(
        agency=agency,
        local_id=row.local_id,
        batch=batch,
        person=person,
        match_weight=weight,
        link_method=method,
        linked_at=now,
        **fields,
    )
    SourceRecordLink.objects.create(
        source_record=record,
        person=person,
        method=method,
        reason=LinkReason.IMPORT,
        match_weight=weight,
        by_user=by.user,
        by_username=by.username,
        at=now,
    )
    derived_rows_replace(record, row, fresh=True)
    person_refresh(person)
    if top is not None and decision == scoring.REVIEW:
        MatchReview.objects.create(
            source_record=record,
            candidate_id=top.person_id,
            candidate_record=top.record,
            weight=round(top.weight, 2),
            fields=[w.as_dict() for w in top.weights],
            created_at=now,
        )
    return {scoring.AUTO: CREATED_AUTO, scoring.REVIEW: CREATED_REVIEW}.get(decision, CREATED_NEW)


def _relationship_apply(*, row: Row, batch: ImportBatch) -> list[dict[str, object]]:
    """The row's relationships, once every row of the file has a record; rows this import left unchanged
    keep theirs. Returns warnings for relationships that could not be recorded."""
    agency = batch.agency
    record = SourceRecord.objects.get(agency=agency, local_id=row.local_id)
    if record.batch_id != batch.pk:
        return []
    stated = row.clean.get("relationships", [])
    related = {
        r.local_id: r for r in SourceRecord.objects.filter(agency=agency, local_id__in=[i for i, _ in stated])
    }
    warnings: list[dict[str, object]] = []
    kept: list[int] = []
    for related_id, kind in stated:
        other = related.get(related_id)
        if other is None:  # checked when the import started; a record is never deleted, so unexpected
            warnings.append(
                {
                    "row": row.number,
                    "field": "related_local_id",
                    "message": f"No record {related_id} was found",
                }
            )
            continue
        if other.person_id == record.person_id:
            warnings.append(
                {
                    "row": row.number,
                    "field": "related_local_id",
                    "message": f"This record and {related_id} were linked to one person, so that relationship"
                    " was not recorded",
                }
            )
            continue
        Relationship.objects.update_or_create(
            source_record=record,
            related_record=other,
            defaults={"from_person_id": record.person_id, "to_person_id": other.person_id, "kind": kind},
        )
        kept.append(other.pk)
    Relationship.objects.filter(source_record=record).exclude(related_record__in=kept).delete()
    return warnings


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


def _relink(
    *,
    record: SourceRecord,
    to_person: Person,
    method: str,
    reason: str,
    by: Actor,
    now: datetime,
) -> Person:
    """Move a record, and everything derived from it, to another person. Returns the person it left."""
    previous = record.person
    clash = Relationship.objects.filter(
        Q(source_record=record, to_person=to_person) | Q(related_record=record, from_person=to_person)
    )
    if clash.exists():
        raise LinkError(
            "These records say the two people are related to each other, so they cannot be one person"
        )
    record.person = to_person
    record.link_method = method
    record.reviewed_by = by.user if method == LinkMethod.REVIEWED else None
    record.linked_at = now
    record.save(update_fields=["person", "link_method", "reviewed_by", "linked_at", "updated_at"])
    for model in (PersonName, Address, Identifier, Involvement):
        model.objects.filter(source_record=record).update(person=to_person)
    Relationship.objects.filter(source_record=record).update(from_person=to_person)
    Relationship.objects.filter(related_record=record).update(to_person=to_person)
    SourceRecordLink.objects.create(
        source_record=record,
        person=to_person,
        previous_person=previous if previous.pk != to_person.pk else None,
        method=method,
        reason=reason,
        match_weight=record.match_weight,
        by_user=by.user,
        by_username=by.username,
        at=now,
    )
    person_refresh(to_person)
    person_refresh(previous)
    return previous


def _retire_if_empty(person: Person, into: Person, now: datetime) -> None:
    if person.pk != into.pk and person.merged_into_id is None and not person.source_records.exists():
        person.merged_into, person.merged_at = into, now
        person.save(update_fields=["merged_into", "merged_at", "updated_at"])


@transaction.atomic
def person_merge(*, keep: Person, absorb: Person, by: Actor) -> Person:
    """Move every record of ``absorb`` onto ``keep``; ``absorb`` remains, pointing at ``keep``."""
    keep, absorb = person_current(keep), person_current(absorb)
    if keep.pk == absorb.pk:
        raise LinkError("These are already the same person")
    now = timezone.now()
    records = list(absorb.source_records.select_for_update().order_by("pk"))
    for record in records:
        _relink(
            record=record,
            to_person=keep,
            method=LinkMethod.REVIEWED,
            reason=LinkReason.MERGE,
            by=by,
            now=now,
        )
    absorb.refresh_from_db()
    absorb.merged_into, absorb.merged_at = keep, now
    absorb.save(update_fields=["merged_into", "merged_at", "updated_at"])
    audit_record(
        by=by,
        action="person.merged",
        object_type="person",
        object_id=keep.pk,
        details={"absorbed": absorb.pk, "records": [r.pk for r in records]},
    )
    return keep


@transaction.atomic
def person_unmerge(*, record: SourceRecord, by: Actor) -> Person:
    """Take one record off its person: back onto the person it came from if that still can be, else new."""
    record = SourceRecord.objects.select_for_update().select_related("person").get(pk=record.pk)
    current = record.person
    if not current.source_records.exclude(pk=record.pk).exists():
        raise LinkError("This is the person's only record: there is nothing to separate it from")
    if current.is_shielded:
        # The record would leave the shield: a new, unshielded person holding the child's details.
        raise LinkError(
            f"This person is shielded: records are separated only through {current.brokered_contact}"
        )
    target: Person | None = None
    for link in record.link_history.filter(previous_person__isnull=False).order_by("-at", "-pk"):
        candidate = link.previous_person
        if (
            candidate is not None
            and candidate.pk != current.pk
            and candidate.merged_into_id in (None, current.pk)
        ):
            target = candidate
            break
    now = timezone.now()
    if target is None:
        target = Person.objects.create()
    elif target.merged_into_id is not None:
        target.merged_into, target.merged_at = None, None
        target.save(update_fields=["merged_into", "merged_at", "updated_at"])
    _relink(
        record=record,
        to_person=target,
        method=LinkMethod.REVIEWED,
        reason=LinkReason.UNMERGE,
        by=by,
        now=now,
    )
    audit_record(
        by=by,
        action="person.unmerged",
        object_type="person",
        object_id=current.pk,
        details={"source_record": record.pk, "to_person": target.pk},
    )
    return target


def _review_locked(review: MatchReview) -> MatchReview:
    locked = MatchReview.objects.select_for_update().select_related("source_record").get(pk=review.pk)
    if locked.status != ReviewStatus.OPEN:
        raise LinkError("This match has already been decided")
    return locked


@transaction.atomic
def match_review_link(*, review: MatchReview, by: Actor) -> MatchReview:
    """The data officer says: same person. The imported record joins the candidate."""
    review = _review_locked(review)
    record = review.source_record
    candidate = person_current(review.candidate)
    now = timezone.now()
    if record.person_id != candidate.pk:
        left = _relink(
            record=record,
            to_person=candidate,
            method=LinkMethod.REVIEWED,
            reason=LinkReason.REVIEW,
            by=by,
            now=now,
        )
        _retire_if_empty(left, candidate, now)
    review.status, review.decided_by, review.decided_at = ReviewStatus.LINKED, by.user, now
    review.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(
        by=by,
        action="match_review.linked",
        object_type="match_review",
        object_id=review.pk,
        details={"source_record": record.pk, "person": candidate.pk, "weight": f"{review.weight:.1f}"},
    )
    return review


@transaction.atomic
def match_review_separate(*, review: MatchReview, by: Actor) -> MatchReview:
    """The data officer says: different people. The record stays on its own person, marked as reviewed."""
    review = _review_locked(review)
    record = review.source_record
    now = timezone.now()
    if record.person_id == person_current(review.candidate).pk:
        raise LinkError("The record is already linked to this person; unmerge it from the card instead")
    _relink(
        record=record,
        to_person=record.person,
        method=LinkMethod.REVIEWED,
        reason=LinkReason.REVIEW,
        by=by,
        now=now,
    )
    review.status, review.decided_by, review.decided_at = ReviewStatus.SEPARATED, by.user, now
    review.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(
        by=by,
        action="match_review.separated",
        object_type="match_review",
        object_id=review.pk,
        details={
            "source_record": record.pk,
            "candidate": review.candidate_id,
            "weight": f"{review.weight:.1f}",
        },
    )
    return review


# --- unusual access -----------------------------------------------------------------------------------


class AlertError(ActionError):
    """An alert that cannot be closed as asked."""


@transaction.atomic
def access_alert_raise(
    *, kind: str, user: Any, agency: Agency, by: Actor, person: Person | None = None, details: dict[str, Any]
) -> AccessAlert:
    """Put an unusual access before the agency's IG officers (their home page lists it until closed)."""
    alert = AccessAlert.objects.create(
        kind=kind, user=user, agency=agency, person=person, raised_at=timezone.now(), details=details
    )
    audit_record(
        by=by,
        action="access_alert.raised",
        object_type="access_alert",
        object_id=alert.pk,
        details={"kind": kind, "user_id": user.pk, "agency": agency.code, **details},
    )
    return alert


@transaction.atomic
def access_alert_close(*, alert: AccessAlert, note: str, by: Actor) -> AccessAlert:
    """An IG officer has looked into it: closed with what they found."""
    by_user = by.signed_in_user()
    note = note.strip()
    if not note:
        raise AlertError("Say what you found, or what was done, before closing the alert", field="note")
    locked = AccessAlert.objects.select_for_update().get(pk=alert.pk)
    if locked.reviewed_at is not None:
        raise AlertError("This alert has already been closed")
    locked.reviewed_at, locked.reviewed_by, locked.review_note = timezone.now(), by_user, note[:2000]
    locked.save(update_fields=["reviewed_at", "reviewed_by", "review_note"])
    audit_record(
        by=by,
        action="access_alert.closed",
        object_type="access_alert",
        object_id=locked.pk,
        details={"kind": locked.kind, "user_id": locked.user_id},
    )
    return locked
