"""Every URL of the project, with what each persona must get. A URL missing from the table fails.

The rows live in matrix_<app>.py beside this file; this test joins them and checks them all.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security import (
    matrix_agreements,
    matrix_consent,
    matrix_exchange,
    matrix_foundation,
    matrix_people,
    matrix_sharing,
)
from tests.security.access import EVERYONE, Case
from tests.support.personas import PERSONAS, client_signed_in, persona_make

pytestmark = pytest.mark.django_db

MATRIX: dict[str, Case] = {
    **matrix_foundation.MATRIX,
    **matrix_people.MATRIX,
    **matrix_sharing.MATRIX,
    **matrix_agreements.MATRIX,
    **matrix_exchange.MATRIX,
    **matrix_consent.MATRIX,
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
    made: dict[str, Any] = {name: persona_make(name) for name in PERSONAS}
    if case.setup is not None:
        made.update(case.setup(made))
    url = reverse(url_name, kwargs=case.kwargs(made))
    mismatches = []
    for who in EVERYONE:
        if who == "anonymous":
            expected = case.unauthenticated
        elif who == "outsider":
            expected = case.outsider
        else:
            expected = case.extra.get(who, case.allowed.get(who, case.others))
            if expected == 403 and case.kwargs(made):
                # An object's page answers a user without the permission as it answers one who may not
                # see that object: 404 (core.permissions.permission_required).
                expected = 404
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


# Views anyone may reach without a permission: the sign-in journey and the health check.
PUBLIC_VIEWS = {
    "web:healthz",
    "accounts:sign-in",
    "accounts:unlock",
    "accounts:sign-out",
    "accounts:two-factor-set-up",
    "accounts:two-factor-verify",
    "accounts:set-up",
    # Each agency's "how we share information" notice: no personal data, handed out at first contact.
    "consent:notice",
}


def _callbacks(patterns: list[Any], namespace: str = "") -> dict[str, Any]:
    found: dict[str, Any] = {}
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found.update(_callbacks(pattern.url_patterns, inner))
        elif isinstance(pattern, URLPattern):
            found[f"{namespace}{pattern.name}"] = pattern.callback
    return found


def test_access_every_non_public_view_declares_its_permission() -> None:
    # permission_required marks the views it wraps; a view without it would be open to every member.
    unguarded = {
        name
        for name, callback in _callbacks(get_resolver().url_patterns).items()
        if name not in PUBLIC_VIEWS and not hasattr(callback, "required_permission")
    }
    assert unguarded == set()
