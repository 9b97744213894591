from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from goldenthread.audit.models import AuditEvent
from tests.support.personas import PASSWORD, persona_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(os.environ.get("GOLDENTHREAD_SCREENSHOTS", "var/screenshots"))


def _code_from_key(spaced_base32: str) -> str:
    raw = spaced_base32.replace(" ", "")
    key = base64.b32decode(raw + "=" * (-len(raw) % 8))
    return f"{totp(key):06d}"


def test_browser_sign_in_with_second_factor_lands_on_home(live_server: Any, page: Any) -> None:
    person = persona_make("social_worker", enrolled=False)
    TOTPDevice.objects.filter(user=person.user).delete()

    page.goto(live_server.url + "/")
    assert page.title().startswith("Sign in")
    page.get_by_label("Username").fill("social_worker")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()

    page.wait_for_url("**/two-factor/set-up/")
    assert page.locator(".gt-qr svg").is_visible()
    secret = page.get_by_test_id("totp-secret").inner_text()
    page.get_by_label("Security code").fill(_code_from_key(secret))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "two-factor-set-up.png"), full_page=True)
    page.get_by_role("button", name="Continue").click()

    page.wait_for_url(live_server.url + "/")
    assert page.get_by_role("heading", name="Your tasks").is_visible()
    assert page.get_by_test_id("acting-agency").inner_text() == person.agency.name
    page.screenshot(path=str(SCREENSHOTS / "home.png"), full_page=True)
    assert AuditEvent.objects.filter(action="auth.signed_in", actor_username="social_worker").exists()

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/sign-in/")
    assert page.get_by_text("You have signed out").is_visible()


def test_browser_sign_in_wrong_password_shows_error_summary(live_server: Any, page: Any) -> None:
    persona_make("police_officer")
    page.goto(live_server.url + "/accounts/sign-in/")
    page.get_by_label("Username").fill("police_officer")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "The username or password is not right" in summary.inner_text()
    assert page.title().startswith("Error: Sign in")
