"""A refused write shows on its form the same way on every page: on its field, or above the form."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from goldenthread.agencies.models import Agency

pytestmark = pytest.mark.django_db


def test_action_error_for_a_field_shows_on_that_field(signed_in: Any, persona: Any) -> None:
    taken = persona("police_officer").agency
    response = signed_in("system_administrator").post(
        reverse("agencies:agency-new"), {"name": "Another police", "code": taken.code, "kind": "police"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["code"] == ["Agency with this Code already exists."]
    assert form.non_field_errors() == []
    assert Agency.objects.filter(name="Another police").count() == 0


def test_action_error_without_a_field_shows_above_the_form(signed_in: Any, persona: Any) -> None:
    admin = persona("system_administrator")
    response = signed_in("system_administrator").post(
        reverse("agencies:user", kwargs={"user_id": admin.user.pk}),
        {"agency": admin.agency.pk, "role": "ig_officer"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.non_field_errors() == [
        "You cannot add a membership to your own account; ask another administrator"
    ]
    assert admin.user.memberships.count() == 1


def test_action_error_on_a_password_shows_on_the_password_field(signed_in: Any) -> None:
    response = signed_in("social_worker").post(
        reverse("accounts:password-change"),
        {"current": "correct-horse-battery-staple-42", "password": "short", "confirm": "short"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert any("short" in message for message in form.errors["password"])
    assert form.non_field_errors() == []
