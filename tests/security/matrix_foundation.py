"""Access matrix rows for the foundation: home, sign-in, administration and the audit log."""

from __future__ import annotations

from tests.security.access import ADMIN, GOVERNANCE, MEMBERS, Case, only, target_membership, target_user

MATRIX: dict[str, Case] = {
    "web:home": Case("get", only(MEMBERS, 200), others=200),
    "notifications:list": Case("get", only(MEMBERS, 200), others=200),
    # Someone else's (or a missing) notification is not found, for everyone.
    "notifications:open": Case("get", {}, others=404, kwargs=lambda made: {"notification_id": 999999}),
    "notifications:read-all": Case("post", only(MEMBERS, "go"), others="go"),
    "web:healthz": Case("get", only(MEMBERS, 200), others=200, unauthenticated=200, outsider=200),
    "web:switch-agency": Case(
        "post",
        {},
        others=403,
        data=lambda made: {"agency": made["police_officer"].agency.pk},
        extra={"police_officer": "go"},
    ),
    "accounts:sign-in": Case("get", {}, others="go", unauthenticated=200),
    "accounts:unlock": Case("get", {}, others="go", unauthenticated=200),
    "accounts:sign-out": Case("get", {}, others=200),
    "accounts:two-factor-set-up": Case("get", {}, others="go"),
    "accounts:two-factor-verify": Case("get", {}, others="go"),
    # A bad link is refused the same way for everyone; the signed-out outsider is sent to sign in first.
    "accounts:set-up": Case(
        "get", {}, others=400, unauthenticated=400, kwargs=lambda made: {"uidb64": "MQ", "token": "bad-token"}
    ),
    "accounts:password-change": Case("get", only(MEMBERS, 200), others=200),
    "accounts:account": Case("get", only(MEMBERS, 200), others=200),
    "agencies:user-send-setup-link": Case("post", only(ADMIN, "go"), others=403, kwargs=target_user),
    "agencies:users": Case("get", only(ADMIN, 200), others=403),
    "agencies:user-new": Case("get", only(ADMIN, 200), others=403),
    "agencies:user": Case("get", only(ADMIN, 200), others=403, kwargs=target_user),
    "agencies:user-active": Case(
        "post", only(ADMIN, "go"), others=403, kwargs=target_user, data=lambda made: {"active": "true"}
    ),
    "agencies:user-reset-second-factor": Case("post", only(ADMIN, "go"), others=403, kwargs=target_user),
    "agencies:membership-end": Case("get", only(ADMIN, 200), others=403, kwargs=target_membership),
    "agencies:memberships-waiting": Case("get", only([*ADMIN, *GOVERNANCE], 200), others=403),
    # Approving a membership the approver may not approve (here one already in force) is not found.
    "agencies:membership-approve": Case(
        "post",
        {},
        others=403,
        kwargs=target_membership,
        extra={"system_administrator": 404, "ig_officer": 404},
    ),
    "agencies:agencies": Case("get", only(ADMIN, 200), others=403),
    "agencies:agency-new": Case("get", only(ADMIN, 200), others=403),
    "audit:events": Case("get", only(GOVERNANCE, 200), others=403),
    "audit:verify": Case("post", only([*GOVERNANCE, *ADMIN], 200), others=403),
}
