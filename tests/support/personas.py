"""Factories for the people the tests act as. Each persona is a real user with a real TOTP device."""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from goldenthread.accounts.models import User
from goldenthread.accounts.session_policy import AGENCY_ID, LAST_SEEN_AT, SIGNED_IN_AT
from goldenthread.agencies.models import Agency, AgencyKind, Membership
from goldenthread.agencies.permissions import Role

PASSWORD = "correct-horse-battery-staple-42"

# name: (agency code, agency kind, role); None means no membership at all.
PERSONAS: dict[str, tuple[str, str, str] | None] = {
    "police_officer": ("test-police", AgencyKind.POLICE, Role.PRACTITIONER),
    "school_dsl": ("test-school", AgencyKind.SCHOOL, Role.DSL),
    "health_visitor": ("test-health", AgencyKind.HEALTH_TRUST, Role.PRACTITIONER),
    "social_worker": ("test-csc", AgencyKind.CHILDRENS_SOCIAL_CARE, Role.PRACTITIONER),
    "manager": ("test-csc", AgencyKind.CHILDRENS_SOCIAL_CARE, Role.MANAGER),
    "ig_officer": ("test-csc", AgencyKind.CHILDRENS_SOCIAL_CARE, Role.IG_OFFICER),
    "board_analyst": ("test-partnership", AgencyKind.OTHER, Role.BOARD_ANALYST),
    "system_administrator": ("test-partnership", AgencyKind.OTHER, Role.SYSTEM_ADMINISTRATOR),
    "outsider": None,
}


@dataclass
class Persona:
    name: str
    user: User
    agency: Agency | None
    device: TOTPDevice

    def current_token(self) -> str:
        return f"{totp(self.device.bin_key, step=self.device.step, digits=self.device.digits):06d}"


def agency_get_or_make(code: str, kind: str) -> Agency:
    agency, _ = Agency.objects.get_or_create(code=code, defaults={"name": f"Test {code}", "kind": kind})
    return agency


@functools.cache
def _password_hash() -> str:
    # One real Argon2 hash shared by every persona: sign-in still verifies Argon2, tests stay fast.
    return make_password(PASSWORD)


def persona_make(name: str, *, enrolled: bool = True) -> Persona:
    spec = PERSONAS[name]
    user = User.objects.create(
        username=name,
        password=_password_hash(),
        first_name=name.replace("_", " ").title(),
        last_name="Tester",
        email=f"{name}@test.example",
    )
    agency = None
    if spec is not None:
        code, kind, role = spec
        agency = agency_get_or_make(code, kind)
        Membership.objects.create(user=user, agency=agency, role=role, started_at=timezone.now())
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=enrolled)
    return Persona(name=name, user=user, agency=agency, device=device)


def client_signed_in(persona: Persona, client: Client | None = None) -> Client:
    """A client holding a fully signed-in session: password and second factor done."""
    client = client or Client()
    client.force_login(persona.user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    now = time.time()
    session[SIGNED_IN_AT] = now
    session[LAST_SEEN_AT] = now
    session[AGENCY_ID] = persona.agency.pk if persona.agency else None
    session["otp_device_id"] = persona.device.persistent_id
    session.save()
    return client


def persona_in(name: str, *, code: str, kind: str, role: str, enrolled: bool = True) -> Persona:
    """A persona outside the fixed table: ``name`` holding ``role`` in the agency ``code`` (made if new)."""
    user = User.objects.create(
        username=name,
        password=_password_hash(),
        first_name=name.replace("_", " ").title(),
        last_name="Tester",
        email=f"{name}@test.example",
    )
    agency = agency_get_or_make(code, kind)
    Membership.objects.create(user=user, agency=agency, role=role, started_at=timezone.now())
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=enrolled)
    return Persona(name=name, user=user, agency=agency, device=device)
