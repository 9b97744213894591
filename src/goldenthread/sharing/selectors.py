"""Every read of decisions and advice requests. Visibility lives here, so a view cannot forget it.

Something the user may not see is reported as not found (404), never as forbidden, so its existence
is not revealed either.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404

from goldenthread.agencies.models import Agency
from goldenthread.agencies.permissions import Permission
from goldenthread.agencies.selectors import user_has_permission
from goldenthread.audit.actions import audit_record
from goldenthread.core.actor import Actor
from goldenthread.people.models import Person
from goldenthread.people.selectors import person_ids_merged_into
from goldenthread.sharing.models import AdviceRequest, Decision, Endorsement


def _can_read_decisions(user: Any, agency: Agency | None) -> bool:
    return user_has_permission(
        user=user, permission=Permission.VIEW_CHILD_DATA, agency=agency
    ) or user_has_permission(user=user, permission=Permission.RECORD_DECISION, agency=agency)


def decisions_for_agency(*, user: Any, agency: Agency | None) -> QuerySet[Decision]:
    """The decisions of the agency the user acts for, newest first (none if they may not read them)."""
    if agency is None or not _can_read_decisions(user, agency):
        return Decision.objects.none()
    return (
        Decision.objects.filter(agency=agency)
        .select_related("decided_by", "endorsement", "supersedes", "person")
        .prefetch_related("superseded_by")
    )


@transaction.atomic
def decisions_about_person_for_user(
    *, user: Any, agency: Agency | None, person: Person, every_agency: bool = False
) -> list[Decision]:
    """The decisions the user's agency recorded about this person or anyone since merged into them.

    Other agencies' decisions are listed only under break-glass (``every_agency``, which the caller has
    checked: people.break_glass); otherwise seeing them is the exchange's to decide. Audited as a list.
    """
    mine = decisions_for_agency(user=user, agency=agency)
    if every_agency and agency is not None and _can_read_decisions(user, agency):
        mine = Decision.objects.select_related("agency")
    rows = list(
        mine.filter(person__in=person_ids_merged_into(person.pk))
        .select_related("decided_by", "endorsement")
        .order_by("-decided_at", "-pk")
    )
    audit_record(
        by=Actor.of(user, agency),
        action="decision.listed",
        object_type="person",
        object_id=person.pk,
        details={"rows": len(rows), **({"break_glass": True} if every_agency else {})},
    )
    return rows


@transaction.atomic
def advice_about_person_for_user(*, user: Any, agency: Agency | None, person: Person) -> list[AdviceRequest]:
    """The advice requests about this person (or anyone merged into them) this user may read: their own,
    or all of their agency's if they give advice there. Audited as a list."""
    rows = list(
        AdviceRequest.objects.filter(
            _advice_visible(user, agency), person__in=person_ids_merged_into(person.pk)
        ).select_related("requested_by")
    )
    audit_record(
        by=Actor.of(user, agency),
        action="advice.listed",
        object_type="person",
        object_id=person.pk,
        details={"rows": len(rows)},
    )
    return rows


def decision_get_for_user(*, user: Any, agency: Agency | None, decision_id: int) -> Decision:
    decision = (
        decisions_for_agency(user=user, agency=agency)
        .select_related("advice", "endorsement__endorsed_by")
        .filter(pk=decision_id)
        .first()
    )
    if decision is None:
        raise Http404("No such decision")
    return decision


def decision_endorsement(decision: Decision) -> Endorsement | None:
    return Endorsement.objects.select_related("endorsed_by").filter(decision=decision).first()


def endorsements_owed(*, user: Any, agency: Agency | None) -> QuerySet[Decision]:
    """Decisions of the agency waiting for an endorsement this user could give (not their own)."""
    if agency is None or not user_has_permission(
        user=user, permission=Permission.ENDORSE_DECISION, agency=agency
    ):
        return Decision.objects.none()
    return Decision.objects.filter(
        agency=agency, needs_endorsement=True, endorsement__isnull=True, superseded_by__isnull=True
    ).exclude(decided_by=user)


def _advice_visible(user: Any, agency: Agency | None) -> Q:
    if agency is None or not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    mine = Q(agency=agency, requested_by=user)
    if user_has_permission(user=user, permission=Permission.GIVE_ADVICE, agency=agency):
        return mine | Q(agency=agency)
    return mine


def advice_get_for_user(*, user: Any, agency: Agency | None, advice_id: int) -> AdviceRequest:
    advice = (
        AdviceRequest.objects.filter(_advice_visible(user, agency), pk=advice_id)
        .select_related("requested_by", "answered_by", "person")
        .first()
    )
    if advice is None:
        raise Http404("No such advice request")
    return advice


def advice_requests_for_adviser(*, user: Any, agency: Agency | None) -> QuerySet[AdviceRequest]:
    """Requests to the agency's advisers, for a user holding GIVE_ADVICE there; their own excluded."""
    if agency is None or not user_has_permission(user=user, permission=Permission.GIVE_ADVICE, agency=agency):
        return AdviceRequest.objects.none()
    return (
        AdviceRequest.objects.filter(agency=agency).exclude(requested_by=user).select_related("requested_by")
    )


def advice_requests_by(*, user: Any, agency: Agency | None) -> QuerySet[AdviceRequest]:
    if agency is None or not getattr(user, "is_authenticated", False):
        return AdviceRequest.objects.none()
    return AdviceRequest.objects.filter(agency=agency, requested_by=user)


def advice_answered_for_decision(*, user: Any, agency: Agency | None) -> QuerySet[AdviceRequest]:
    """Answered advice this user asked for, which they may attach to a decision."""
    return advice_requests_by(user=user, agency=agency).filter(answered_at__isnull=False)
