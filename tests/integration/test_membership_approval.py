"""Two people to grant child data: a membership in a role that sees child data waits for a second approval."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from goldenthread.accounts.models import User
from goldenthread.agencies.actions import MembershipError, membership_approve, membership_create
from goldenthread.agencies.models import Membership
from goldenthread.agencies.permissions import Permission, Role
from goldenthread.agencies.selectors import user_has_permission
from goldenthread.audit.models import AuditEvent
from goldenthread.core.actor import Actor
from tests.support.personas import agency_get_or_make

pytestmark = pytest.mark.django_db


def _second_admin() -> User:
    second = User.objects.create(username="second_admin")
    partnership = agency_get_or_make("test-partnership", "other")
    Membership.objects.create(
        user=second, agency=partnership, role=Role.SYSTEM_ADMINISTRATOR, started_at=timezone.now()
    )
    return second


@pytest.fixture
def admin(persona: Any) -> User:
    return persona("system_administrator").user


@pytest.fixture
def newcomer() -> User:
    return User.objects.create(username="newcomer", first_name="New", last_name="Comer")


def _grant(admin: User, user: User, role: str = Role.PRACTITIONER, code: str = "test-csc") -> Membership:
    agency = agency_get_or_make(code, "childrens_social_care")
    return membership_create(user=user, agency=agency, role=role, by=Actor.of(admin, None))


def test_membership_child_data_role_has_no_effect_until_approved(admin: User, newcomer: User) -> None:
    membership = _grant(admin, newcomer)
    assert membership.is_awaiting_approval
    assert not user_has_permission(
        user=newcomer, permission=Permission.VIEW_CHILD_DATA, agency=membership.agency
    )
    event = AuditEvent.objects.get(action="membership.created")
    assert event.details["awaiting_approval"] is True


def test_membership_without_child_data_takes_effect_at_once(admin: User, newcomer: User) -> None:
    membership = _grant(admin, newcomer, Role.BOARD_ANALYST)
    assert not membership.is_awaiting_approval
    assert user_has_permission(
        user=newcomer, permission=Permission.VIEW_AGGREGATE_REPORTS, agency=membership.agency
    )


def test_membership_added_by_admin_cannot_be_approved_by_the_same_admin(admin: User, newcomer: User) -> None:
    membership = _grant(admin, newcomer)
    with pytest.raises(MembershipError, match="You added this membership"):
        membership_approve(membership=membership, by=Actor.of(admin, None))
    assert Membership.objects.get(pk=membership.pk).approved_at is None


def test_membership_approved_by_second_admin_takes_effect_and_is_audited(admin: User, newcomer: User) -> None:
    membership = _grant(admin, newcomer)
    second = _second_admin()
    membership_approve(membership=membership, by=Actor.of(second, None))
    assert user_has_permission(user=newcomer, permission=Permission.VIEW_CHILD_DATA, agency=membership.agency)
    event = AuditEvent.objects.get(action="membership.approved")
    assert event.details["added_by"] == admin.pk and event.actor_id == str(second.pk)


def test_membership_approved_by_that_agencys_ig_officer_only(
    persona: Any, admin: User, newcomer: User
) -> None:
    elsewhere = _grant(admin, newcomer, code="test-police")
    here = _grant(admin, newcomer, Role.MANAGER)
    officer = persona("ig_officer").user  # an IG officer of test-csc
    with pytest.raises(MembershipError, match="Only another administrator"):
        membership_approve(membership=elsewhere, by=Actor.of(officer, None))
    membership_approve(membership=here, by=Actor.of(officer, None))
    assert not Membership.objects.get(pk=here.pk).is_awaiting_approval


def test_membership_self_grant_through_a_second_account_waits(admin: User) -> None:
    """The administrator makes a second account for themself and gives it an IG role: it stays inert."""
    sock = User.objects.create(username="sock")
    membership = _grant(admin, sock, Role.IG_OFFICER)
    with pytest.raises(MembershipError):
        membership_approve(membership=membership, by=Actor.of(sock, None))
    assert not user_has_permission(user=sock, permission=Permission.VIEW_AUDIT_LOG, agency=membership.agency)


def test_membership_waiting_page_lists_and_approves(signed_in: Any, admin: User, newcomer: User) -> None:
    membership = _grant(admin, newcomer, Role.MANAGER)
    officer = signed_in("ig_officer")
    page = officer.get(reverse("agencies:memberships-waiting")).content.decode()
    assert "New Comer" in page and "Manager at" in page
    response = officer.post(reverse("agencies:membership-approve", args=[membership.pk]), follow=True)
    assert "Approved: New Comer is now Manager" in response.content.decode()
    assert Membership.objects.get(pk=membership.pk).approved_at is not None


def test_membership_waiting_page_hides_what_the_admin_added_themself(
    signed_in: Any, admin: User, newcomer: User
) -> None:
    membership = _grant(admin, newcomer)
    client = signed_in("system_administrator")
    assert "New Comer" not in client.get(reverse("agencies:memberships-waiting")).content.decode()
    response = client.post(reverse("agencies:membership-approve", args=[membership.pk]))
    assert response.status_code == 404


def test_membership_existing_grants_made_before_the_rule_stay_in_force(persona: Any) -> None:
    """Personas are made as memberships were before (no approval needed): they keep working."""
    worker = persona("social_worker")
    assert user_has_permission(user=worker.user, permission=Permission.VIEW_CHILD_DATA, agency=worker.agency)
    assert Membership.objects.filter(started_at__lte=timezone.now(), requires_approval=False).exists()
