from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from goldenthread.accounts.session_policy import user_is_verified
from goldenthread.agencies.permissions import Permission

# Navigation by role: an item shows when the user holds its permission in the agency they act for.
_NAVIGATION: list[tuple[str, str, Permission]] = [
    ("Home", "web:home", Permission.USE_SERVICE),
    ("Notifications", "notifications:list", Permission.USE_SERVICE),
    ("Find a child", "people:search", Permission.SEARCH_CHILD_INDEX),
    ("Import records", "people:import", Permission.IMPORT_RECORDS),
    ("Review matches", "people:reviews", Permission.REVIEW_MATCHES),
    ("Decision guide", "sharing:guide", Permission.USE_GUIDE),
    ("My decisions", "sharing:decisions-mine", Permission.RECORD_DECISION),
    ("My advice requests", "sharing:advice-mine", Permission.RECORD_DECISION),
    ("Decisions", "sharing:decisions", Permission.VIEW_CHILD_DATA),
    ("Advice requests", "sharing:advice-requests", Permission.GIVE_ADVICE),
    ("Agreements", "agreements:register", Permission.VIEW_AGREEMENTS),
    ("Requests and disclosures", "exchange:inbox", Permission.VIEW_CHILD_DATA),
    ("Team queue", "exchange:team", Permission.ENDORSE_DECISION),
    ("Priorities", "exchange:priorities", Permission.MANAGE_AGENCIES),
    ("Audit log", "audit:events", Permission.VIEW_AUDIT_LOG),
    ("Unusual access", "people:alerts", Permission.VIEW_AUDIT_LOG),
    ("Users", "agencies:users", Permission.MANAGE_USERS),
    ("Agencies", "agencies:agencies", Permission.MANAGE_AGENCIES),
    ("Approvals", "agencies:memberships-waiting", Permission.APPROVE_MEMBERSHIPS),
]


def service(request: HttpRequest) -> dict[str, Any]:
    agency = getattr(request, "agency", None)
    user = getattr(request, "user", None)
    verified = user_is_verified(user)
    # Read once by the request middleware; absent only on a request it never saw (an early error page).
    granted: frozenset[Permission] = getattr(request, "permissions", frozenset()) if verified else frozenset()
    navigation = [
        {"label": label, "href": reverse(name), "current": request.path == reverse(name)}
        for label, name, permission in _NAVIGATION
        if permission in granted
    ]
    memberships = getattr(request, "memberships", [])
    agencies = {m.agency_id: m.agency for m in memberships}
    return {
        "service_name": settings.SERVICE_NAME,
        "navigation": navigation,
        "acting_agency": agency,
        "other_agencies": [a for pk, a in sorted(agencies.items()) if agency is None or pk != agency.pk],
        "fully_signed_in": verified,
        "granted": {p.value for p in granted},
        "acting_roles": sorted(
            {m.get_role_display() for m in memberships if agency and m.agency_id == agency.pk}
        ),
    }
