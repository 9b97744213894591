"""A data officer's decisions on the matches the import queued for review."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from goldenthread.audit.actions import audit_record
from goldenthread.core.actor import Actor
from goldenthread.people.actions.links import LinkError, _relink, _retire_if_empty, person_current
from goldenthread.people.models import LinkMethod, LinkReason, MatchReview, ReviewStatus


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
