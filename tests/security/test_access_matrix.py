"""Every URL of the project, with what each persona must get. A URL missing from the table fails.

Outcomes: 200 (page), "go" (redirect within the service), "login" (redirect to sign in), 403, 404, 405.
Later issues add their URLs here; the table is the reviewable statement of who may do what.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from goldenthread.agencies.models import Membership
from tests.support.personas import PERSONAS, client_signed_in, persona_make

pytestmark = pytest.mark.django_db

MEMBERS = [p for p in PERSONAS if p != "outsider"]
EVERYONE = [*PERSONAS, "anonymous"]


@dataclass(frozen=True)
class Case:
    method: str
    allowed: dict[str, Any]  # persona -> outcome for those who get in
    others: Any  # outcome for every other member persona
    kwargs: Callable[[dict[str, Any]], dict[str, Any]] = lambda made: {}
    data: Callable[[dict[str, Any]], dict[str, Any]] = lambda made: {}
    unauthenticated: Any = "login"  # what an anonymous visitor gets
    outsider: Any = "login"  # a signed-in user with no membership: their session is ended
    extra: dict[str, Any] = field(default_factory=dict)


def _only(personas: list[str], outcome: Any) -> dict[str, Any]:
    return dict.fromkeys(personas, outcome)


def _target_user(made: dict[str, Any]) -> dict[str, Any]:
    return {"user_id": made["police_officer"].user.pk}


def _target_membership(made: dict[str, Any]) -> dict[str, Any]:
    return {"membership_id": Membership.objects.get(user=made["police_officer"].user).pk}


ADMIN = ["system_administrator"]
GOVERNANCE = ["ig_officer"]

MATRIX: dict[str, Case] = {
    "web:home": Case("get", _only(MEMBERS, 200), others=200),
    "web:healthz": Case("get", _only(MEMBERS, 200), others=200, unauthenticated=200, outsider=200),
    "web:switch-agency": Case(
        "post",
        {},
        others=403,
        data=lambda made: {"agency": made["police_officer"].agency.pk},
        extra={"police_officer": "go"},
    ),
    "accounts:sign-in": Case("get", {}, others="go", unauthenticated=200),
    "accounts:sign-out": Case("get", {}, others=200),
    "accounts:two-factor-set-up": Case("get", {}, others="go"),
    "accounts:two-factor-verify": Case("get", {}, others="go"),
    "agencies:users": Case("get", _only(ADMIN, 200), others=403),
    "agencies:user-new": Case("get", _only(ADMIN, 200), others=403),
    "agencies:user": Case("get", _only(ADMIN, 200), others=403, kwargs=_target_user),
    "agencies:user-active": Case(
        "post", _only(ADMIN, "go"), others=403, kwargs=_target_user, data=lambda made: {"active": "true"}
    ),
    "agencies:user-reset-second-factor": Case("post", _only(ADMIN, "go"), others=403, kwargs=_target_user),
    "agencies:membership-end": Case("get", _only(ADMIN, 200), others=403, kwargs=_target_membership),
    "agencies:agencies": Case("get", _only(ADMIN, 200), others=403),
    "agencies:agency-new": Case("get", _only(ADMIN, 200), others=403),
    "audit:events": Case("get", _only(GOVERNANCE, 200), others=403),
    "audit:verify": Case("post", _only([*GOVERNANCE, *ADMIN], 200), others=403),
}


def _all_url_names(patterns: list[Any], namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _all_url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            names.add(f"{namespace}{pattern.name}" if pattern.name else f"<unnamed {pattern.pattern}>")
    return names


def _outcome(response: Any) -> Any:
    if response.status_code == 302:
        return "login" if response.url.startswith(reverse("accounts:sign-in")) else "go"
    return response.status_code


def test_access_matrix_lists_every_url_pattern() -> None:
    names = _all_url_names(get_resolver().url_patterns)
    assert names - MATRIX.keys() == set(), "add these URLs to the access matrix"
    assert MATRIX.keys() - names == set(), "these matrix entries match no URL"


@pytest.mark.parametrize("url_name", sorted(MATRIX))
def test_access_matrix_each_persona_gets_expected_response(url_name: str) -> None:
    case = MATRIX[url_name]
    made = {name: persona_make(name) for name in PERSONAS}
    url = reverse(url_name, kwargs=case.kwargs(made))
    mismatches = []
    for who in EVERYONE:
        if who == "anonymous":
            expected = case.unauthenticated
        elif who == "outsider":
            expected = case.outsider
        else:
            expected = case.extra.get(who, case.allowed.get(who, case.others))
        client = Client() if who == "anonymous" else client_signed_in(made[who])
        response = getattr(client, case.method)(url, case.data(made))
        got = _outcome(response)
        if got != expected:
            mismatches.append(f"{who}: expected {expected}, got {got}")
    assert mismatches == [], f"{case.method.upper()} {url}"


def test_access_matrix_system_administrator_holds_no_child_data_permission() -> None:
    from goldenthread.agencies.permissions import PERMISSIONS, Permission, Role

    child_data = {
        Permission.VIEW_CHILD_DATA,
        Permission.SEARCH_CHILD_INDEX,
        Permission.RECORD_DECISION,
        Permission.BREAK_GLASS,
        Permission.VIEW_AUDIT_LOG,
    }
    assert {p for p in child_data if Role.SYSTEM_ADMINISTRATOR in PERMISSIONS[p]} == set()
