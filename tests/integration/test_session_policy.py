from __future__ import annotations

import time
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from goldenthread.accounts.actions import user_second_factor_reset, user_set_active
from goldenthread.accounts.session_policy import LAST_SEEN_AT, SIGNED_IN_AT
from goldenthread.agencies.actions import membership_end
from goldenthread.agencies.models import Membership
from goldenthread.audit.models import AuditEvent
from goldenthread.core.actor import Actor

pytestmark = pytest.mark.django_db
HOME = reverse("web:home")
SIGN_IN = reverse("accounts:sign-in")


def _age_session(client: Any, key: str, seconds: float) -> None:
    session = client.session
    session[key] = time.time() - seconds
    session.save()


def _ended_reasons() -> list[Any]:
    return [e.details.get("reason") for e in AuditEvent.objects.filter(action="auth.session_ended")]


def test_session_idle_for_31_minutes_is_ended(signed_in: Any) -> None:
    client = signed_in("social_worker")
    _age_session(client, LAST_SEEN_AT, 31 * 60)
    response = client.get(HOME)
    assert response.url == reverse("accounts:sign-in")
    follow = client.get(response.url)
    assert b"inactive for 30 minutes" in follow.content
    assert _ended_reasons() == ["idle_timeout"]


def test_session_active_for_29_minutes_idle_continues(signed_in: Any) -> None:
    client = signed_in("social_worker")
    _age_session(client, LAST_SEEN_AT, 29 * 60)
    assert client.get(HOME).status_code == 200


def test_session_older_than_10_hours_is_ended_even_when_active(signed_in: Any) -> None:
    client = signed_in("police_officer")
    _age_session(client, SIGNED_IN_AT, 10 * 3600 + 5)
    response = client.get(HOME)
    assert response.status_code == 302
    assert _ended_reasons() == ["absolute_timeout"]


def test_session_of_deactivated_user_ends_at_next_request(signed_in: Any, persona: Any) -> None:
    client = signed_in("health_visitor")
    assert client.get(HOME).status_code == 200
    user = persona("health_visitor").user
    user.is_active = False
    user.save()
    assert client.get(HOME).status_code == 302


def test_session_of_deactivated_then_reactivated_user_stays_ended(signed_in: Any, persona: Any) -> None:
    client = signed_in("health_visitor")
    user = persona("health_visitor").user
    user_set_active(user=user, active=False, by=Actor.system())
    user_set_active(user=user, active=True, by=Actor.system())
    assert client.get(HOME).status_code == 302


def test_second_factor_reset_ends_live_session(signed_in: Any, persona: Any) -> None:
    client = signed_in("police_officer")
    user_second_factor_reset(user=persona("police_officer").user, by=Actor.system())
    response = client.get(reverse("accounts:two-factor-set-up"))
    assert response.url == SIGN_IN


def test_session_ends_when_last_membership_ends(signed_in: Any, persona: Any) -> None:
    client = signed_in("school_dsl")
    assert client.get(HOME).status_code == 200
    membership = Membership.objects.get(user=persona("school_dsl").user)
    membership_end(membership=membership, by=Actor.system(), reason="left the school")
    response = client.get(HOME)
    assert response.url == reverse("accounts:sign-in")
    assert _ended_reasons() == ["no_membership"]


def test_session_survives_ending_one_of_two_memberships(signed_in: Any, persona: Any) -> None:
    client = signed_in("manager")
    user = persona("manager").user
    extra = Membership.objects.create(
        user=user, agency=persona("police_officer").agency, role="practitioner", started_at=timezone.now()
    )
    membership_end(membership=extra, by=Actor.system(), reason="secondment over")
    assert client.get(HOME).status_code == 200


def test_session_switching_to_a_foreign_agency_is_refused(signed_in: Any, persona: Any) -> None:
    client = signed_in("manager")
    police = persona("police_officer").agency
    response = client.post(reverse("web:switch-agency"), {"agency": police.pk})
    assert response.status_code == 403


def test_session_switching_between_own_agencies_changes_acting_agency(signed_in: Any, persona: Any) -> None:
    client = signed_in("manager")
    user = persona("manager").user
    police = persona("police_officer").agency
    Membership.objects.create(user=user, agency=police, role="manager", started_at=timezone.now())
    client.post(reverse("web:switch-agency"), {"agency": police.pk})
    assert police.name in client.get(HOME).content.decode()
