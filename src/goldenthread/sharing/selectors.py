"""Every read of decisions and advice requests. Visibility lives here, so a view cannot forget it.

Something the user may not see is reported as not found (404), never as forbidden, so its existence
is not revealed either.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404

from goldenthread.agencies.models import Agency, AgencyKind, Membership
from goldenthread.agencies.permissions import PERMISSIONS, Permission, Role
from goldenthread.agencies.selectors import user_has_permission
from goldenthread.audit.actions import audit_record
from goldenthread.core.actor import Actor
from goldenthread.people.models import Person
from goldenthread.people.selectors import person_ids_merged_into
from goldenthread.sharing.models import ENDORSING_ROLES, AdviceRequest, AdviserRole, Decision, Endorsement


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


def decisions_declined_for(*, user: Any, agency: Agency | None) -> QuerySet[Decision]:
    """The user's decisions in this agency whose endorsement was declined and which no new decision has
    corrected yet: each waits for them to record a new decision."""
    if agency is None or not getattr(user, "is_authenticated", False):
        return Decision.objects.none()
    return Decision.objects.filter(
        agency=agency, decided_by=user, endorsement__declined=True, superseded_by__isnull=True
    )


def decisions_by(*, user: Any, agency: Agency | None) -> QuerySet[Decision]:
    """The decisions this user recorded for the agency they act for (their "My decisions")."""
    return decisions_for_agency(user=user, agency=agency).filter(decided_by=user)


@dataclass(frozen=True)
class Endorser:
    name: str
    role: str


def endorsers_for(*, agency: Agency | None, exclude: Any = None) -> list[Endorser]:
    """Who in the agency can endorse a decision (a manager, designated safeguarding lead or Caldicott
    Guardian), by name and role, to name on the decision form; the decider is left out. Names and roles
    of staff, not a child's data, so not audited."""
    if agency is None:
        return []
    roles = [r for r in ENDORSING_ROLES if r in PERMISSIONS[Permission.ENDORSE_DECISION]]
    memberships = (
        Membership.objects.active()
        .filter(agency=agency, role__in=roles, user__is_active=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )
    if exclude is not None:
        memberships = memberships.exclude(user=exclude)
    return [
        Endorser(m.user.get_full_name() or m.user.get_username(), Role(m.role).label) for m in memberships
    ]


@dataclass(frozen=True)
class AdviserChoice:
    """Someone a practitioner may ask: an adviser role in their own agency or in a partnership."""

    value: str
    label: str
    agency: Agency
    role: str


def adviser_choices_for(*, agency: Agency | None) -> list[AdviserChoice]:
    """The adviser roles of the practitioner's agency, then each active safeguarding partnership's named
    advisers (Caldicott Guardian, IG officer, designated safeguarding leads). Values are "role" for the
    own agency and "<agency code>:role" for a partnership."""
    if agency is None:
        return []
    choices = [
        AdviserChoice(
            role.value, f"Your agency's {role.label[:1].lower()}{role.label[1:]}", agency, role.value
        )
        for role in AdviserRole
    ]
    partnerships = Agency.objects.filter(kind=AgencyKind.PARTNERSHIP, is_active=True).exclude(pk=agency.pk)
    for partnership in partnerships.order_by("name"):
        for role in (AdviserRole.CALDICOTT_GUARDIAN, AdviserRole.IG_OFFICER, AdviserRole.DSL):
            label = role.label if role != AdviserRole.DSL else "Designated safeguarding leads"
            choices.append(
                AdviserChoice(
                    f"{partnership.code}:{role.value}", f"{partnership.name}: {label}", partnership, role
                )
            )
    return choices


def _roles_held(user: Any, agency: Agency) -> list[str]:
    return list(Membership.objects.active().filter(user=user, agency=agency).values_list("role", flat=True))


def _asked_of(user: Any, agency: Agency) -> Q:
    """Requests asked of a role this user holds in this agency (older requests without an agency asked
    went to the asker's own agency)."""
    roles = _roles_held(user, agency)
    asked_here = Q(adviser_agency=agency) | Q(adviser_agency__isnull=True, agency=agency)
    return asked_here & Q(adviser_role__in=roles)


def _advice_visible(user: Any, agency: Agency | None) -> Q:
    """The asker's own requests, and those asked of a role the user holds in the agency they act for:
    only the role asked, in the agency asked, reads and answers a request."""
    if agency is None or not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    mine = Q(agency=agency, requested_by=user)
    if user_has_permission(user=user, permission=Permission.GIVE_ADVICE, agency=agency):
        return mine | _asked_of(user, agency)
    return mine


def advice_get_for_user(*, user: Any, agency: Agency | None, advice_id: int) -> AdviceRequest:
    advice = (
        AdviceRequest.objects.filter(_advice_visible(user, agency), pk=advice_id)
        .select_related("requested_by", "answered_by", "person", "agency", "adviser_agency")
        .first()
    )
    if advice is None:
        raise Http404("No such advice request")
    return advice


def advice_requests_for_adviser(*, user: Any, agency: Agency | None) -> QuerySet[AdviceRequest]:
    """Requests asked of a role the user holds in this agency (from it, or from any agency of the
    partnership when this is the partnership); their own excluded."""
    if agency is None or not user_has_permission(user=user, permission=Permission.GIVE_ADVICE, agency=agency):
        return AdviceRequest.objects.none()
    return (
        AdviceRequest.objects.filter(_asked_of(user, agency))
        .exclude(requested_by=user)
        .select_related("requested_by", "agency")
    )


def advice_requests_by(*, user: Any, agency: Agency | None) -> QuerySet[AdviceRequest]:
    if agency is None or not getattr(user, "is_authenticated", False):
        return AdviceRequest.objects.none()
    return AdviceRequest.objects.filter(agency=agency, requested_by=user)


def advice_answered_for_decision(*, user: Any, agency: Agency | None) -> QuerySet[AdviceRequest]:
    """Answered advice this user asked for, which they may attach to a decision."""
    return advice_requests_by(user=user, agency=agency).filter(answered_at__isnull=False)
