"""Memberships: who may act for which agency, in which role."""

from __future__ import annotations

from typing import Any

import pytest

from goldenthread.agencies.actions import MembershipError, membership_create
from goldenthread.core.actor import Actor

pytestmark = pytest.mark.django_db


def test_membership_create_for_own_account_is_refused(persona: Any) -> None:
    admin = persona("system_administrator")
    with pytest.raises(MembershipError, match="your own account"):
        membership_create(user=admin.user, agency=admin.agency, role="ig_officer", by=Actor.of(admin.user))
    assert admin.user.memberships.count() == 1
