"""The request middleware fills every request once: user, acting agency, membership, actor, permissions."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from goldenthread.agencies.models import Membership
from goldenthread.agencies.permissions import PERMISSIONS, Permission

pytestmark = pytest.mark.django_db

HOME = reverse("web:home")


def test_agency_request_signed_in_carries_agency_membership_actor_and_permissions(
    signed_in: Any, persona: Any
) -> None:
    manager = persona("manager")
    request = signed_in("manager").get(HOME).wsgi_request
    assert request.user == manager.user
    assert request.agency == manager.agency
    assert request.membership.user_id == manager.user.pk
    assert request.membership.agency_id == manager.agency.pk
    assert request.memberships == [request.membership]
    assert (request.actor.user, request.actor.agency, request.actor.membership) == (
        manager.user,
        manager.agency,
        request.membership,
    )
    assert (request.actor.user_id, request.actor.username, request.actor.agency_code) == (
        str(manager.user.pk),
        manager.user.username,
        manager.agency.code,
    )
    assert request.permissions == frozenset(p for p, roles in PERMISSIONS.items() if "manager" in roles)


def test_agency_request_signed_out_carries_nobody(client: Any) -> None:
    request = client.get(reverse("accounts:sign-in")).wsgi_request
    assert request.agency is None
    assert request.membership is None
    assert request.memberships == []
    assert request.permissions == frozenset()
    assert (request.actor.user, request.actor.username) == (None, "anonymous")


def test_agency_request_after_switching_agency_acts_for_the_new_one(signed_in: Any, persona: Any) -> None:
    client = signed_in("manager")
    user = persona("manager").user
    police = persona("police_officer").agency
    Membership.objects.create(user=user, agency=police, role="practitioner", started_at=timezone.now())
    client.post(reverse("web:switch-agency"), {"agency": police.pk})
    request = client.get(HOME).wsgi_request
    assert request.agency == police
    assert request.membership.role == "practitioner"
    assert request.actor.agency_code == police.code
    # A practitioner at the police, whatever they may do as a manager elsewhere.
    assert Permission.ENDORSE_DECISION not in request.permissions
    assert Permission.RECORD_DECISION in request.permissions


def test_agency_request_permissions_decide_access_to_a_page(signed_in: Any) -> None:
    assert signed_in("social_worker").get(reverse("audit:events")).status_code == 403
    assert signed_in("ig_officer").get(reverse("audit:events")).status_code == 200
