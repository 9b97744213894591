"""The audit log page shows an information governance officer what their own agency's people did."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from goldenthread.agencies.actions import membership_create, membership_end
from goldenthread.agencies.models import Membership
from goldenthread.agencies.permissions import Role
from goldenthread.audit.actions import audit_record
from goldenthread.core.actor import Actor

pytestmark = pytest.mark.django_db
EVENTS = reverse("audit:events")


def _actions_shown(client: Any, **params: str) -> set[str]:
    response = client.get(EVENTS, params)
    assert response.status_code == 200
    return {event.action for event in response.context["events"]}


def _person_event(who: Any, action: str, person_id: int) -> None:
    audit_record(by=Actor.of(who.user, who.agency), action=action, object_type="person", object_id=person_id)


def test_audit_log_page_shows_own_agency_events_only(signed_in: Any, persona: Any) -> None:
    ig = signed_in("ig_officer")  # children's social care
    social_worker = persona("social_worker")
    police = persona("police_officer")
    audit_record(by=Actor.of(social_worker.user, social_worker.agency), action="test.own_agency")
    audit_record(by=Actor.of(police.user, police.agency), action="test.other_agency")

    shown = _actions_shown(ig, action="test.")

    assert shown == {"test.own_agency"}
    assert "done by Test test-csc's people" in ig.get(EVENTS).content.decode()


def test_audit_log_page_shows_own_people_before_they_chose_an_agency(signed_in: Any, persona: Any) -> None:
    ig = signed_in("ig_officer")
    social_worker = persona("social_worker")
    police = persona("police_officer")
    # Some events come before a person acts for any agency (a refused sign-in): no agency on the event.
    audit_record(by=Actor.of(social_worker.user), action="test.own_person_no_agency")
    audit_record(by=Actor.of(police.user), action="test.other_person_no_agency")
    audit_record(by=Actor(username="unknown"), action="test.anonymous")

    shown = _actions_shown(ig, action="test.")

    assert shown == {"test.own_person_no_agency"}


def test_audit_log_page_hides_own_person_acting_for_another_agency(signed_in: Any, persona: Any) -> None:
    ig = signed_in("ig_officer")
    social_worker = persona("social_worker")
    police = persona("police_officer")
    # The same person, acting for another agency, answers to that agency's governance.
    audit_record(by=Actor.of(social_worker.user, police.agency), action="test.for_police")

    assert _actions_shown(ig, action="test.") == set()


def test_audit_log_page_hides_former_member_events_after_leaving(signed_in: Any, persona: Any) -> None:
    ig = signed_in("ig_officer")
    social_worker = persona("social_worker")
    audit_record(by=Actor.of(social_worker.user), action="test.while_member")
    membership_end(
        membership=Membership.objects.get(user=social_worker.user),
        by=Actor.system(),
        reason="left",
    )
    audit_record(by=Actor.of(social_worker.user), action="test.after_leaving")

    assert _actions_shown(ig, action="test.") == {"test.while_member"}


def test_audit_log_page_hides_events_before_joining(signed_in: Any, persona: Any) -> None:
    ig = signed_in("ig_officer")
    social_worker = persona("social_worker")
    Membership.objects.filter(user=social_worker.user).update(started_at=timezone.now() + timedelta(days=1))
    audit_record(by=Actor.of(social_worker.user), action="test.before_joining")

    assert _actions_shown(ig, action="test.") == set()


def test_audit_log_page_shows_role_granted_in_agency_by_administrator_elsewhere(
    signed_in: Any, persona: Any
) -> None:
    ig = signed_in("ig_officer")
    admin = persona("system_administrator")  # based at the partnership, not at children's social care
    police = persona("police_officer")
    membership_create(
        user=police.user,
        agency=persona("social_worker").agency,
        role=Role.PRACTITIONER,
        by=Actor.of(admin.user, admin.agency),
    )

    assert _actions_shown(ig, action="membership.") == {"membership.created"}


def test_audit_log_page_filters_by_object_and_by_person(signed_in: Any, persona: Any) -> None:
    ig = signed_in("ig_officer")
    social_worker, manager = persona("social_worker"), persona("manager")
    _person_event(social_worker, "test.a", 7)
    _person_event(manager, "test.b", 7)
    _person_event(social_worker, "test.c", 8)

    assert _actions_shown(ig, action="test.", object="person:7") == {"test.a", "test.b"}
    assert _actions_shown(ig, action="test.", who=social_worker.user.username) == {"test.a", "test.c"}
    assert _actions_shown(ig, object="person:7", who=manager.user.username) == {"test.b"}


@pytest.mark.parametrize("bad", ["person", "person:", ":7", "person:7:7", "x" * 200])
def test_audit_log_page_malformed_object_filter_matches_nothing(
    signed_in: Any, persona: Any, bad: str
) -> None:
    ig = signed_in("ig_officer")
    social_worker = persona("social_worker")
    _person_event(social_worker, "test.a", 7)
    assert _actions_shown(ig, action="test.", object=bad) == set()


def test_audit_log_page_control_characters_in_filters_harmless(signed_in: Any, persona: Any) -> None:
    ig = signed_in("ig_officer")
    social_worker = persona("social_worker")
    _person_event(social_worker, "test.a", 7)
    shown = _actions_shown(
        ig, action="test.", object="person:7\x00", who=f"{social_worker.user.username}\x00"
    )
    assert shown == {"test.a"}


def test_audit_log_page_shows_failed_sign_ins_against_own_members(signed_in: Any, persona: Any) -> None:
    ig = signed_in("ig_officer")
    social_worker, police = persona("social_worker"), persona("police_officer")
    for target in (social_worker, police):
        Client().post(
            reverse("accounts:sign-in"), {"username": target.user.username, "password": "wrong-guess"}
        )

    shown = ig.get(EVENTS, {"action": "auth.sign_in_failed"}).context["events"]

    assert [event.object_id for event in shown] == [str(social_worker.user.pk)]


def test_audit_filter_with_nul_byte_is_harmless(signed_in: Any) -> None:
    response = signed_in("ig_officer").get(reverse("audit:events"), {"action": "auth\x00"})
    assert response.status_code == 200
