"""Every write to agencies, teams and memberships, each audited in the same transaction."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from goldenthread.accounts.models import User
from goldenthread.agencies.models import Agency, Membership, Team
from goldenthread.agencies.permissions import CHILD_DATA_ROLES, Role
from goldenthread.audit.actions import audit_record
from goldenthread.core.actor import Actor
from goldenthread.core.errors import ActionError


class MembershipError(ActionError):
    """A membership change that would leave the records inconsistent."""


@transaction.atomic
def agency_create(
    *,
    code: str,
    name: str,
    kind: str,
    by: Actor,
    ods_code: str = "",
    urn: str = "",
    la_code: str = "",
    charity_number: str = "",
) -> Agency:
    agency = Agency(
        code=code,
        name=name,
        kind=kind,
        ods_code=ods_code,
        urn=urn,
        la_code=la_code,
        charity_number=charity_number,
    )
    try:
        agency.full_clean()
    except ValidationError as exc:
        raise ActionError.from_validation(exc) from exc
    agency.save()
    audit_record(
        by=by, action="agency.created", object_type="agency", object_id=agency.pk, details={"code": code}
    )
    return agency


@transaction.atomic
def team_create(*, agency: Agency, code: str, name: str, is_mash: bool, by: Actor) -> Team:
    team = Team(agency=agency, code=code, name=name, is_mash=is_mash)
    try:
        team.full_clean()
    except ValidationError as exc:
        raise ActionError.from_validation(exc) from exc
    team.save()
    audit_record(
        by=by,
        action="team.created",
        object_type="team",
        object_id=team.pk,
        details={"agency": agency.code, "code": code},
    )
    return team


@transaction.atomic
def membership_create(
    *,
    user: User,
    agency: Agency,
    role: str,
    by: Actor,
    team: Team | None = None,
    pre_approved_reason: str = "",
) -> Membership:
    """A new membership. One with a role that sees child data waits for a second person's approval
    (``membership_approve``), so one administrator cannot grant child data through an account they made;
    ``pre_approved_reason`` (the demo data only) records why none was needed."""
    if role not in Role.values:
        raise MembershipError(f"{role!r} is not a role")
    if by.user is not None and by.user.pk == user.pk:
        # Nobody grants themselves access: an administrator must not become a practitioner or IG officer.
        raise MembershipError("You cannot add a membership to your own account; ask another administrator")
    if team is not None and team.agency_id != agency.pk:
        raise MembershipError("The team must belong to the same agency")
    if Membership.objects.filter(user=user, agency=agency, role=role, ended_at__isnull=True).exists():
        raise MembershipError(f"{user.get_username()} already has that role at {agency.name}")
    now = timezone.now()
    requires_approval = role in CHILD_DATA_ROLES
    membership = Membership.objects.create(
        user=user,
        agency=agency,
        role=role,
        team=team,
        started_at=now,
        started_by=by.user,
        requires_approval=requires_approval,
        approved_at=now if requires_approval and pre_approved_reason else None,
    )
    details = {"user_id": user.pk, "agency": agency.code, "role": role, "awaiting_approval": False}
    if requires_approval:
        details["awaiting_approval"] = not pre_approved_reason
        if pre_approved_reason:
            details["pre_approved"] = pre_approved_reason[:100]
    audit_record(
        by=by,
        action="membership.created",
        object_type="membership",
        object_id=membership.pk,
        details=details,
    )
    return membership


def membership_approver_problem(*, membership: Membership, by_user: User) -> str:
    """Why ``by_user`` may not approve ``membership``, or "" when they may."""
    if not membership.is_awaiting_approval:
        return "That membership is not waiting for approval"
    if by_user.pk == membership.user_id:
        return "You cannot approve your own membership"
    if membership.started_by_id is not None and by_user.pk == membership.started_by_id:
        return "You added this membership: another administrator or the agency's IG officer approves it"
    mine = Membership.objects.active().filter(user=by_user)
    if mine.filter(role=Role.SYSTEM_ADMINISTRATOR).exists():
        return ""
    if mine.filter(role=Role.IG_OFFICER, agency_id=membership.agency_id).exists():
        return ""
    return "Only another administrator or an IG officer of that agency can approve it"


@transaction.atomic
def membership_approve(*, membership: Membership, by: Actor) -> Membership:
    """The second person lets a membership that sees child data take effect."""
    by_user = by.signed_in_user()
    locked = Membership.objects.select_for_update().select_related("agency").get(pk=membership.pk)
    problem = membership_approver_problem(membership=locked, by_user=by_user)
    if problem:
        raise MembershipError(problem)
    locked.approved_at, locked.approved_by = timezone.now(), by_user
    locked.save(update_fields=["approved_at", "approved_by"])
    audit_record(
        by=by,
        action="membership.approved",
        object_type="membership",
        object_id=locked.pk,
        details={
            "user_id": locked.user_id,
            "agency": locked.agency.code,
            "role": locked.role,
            "added_by": locked.started_by_id,
        },
    )
    return locked


@transaction.atomic
def membership_end(*, membership: Membership, by: Actor, reason: str) -> Membership:
    reason = reason.strip()
    if not reason:
        raise MembershipError("Give a reason for ending the membership")
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    if locked.ended_at is not None:
        raise MembershipError("That membership has already ended")
    locked.ended_at = timezone.now()
    locked.ended_by = by.user
    locked.ended_reason = reason[:200]
    # A session left with no membership is ended, with its reason audited, by SessionPolicyMiddleware.
    locked.save(update_fields=["ended_at", "ended_by", "ended_reason"])
    audit_record(
        by=by,
        action="membership.ended",
        object_type="membership",
        object_id=locked.pk,
        details={"user_id": locked.user_id, "agency": locked.agency.code, "role": locked.role},
    )
    return locked
