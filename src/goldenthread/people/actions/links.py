"""Links, merges and unmerges between people in the child index.

Source records are never deleted or rewritten by a link change: moving a record between people updates
its ``person`` and every row derived from it, and appends to its link history, so any merge can be undone.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from goldenthread.audit.actions import audit_record
from goldenthread.core.actor import Actor
from goldenthread.core.errors import ActionError
from goldenthread.people.derive import person_refresh
from goldenthread.people.models import (
    Address,
    Identifier,
    Involvement,
    LinkMethod,
    LinkReason,
    Person,
    PersonName,
    Relationship,
    SourceRecord,
    SourceRecordLink,
)


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
