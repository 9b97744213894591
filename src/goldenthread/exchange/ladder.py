"""Who receives and who is told: the receiving team of an agency, and each rung of an escalation ladder.

Reads memberships only (no personal data of a child), so nothing here is audited.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from goldenthread.accounts.models import User
from goldenthread.agencies.models import Agency, Membership, Team
from goldenthread.agencies.permissions import PERMISSIONS, Permission, Role
from goldenthread.core.worktime import add_working_hours
from goldenthread.exchange.models import EscalationStep, EscalationTarget, Priority

RECEIVING_ROLES = PERMISSIONS[Permission.RECORD_DECISION]
RUNG_ROLES: dict[str, tuple[str, ...]] = {
    EscalationTarget.MANAGER: (Role.MANAGER,),
    EscalationTarget.DSL: (Role.DSL,),
    EscalationTarget.GOVERNANCE: (Role.CALDICOTT_GUARDIAN, Role.IG_OFFICER),
}


def _members(
    agency: Agency, roles: tuple[str, ...] | frozenset[Role], team: Team | None = None
) -> list[User]:
    memberships = Membership.objects.active().filter(
        agency=agency, role__in=list(roles), user__is_active=True
    )
    if team is not None:
        in_team = memberships.filter(team=team)
        if in_team.exists():
            memberships = in_team
    ids = memberships.values_list("user_id", flat=True)
    return list(User.objects.filter(pk__in=list(ids)).order_by("pk"))


def receivers_of(agency: Agency, team: Team | None = None) -> list[User]:
    """The practitioners who receive for ``agency`` (its team's, when the team has any): the people a
    request or a disclosure is waiting for. Empty when the agency has no one able to receive."""
    return _members(agency, RECEIVING_ROLES, team)


def rung_people(target: str, row: Any, *, assigned: Any = None) -> list[User]:
    """The people one rung tells, in the agency that owes the answer (``row`` a RequestRecipient)."""
    if target == EscalationTarget.ASSIGNED:
        person = assigned or row.assigned_to
        return [person] if person is not None else receivers_of(row.agency, row.team)
    return _members(row.agency, RUNG_ROLES[target], row.team)


def ladder_due(priority: Priority, deadline: datetime) -> Iterator[tuple[EscalationStep, datetime]]:
    """Each rung of the priority's ladder with the moment it falls due, in order."""
    for step in EscalationStep.objects.filter(priority=priority).order_by("position"):
        yield step, add_working_hours(deadline, step.after_hours)
