"""Reads of memberships and the permission checks built on them."""

from __future__ import annotations

from typing import Any

from goldenthread.agencies.models import Agency, Membership
from goldenthread.agencies.permissions import PERMISSIONS, Permission, Role


def memberships_active_for(*, user: Any) -> list[Membership]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(Membership.objects.active().filter(user=user).select_related("agency", "team"))


def user_has_permission(*, user: Any, permission: Permission, agency: Agency | None) -> bool:
    """True when one of the user's active memberships of ``agency`` carries a role with the permission."""
    if agency is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    roles = PERMISSIONS[permission]
    return Membership.objects.active().filter(user=user, agency=agency, role__in=list(roles)).exists()


def users_with_permission(*, permission: Permission, agency: Agency) -> list[Any]:
    """The active users holding ``permission`` in ``agency`` through an active membership."""
    roles = list(PERMISSIONS[permission])
    members = Membership.objects.active().filter(agency=agency, role__in=roles, user__is_active=True)
    return [m.user for m in members.select_related("user").order_by("user_id").distinct()]


def permissions_for(*, user: Any, agency: Agency | None) -> frozenset[Permission]:
    if agency is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    roles = set(Membership.objects.active().filter(user=user, agency=agency).values_list("role", flat=True))
    return frozenset(p for p, allowed in PERMISSIONS.items() if roles & set(allowed))


def memberships_awaiting_approval_for(*, user: Any, agency: Agency | None) -> list[Membership]:
    """Memberships this user may approve as the second person, acting for ``agency``: as an administrator
    any agency's, as an IG officer that agency's; never their own or ones they added themselves."""
    if agency is None or not getattr(user, "is_authenticated", False):
        return []
    roles = set(Membership.objects.active().filter(user=user, agency=agency).values_list("role", flat=True))
    waiting = Membership.objects.awaiting_approval().exclude(user=user).exclude(started_by=user)
    if Role.SYSTEM_ADMINISTRATOR not in roles:
        if Role.IG_OFFICER not in roles:
            return []
        waiting = waiting.filter(agency=agency)
    return list(waiting.select_related("user", "agency", "team", "started_by").order_by("started_at", "pk"))
