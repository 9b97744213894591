"""Issue 15 end to end in a real browser: an administrator drafts an agreement between three agencies, each
nominated officer signs it with their second factor, it becomes active, the coverage check shows it covering
two parties and the gap for a fourth agency, the review reminder fires once time passes the review date,
and the PDF holds every ICO heading."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from goldenthread.agreements.content import ICO_HEADINGS
from goldenthread.agreements.lifecycle import Status
from goldenthread.agreements.models import AgreementVersion, CoverageGap
from goldenthread.notifications.models import Notification
from tests.functional.conftest import checked_page
from tests.functional.test_child_index_browser import _sign_in
from tests.support.agreements import terms
from tests.support.pdf import pdf_page_count
from tests.support.personas import client_signed_in, persona_make
from tests.support.worker import run_queue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_sideways_scroll(page: Any) -> None:
    page.set_viewport_size({"width": 320, "height": 900})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, page.url
    page.set_viewport_size({"width": 1200, "height": 900})


def _as(browser: Any, base: str, persona: Any) -> Any:
    """A page signed in as ``persona`` (password and second factor done, no code used up), so the
    signing step can ask for a fresh code at once."""
    client = client_signed_in(persona)
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base,
            }
        ]
    )
    page, _checks = checked_page(context.new_page())  # axe and 320 px on every page it loads
    page.set_default_timeout(15000)
    return page


def _officer_label(persona: Any, role: str) -> str:
    return f"{persona.agency.name}: {persona.user.get_full_name()} ({role})"


def test_browser_agreement_drafted_signed_by_three_checked_reminded_and_printed(
    live_server: Any, page: Any, browser: Any
) -> None:
    base = live_server.url
    admin = persona_make("system_administrator")
    officers = {
        "csc": (persona_make("ig_officer"), "Information governance officer"),
        "police": (persona_make("police_officer"), "Practitioner"),
        "health": (persona_make("health_visitor"), "Practitioner"),
    }
    fourth = persona_make("school_dsl")
    wording = terms()
    review = timezone.localdate() + dt.timedelta(days=200)

    # The administrator drafts it.
    _sign_in(page, base, admin)
    page.get_by_role("link", name="Agreements").first.click()
    _no_sideways_scroll(page)
    page.get_by_role("link", name="Draft an agreement").click()
    page.get_by_label("Tier").select_option(label="Overarching partnership agreement")
    page.get_by_label("Title").fill(wording.title)
    page.get_by_label("Purposes").select_option(["section_47", "mash_screening"])
    page.get_by_label("Categories of information").select_option(["identity_contact", "health"])
    page.get_by_label("Lawful bases and conditions").fill(wording.lawful_bases)
    page.get_by_label("Retention and disposal").fill(wording.retention)
    page.get_by_label("Data quality standard").fill(wording.data_quality)
    page.get_by_label("Complaints and breaches").fill(wording.complaints)
    page.get_by_label("Subject access arrangements").fill(wording.subject_access)
    page.get_by_label("Security arrangements").fill(wording.security)
    page.get_by_label("Next review date").fill(review.isoformat())
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url("**/edit/")
    for persona, role in officers.values():
        page.get_by_label("Party and its nominated officer").select_option(
            label=_officer_label(persona, role)
        )
        page.get_by_role("button", name="Add party").click()
        page.wait_for_url("**/edit/")
    parties = page.get_by_test_id("parties").inner_text()
    assert all(p.agency.name in parties for p, _ in officers.values())
    _no_sideways_scroll(page)
    page.get_by_role("button", name="Send to the parties to sign").click()
    assert page.get_by_test_id("agreement-status").inner_text() == "Awaiting signatures"
    version = AgreementVersion.objects.get()

    # Each nominated officer signs, entering their second factor again.
    for persona, _role in officers.values():
        signer = _as(browser, base, persona)
        signer.goto(base + reverse("agreements:detail", args=[version.agreement_id]))
        signer.get_by_role("link", name="Sign for your agency").click()
        _no_sideways_scroll(signer)
        signer.get_by_label("Security code").fill(persona.current_token())
        signer.get_by_role("button", name="Sign for my agency").click()
        signer.wait_for_url(base + reverse("agreements:detail", args=[version.agreement_id]))
        signer.context.close()
    page.reload()
    assert page.get_by_test_id("agreement-status").inner_text() == "Active"
    version.refresh_from_db()
    assert version.status == Status.ACTIVE

    # The coverage check: covered between two parties, a gap to the fourth agency (recorded, not a block).
    checker = _as(browser, base, officers["csc"][0])
    checker.goto(base + reverse("agreements:coverage"))
    csc, police = officers["csc"][0].agency, officers["police"][0].agency

    def check(receiving: str) -> str:
        checker.get_by_label("Sharing agency").select_option(label=csc.name)
        checker.get_by_label("Receiving agency").select_option(label=receiving)
        checker.get_by_label("Purpose").select_option("section_47")
        checker.get_by_label("Category of information").select_option("health")
        checker.get_by_role("button", name="Check").click()
        return str(checker.get_by_test_id("coverage").inner_text())

    assert "Covered by" in check(police.name) and wording.title in check(police.name)
    gap = check(fourth.agency.name)  # type: ignore[union-attr]
    assert "No information sharing agreement covers" in gap and "does not stop you sharing" in gap
    _no_sideways_scroll(checker)
    assert CoverageGap.objects.count() == 1
    checker.goto(base + reverse("agreements:register"))
    assert checker.get_by_test_id("gap-count").inner_text().endswith("1")

    # Time moves past the review date: the worker marks it review due and tells the officers once.
    later = timezone.make_aware(dt.datetime.combine(review + dt.timedelta(days=1), dt.time(9)))
    with mock.patch("django.utils.timezone.now", return_value=later):
        run_queue()
        run_queue()
    version.refresh_from_db()
    assert version.status == Status.REVIEW_DUE
    assert Notification.objects.filter(kind="agreement.review_due").count() == 3
    checker.goto(base + reverse("notifications:list"))
    assert "passed its review date" in checker.get_by_role("main").inner_text()

    # The readable document and its PDF.
    checker.goto(base + reverse("agreements:version", args=[version.agreement_id, 1]))
    text = checker.get_by_role("main").inner_text()
    assert all(heading in text for heading in ICO_HEADINGS)
    _no_sideways_scroll(checker)
    pdf = checker.request.get(base + reverse("agreements:version-pdf", args=[version.agreement_id, 1]))
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf_page_count(pdf.body()) >= 1
    checker.context.close()
