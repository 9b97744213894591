"""`goldenthread first-admin`: the first system administrator of a new installation, from the command line."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from goldenthread.accounts.models import User
from goldenthread.agencies.actions import membership_end
from goldenthread.agencies.models import Agency, Membership
from goldenthread.agencies.permissions import Role
from goldenthread.audit.models import AuditEvent
from goldenthread.cli import main
from goldenthread.core.actor import Actor

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "plum-orchard-lantern-47"
ARGS = {
    "agency_code": "northshire-cc",
    "agency_name": "Northshire County Council",
    "agency_kind": "childrens_social_care",
    "username": "ada.admin",
    "email": "ada@example.org",
    "first_name": "Ada",
    "last_name": "Admin",
    "base_url": "https://goldenthread.example.org",
}


def _first_admin(**overrides: str) -> str:
    out = io.StringIO()
    call_command("first_admin", stdout=out, **{**ARGS, **overrides})
    return out.getvalue()


def _link(printed: str) -> str:
    found = re.search(r"https://goldenthread\.example\.org(/accounts/set-up/\S+/)", printed)
    assert found is not None
    return found.group(1)


def _saved() -> tuple[int, int, int, int]:
    models = (Agency, User, Membership, AuditEvent)
    counts = tuple(model.objects.count() for model in models)  # type: ignore[attr-defined]
    return counts  # type: ignore[return-value]


def test_first_admin_creates_administrator_whose_link_sets_the_password() -> None:
    printed = _first_admin()

    user = User.objects.get(username="ada.admin")
    membership = Membership.objects.get(user=user)
    assert membership.role == Role.SYSTEM_ADMINISTRATOR
    assert membership.agency.code == "northshire-cc"
    assert not user.has_usable_password()
    response = Client().post(_link(printed), {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"agency.created", "user.created", "membership.created"} <= actions


def test_first_admin_uses_an_existing_agency_without_its_name() -> None:
    Agency.objects.create(code="northshire-cc", name="Northshire CC", kind="childrens_social_care")
    _first_admin(agency_name="", agency_kind="")
    assert Membership.objects.get(user__username="ada.admin").agency.name == "Northshire CC"
    assert Agency.objects.count() == 1


def test_first_admin_refuses_when_an_administrator_exists() -> None:
    _first_admin()
    before = _saved()
    with pytest.raises(CommandError, match="already has a system administrator"):
        _first_admin(username="second.admin", email="second@example.org")
    assert _saved() == before


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email": "not an address"}, "email"),
        ({"agency_code": "Bad Code!"}, "agency code"),
        ({"agency_kind": "bakery"}, "agency kind"),
        ({"agency_name": ""}, "--agency-name"),
        ({"base_url": "goldenthread.example.org"}, "--base-url"),
        ({"email": ""}, "--email is required"),
    ],
)
def test_first_admin_bad_input_names_the_problem_and_saves_nothing(
    overrides: dict[str, str], message: str
) -> None:
    before = _saved()
    with pytest.raises(CommandError, match=message):
        _first_admin(**overrides)
    assert _saved() == before


def test_first_admin_existing_username_is_refused_and_nothing_saved() -> None:
    User.objects.create(username="ada.admin")
    before = _saved()
    with pytest.raises(CommandError, match="username"):
        _first_admin()
    assert _saved() == before


def test_first_admin_verb_of_the_goldenthread_command(capsys: pytest.CaptureFixture[str]) -> None:
    argv = [f"--{key.replace('_', '-')}={value}" for key, value in ARGS.items()]
    assert main(["first-admin", *argv]) == 0
    # (Django closes the database connection after a command run this way, so the output is the evidence.)
    printed = capsys.readouterr().out
    assert "ada.admin is a system administrator of northshire-cc" in printed
    assert "/accounts/set-up/" in printed


def test_first_admin_after_administrator_left_needs_a_recovery_reason() -> None:
    _first_admin()
    membership_end(
        membership=Membership.objects.get(user__username="ada.admin"),
        by=Actor.system(),
        reason="left",
    )
    before = _saved()
    with pytest.raises(CommandError, match="--recover"):
        _first_admin(username="bea.admin", email="bea@example.org", agency_name="", agency_kind="")
    assert _saved() == before

    _first_admin(
        username="bea.admin", email="bea@example.org", agency_name="", agency_kind="", recover="Ada left"
    )

    event = AuditEvent.objects.get(action="user.administrator_recovered")
    assert event.details["reason"] == "Ada left"
    assert Membership.objects.active().filter(user__username="bea.admin").exists()


def test_first_admin_closed_agency_refused_and_nothing_saved() -> None:
    Agency.objects.create(
        code="northshire-cc", name="Northshire CC", kind="childrens_social_care", is_active=False
    )
    before = _saved()
    with pytest.raises(CommandError, match="closed"):
        _first_admin(agency_name="", agency_kind="")
    assert _saved() == before


def test_first_admin_existing_agency_with_other_name_refused() -> None:
    Agency.objects.create(code="northshire-cc", name="Northshire CC", kind="childrens_social_care")
    before = _saved()
    with pytest.raises(CommandError, match="already exists as 'Northshire CC'"):
        _first_admin()
    assert _saved() == before


def test_first_admin_plain_http_refused_in_production(settings: Any) -> None:
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="https://"):
        _first_admin(base_url="http://goldenthread.example.org")
    assert not User.objects.exists()


def test_first_admin_reissue_gives_a_new_working_link_until_a_password_is_chosen() -> None:
    _first_admin()
    reissued = _first_admin(reissue="1", agency_code="", email="")
    assert AuditEvent.objects.filter(action="user.setup_link_reissued").count() == 1
    response = Client().post(_link(reissued), {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    with pytest.raises(CommandError, match="already chosen a password"):
        _first_admin(reissue="1")


def test_first_admin_reissue_for_someone_not_an_administrator_refused() -> None:
    User.objects.create(username="ada.admin")
    with pytest.raises(CommandError, match="not an active system administrator"):
        _first_admin(reissue="1")
