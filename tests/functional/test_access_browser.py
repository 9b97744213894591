"""The partnership can read its own trail: a children's social care IG officer sees every agency that looked
at a child her agency works with, a break-glass by another agency among them, and its alert."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django_otp.oath import totp

from tests.functional.test_child_index_browser import _sign_in
from tests.integration.people_support import AMELIA, import_rows, record, row
from tests.support.personas import client_signed_in, persona_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(os.environ.get("GOLDENTHREAD_SCREENSHOTS", "var/screenshots"))
REASON = "Missing overnight, police need to know which agencies have acted"


def _code(persona: Any) -> str:
    device = persona.device
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def _no_sideways_scroll(page: Any) -> None:
    page.set_viewport_size({"width": 320, "height": 900})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.set_viewport_size({"width": 1200, "height": 900})


def test_browser_ig_officer_sees_every_agency_that_viewed_including_a_break_glass(
    live_server: Any, page: Any
) -> None:
    import_rows("health", [AMELIA])
    import_rows("test-csc", [row(local_id="CSC-1", service="Assessment team")])
    child = record("health", "H-1").person_id
    police, dsl, officer = (
        persona_make("police_officer"),
        persona_make("school_dsl"),
        persona_make("ig_officer"),
    )
    for who in (police, dsl):
        client = client_signed_in(who)
        client.post(reverse("people:purpose", args=[child]), {"purpose": "mash_screening"}, follow=True)
    breaking = client_signed_in(dsl).post(
        reverse("people:break-glass", args=[child]), {"reason": REASON, "token": _code(dsl)}
    )
    assert breaking.status_code == 302
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    _sign_in(page, live_server.url, officer)
    assert "Review 1 unusual access" in page.get_by_role("main").inner_text()
    page.get_by_role("link", name="Unusual access").first.click()
    alerts = page.get_by_test_id("access-alerts").inner_text()
    assert "Break-glass access" in alerts and "Test test-school" in alerts
    page.get_by_test_id("access-alerts").get_by_role("link").first.click()
    assert page.get_by_test_id("break-glass-reason").inner_text() == REASON
    _no_sideways_scroll(page)

    page.goto(live_server.url + reverse("people:card", args=[child]))
    page.get_by_label("MASH screening of a referral", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_test_id("card-access").click()
    timeline = page.get_by_test_id("access-timeline").inner_text()
    for agency in (police.agency, dsl.agency, officer.agency):
        assert agency is not None and agency.name in timeline
    assert "Break-glass: opened every agency's decisions" in timeline
    assert REASON in timeline
    page.screenshot(path=str(SCREENSHOTS / "access-timeline.png"), full_page=True)
    _no_sideways_scroll(page)
