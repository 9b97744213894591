"""Reads of the review queue and of the agency's imports: what a user may not see is a 404."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404

from goldenthread.agencies.models import Agency, AgencyKind
from goldenthread.agencies.permissions import Permission
from goldenthread.audit.actions import audit_record
from goldenthread.core.actor import Actor
from goldenthread.people.models import (
    ImportBatch,
    MatchReview,
    ReviewStatus,
    SourceRecord,
)
from goldenthread.people.selectors.cards import _require


def match_reviews_open_for(*, user: Any, agency: Agency | None) -> QuerySet[MatchReview]:
    """Open reviews of records this agency sent: its data officers resolve its matches."""
    _require(user, agency, Permission.REVIEW_MATCHES)
    return (
        MatchReview.objects.filter(status=ReviewStatus.OPEN, source_record__agency=agency)
        .select_related("source_record", "candidate_record__agency", "candidate_record__person")
        .order_by("-weight", "created_at", "pk")
    )


def match_reviews_open_count(*, agency: Agency | None) -> int:
    return MatchReview.objects.filter(status=ReviewStatus.OPEN, source_record__agency=agency).count()


@dataclass(frozen=True)
class ComparedField:
    label: str
    incoming: str
    candidate: str
    weight: float | None = None
    outcome: str = ""
    # The candidate is shielded: their value and how it compared are not shown (an agreeing postcode
    # would tell the reviewer where a child in a refuge is as surely as the postcode itself).
    withheld: bool = False


_SHOWN = (
    ("given_name", "Given name"),
    ("family_name", "Family name"),
    ("other_names", "Other names"),
    ("date_of_birth", "Date of birth"),
    ("sex", "Sex"),
    ("nhs_number", "NHS number"),
    ("address_line", "Address"),
    ("postcode", "Postcode"),
    ("service", "Service"),
)


# What a reviewer sees of a shielded candidate: what the shielded card shows, the name.
_SHIELDED_SHOWN = frozenset({"given_name", "family_name"})


def match_review_shielded_contact(review: MatchReview) -> str:
    """The brokered contact when the candidate is shielded, else "".

    Read from the person the candidate record belongs to now: the review's own ``candidate`` may since
    have been merged into a shielded person, and a merged-away person is never refreshed.
    """
    person = review.candidate_record.person
    return person.brokered_contact if person.is_shielded else ""


@transaction.atomic
def match_review_get_for_user(
    *, user: Any, agency: Agency | None, review_id: int
) -> tuple[MatchReview, list[ComparedField], str]:
    """A review and its two records side by side, as the agencies wrote them, with each field's weight,
    and the brokered contact when the candidate is shielded (then only their name is shown)."""
    _require(user, agency, Permission.REVIEW_MATCHES)
    review = (
        MatchReview.objects.filter(pk=review_id, source_record__agency=agency)
        .select_related(
            "source_record__agency", "candidate_record__agency", "candidate_record__person", "decided_by"
        )
        .first()
    )
    if review is None:
        raise Http404
    audit_record(
        by=Actor.of(user, agency),
        action="match_review.viewed",
        object_type="match_review",
        object_id=review.pk,
        purpose="Reviewing a possible match in the child index",
    )
    shielded = match_review_shielded_contact(review)
    weights = {w["field"]: w for w in review.fields}
    rows = []
    for name, label in _SHOWN:
        incoming = review.source_record.value(name)
        if shielded and name not in _SHIELDED_SHOWN:
            rows.append(ComparedField(label, incoming, "", withheld=True))
            continue
        weight = weights.get(name)
        rows.append(
            ComparedField(
                label,
                incoming,
                review.candidate_record.value(name),
                weight["weight"] if weight else None,
                weight["outcome"] if weight else "",
            )
        )
    return review, rows, shielded


def source_record_get_for_user(*, user: Any, agency: Agency | None, record_id: int) -> SourceRecord:
    """One of this agency's records, for its data officers to separate from the person it is linked to."""
    _require(user, agency, Permission.REVIEW_MATCHES)
    record = SourceRecord.objects.filter(pk=record_id, agency=agency).select_related("person").first()
    if record is None:
        raise Http404
    return record


def import_batches_for(*, user: Any, agency: Agency | None) -> QuerySet[ImportBatch]:
    """The agency's imports for its data officers (whoever uploaded them, or ran them at the command line);
    every agency's for the partnership's data officers (its IG officer), so that an import left unfinished
    by an agency with no data officer of its own can still be resumed or abandoned."""
    _require(user, agency, Permission.IMPORT_RECORDS)
    # The file itself (kept only while an import runs) is read by the import action, never by a page.
    batches = ImportBatch.objects.select_related("agency").defer("content").order_by("-started_at", "-pk")
    if agency is not None and agency.kind == AgencyKind.PARTNERSHIP:
        return batches
    return batches.filter(agency=agency)


def import_batches_unfinished_elsewhere(*, user: Any, agency: Agency | None) -> QuerySet[ImportBatch]:
    """For the partnership's data officers: other agencies' imports not yet finished."""
    return (
        import_batches_for(user=user, agency=agency).filter(finished_at__isnull=True).exclude(agency=agency)
    )


def import_batch_get_for_user(*, user: Any, agency: Agency | None, batch_id: int) -> ImportBatch:
    batch = import_batches_for(user=user, agency=agency).filter(pk=batch_id).first()
    if batch is None:
        raise Http404
    return batch
