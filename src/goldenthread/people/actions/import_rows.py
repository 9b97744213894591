"""One imported row applied to the index: its source record matched and linked, then its relationships.

Called by the import (``people.actions.imports``) inside its per-row transactions.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from goldenthread.agencies.models import Agency
from goldenthread.core.actor import Actor
from goldenthread.linkage import scoring
from goldenthread.people.candidates import person_matches
from goldenthread.people.derive import derived_rows_replace, person_refresh, record_fields, row_keys
from goldenthread.people.importing import Row
from goldenthread.people.models import (
    ImportBatch,
    LinkMethod,
    LinkReason,
    MatchReview,
    Person,
    Relationship,
    SourceRecord,
    SourceRecordLink,
)

CREATED_AUTO, CREATED_REVIEW, CREATED_NEW = "auto", "review", "new"
UPDATED, UNCHANGED = "updated", "unchanged"


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
