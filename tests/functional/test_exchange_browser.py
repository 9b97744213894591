"""The exchange in a real browser: a red request from the MASH to a school and to health, a partial share,
the disclosure on the child's card, an overdue school escalated to its safeguarding lead, a difference of
opinion resolved; and the police asking the local authority for its material under the protocol."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from goldenthread.exchange.defaults import defaults_ensure
from goldenthread.exchange.models import Disclosure, Escalation, InformationRequest, RequestRecipient
from goldenthread.notifications.models import Notification
from tests.functional.conftest import checked_page
from tests.support.exchange import child_make, decline_decision, share_decision
from tests.support.personas import PASSWORD, Persona, persona_make
from tests.support.worker import run_queue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(os.environ.get("GOLDENTHREAD_SCREENSHOTS", "var/screenshots"))
LONDON = ZoneInfo("Europe/London")


def _sign_in(browser: Any, live_server: Any, persona: Persona) -> Any:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page, _checks = checked_page(context.new_page())  # axe and 320 px on every page it loads
    page.set_default_timeout(15000)
    page.goto(live_server.url + "/accounts/sign-in/")
    page.get_by_label("Username").fill(persona.user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/two-factor/verify/")
    page.get_by_label("Security code").fill(persona.current_token())
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(live_server.url + "/")
    return page


def _fits_320(page: Any, within: str = "") -> None:
    """At 320 px nothing scrolls sideways: the whole page, or (on the card, whose other sections are not
    this app's) the exchange's own section."""
    page.set_viewport_size({"width": 320, "height": 900})
    if within:
        box = page.get_by_test_id(within).bounding_box()
        assert box is not None and box["x"] + box["width"] <= 320
    else:
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.set_viewport_size({"width": 1200, "height": 900})


def _open_card(page: Any, live_server: Any, child: Any) -> None:
    page.goto(f"{live_server.url}/children/{child.pk}/")
    if "/purpose/" in page.url:  # asked once a session for each child
        page.locator("input[type=radio][name=purpose]").first.check()
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url(f"**/children/{child.pk}/")


def _shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"exchange-{name}.png"), full_page=True)


def test_browser_exchange_red_request_partial_share_escalation_and_difference_of_opinion(
    live_server: Any, browser: Any, settings: Any
) -> None:
    # The clock moves forward a day below; sessions (whose database expiry reads that clock) outlive it.
    settings.SESSION_COOKIE_AGE = 14 * 24 * 3600
    defaults_ensure()
    mash, school, health = (
        persona_make("social_worker"),
        persona_make("school_dsl"),
        persona_make("health_visitor"),
    )
    manager = persona_make("manager")
    child = child_make("Maisie", "Ward")
    # Tuesday 10:00: the red request is due at 14:00 (four working hours).
    sent_at = datetime(2026, 3, 3, 10, 0, tzinfo=LONDON)
    with mock.patch("django.utils.timezone.now", return_value=sent_at):
        page = _sign_in(browser, live_server, mash)
        _open_card(page, live_server, child)
        page.get_by_test_id("card-ask-agency").click()
        page.get_by_label("General safeguarding request (usually amber)").check()
        page.get_by_role("button", name="Continue").click()
        page.get_by_label("Test test-school", exact=True).check()
        page.get_by_label("Test test-health", exact=True).check()
        page.get_by_label("Purpose of the request").fill("MASH screening of a referral about bruising")
        page.get_by_label("What you need, and why").fill(
            "Any injuries or concerns seen in the last six months"
        )
        page.get_by_label("Lawful basis you rely on").fill("Children Act 1989 s47")
        page.get_by_label("Red: 4 working hours").check()
        _fits_320(page)
        _shot(page, "request-new")
        page.get_by_role("button", name="Send request").click()
        page.wait_for_url("**/exchange/requests/*/")
        request = InformationRequest.objects.get()
        assert "3 Mar 2026 14:00" in page.get_by_test_id("request-deadline").inner_text()

    # Health acknowledges and shares part: the second item withheld, with the reason.
    health_decision = share_decision(health, child)
    with mock.patch("django.utils.timezone.now", return_value=datetime(2026, 3, 3, 11, 0, tzinfo=LONDON)):
        hpage = _sign_in(browser, live_server, health)
        hpage.get_by_role("link", name=f"Acknowledge red request {request.pk} from Test test-csc").click()
        hpage.get_by_test_id("acknowledge").click()
        assert "Acknowledged" in hpage.get_by_test_id("recipient-status").inner_text()
        hpage.get_by_test_id("answer").click()
        hpage.get_by_role("link", name=f"Answer with decision {health_decision.pk}").click()
        hpage.get_by_label("Share part").check()
        first, second = list(health_decision.items.order_by("position"))
        hpage.get_by_label("Source of item 1").fill("Health visiting records")
        hpage.locator(f"input[name=include_{second.pk}][value=no]").check()
        hpage.get_by_label("Reason item 2 is withheld (if withheld)").fill(
            "It is the practitioner's opinion only"
        )
        hpage.get_by_label("Lawful basis for sharing").fill("UK GDPR 6(1)(e) and 9(2)(g)")
        hpage.get_by_label("No", exact=True).check()
        hpage.get_by_label("Why the subject was not told").fill(
            "Telling the family now would increase the risk"
        )
        _shot(hpage, "answer")
        hpage.get_by_role("button", name="Send answer").click()
        hpage.wait_for_url(f"**/exchange/requests/{request.pk}/")
        assert "Answered: share part" in hpage.get_by_test_id("recipient-status").inner_text()
    disclosure = Disclosure.objects.get()
    assert [i.decision_item_id for i in disclosure.items.all()] == [first.pk]

    # The MASH sees the disclosure on the child's card, with its origin and the withheld item's reason.
    with mock.patch("django.utils.timezone.now", return_value=datetime(2026, 3, 3, 11, 30, tzinfo=LONDON)):
        _open_card(page, live_server, child)
        received = page.get_by_test_id("card-information-received").inner_text()
        assert "From Test test-health" in received and first.description in received
        assert second.description not in received and "It is the practitioner's opinion only" in received
        _fits_320(page, within="card-information-received")
        _shot(page, "card-information-received")

    # The school lets it go overdue; with the clock at Wednesday 10:30 the worker raises every missed rung,
    # reaching the school's designated safeguarding lead.
    with mock.patch("django.utils.timezone.now", return_value=datetime(2026, 3, 4, 10, 30, tzinfo=LONDON)):
        run_queue()
        school_row = RequestRecipient.objects.get(request=request, agency=school.agency)
        assert list(Escalation.objects.filter(recipient=school_row).values_list("target", flat=True)) == [
            "assigned",
            "manager",
            "dsl",
        ]
        assert Notification.objects.filter(recipient=school.user, kind="exchange.escalation").count() == 2
        spage = _sign_in(browser, live_server, school)
        assert "Overdue" in spage.locator(".govuk-task-list").inner_text()
        decline = decline_decision(school, child)
        spage.get_by_role("link", name=f"Acknowledge red request {request.pk}", exact=False).first.click()
        assert "Step 3" in spage.get_by_test_id("escalations").inner_text()
        spage.get_by_test_id("answer").click()
        spage.get_by_role("link", name=f"Answer with decision {decline.pk}").click()
        spage.get_by_label("Decline", exact=True).check()
        spage.get_by_label("Reasons for declining (if you decline)").fill("No concerns at school to share")
        spage.get_by_role("button", name="Send answer").click()
        spage.wait_for_url(f"**/exchange/requests/{request.pk}/")
        assert "Declined" in spage.get_by_test_id("recipient-status").inner_text()

        # The MASH disagrees with the decline; the CSC manager resolves it.
        page.goto(f"{live_server.url}/exchange/requests/{request.pk}/")
        page.get_by_test_id("dispute").click()
        page.get_by_label("Why you disagree with the decline").fill("The school saw the bruising on 3 March")
        page.get_by_role("button", name="Raise a difference of opinion").click()
        page.wait_for_url(f"**/exchange/requests/{request.pk}/")
        mpage = _sign_in(browser, live_server, manager)
        mpage.goto(f"{live_server.url}/exchange/requests/{request.pk}/")
        mpage.get_by_label("How the difference was resolved").fill(
            "Discussed with the head: the school will share"
        )
        mpage.get_by_test_id("resolve").click()
        status = mpage.get_by_test_id("difference-status").inner_text()
        assert "Resolved" in status and "Manager Tester" in status
        _fits_320(mpage)
        _shot(mpage, "difference-resolved")


def test_browser_exchange_police_request_for_local_authority_material(live_server: Any, browser: Any) -> None:
    defaults_ensure()
    police, csc = persona_make("police_officer"), persona_make("social_worker")
    child = child_make("Jayden", "Cole")
    ppage = _sign_in(browser, live_server, police)
    _open_card(ppage, live_server, child)
    ppage.get_by_test_id("card-ask-agency").click()
    ppage.get_by_label(
        "Police request for local-authority material for a criminal investigation (usually amber)"
    ).check()
    ppage.get_by_role("button", name="Continue").click()
    ppage.get_by_label("Test test-csc", exact=True).check()
    ppage.get_by_label("Purpose of the request").fill("Criminal investigation into an assault on the child")
    ppage.get_by_label("What you need, and why").fill(
        "Records of disclosures the child made to social workers"
    )
    ppage.get_by_label("Lawful basis you rely on").fill(
        "Crime and Disorder Act 1998 s115; DPA 2018 Sch 2 para 2"
    )
    ppage.get_by_role("button", name="Send request").click()
    # The protocol's own fields are required.
    assert "Enter the crime reference number" in ppage.locator(".govuk-error-summary").inner_text()
    ppage.get_by_label("Crime reference number").fill("NS/4471/26")
    ppage.get_by_label("Offence under investigation").fill("Assault occasioning actual bodily harm")
    ppage.get_by_label("Material sought").fill("Case notes January to March 2026")
    ppage.get_by_role("button", name="Send request").click()
    ppage.wait_for_url("**/exchange/requests/*/")
    request = InformationRequest.objects.get()
    assert request.priority.code == "amber" and request.details["crime_reference"] == "NS/4471/26"
    assert "NS/4471/26" in ppage.get_by_test_id("request-summary").inner_text()

    decision = share_decision(csc, child)
    cpage = _sign_in(browser, live_server, csc)
    cpage.goto(f"{live_server.url}/exchange/")
    cpage.get_by_role("link", name=f"Amber request {request.pk}").click()
    cpage.get_by_test_id("answer").click()
    cpage.get_by_role("link", name=f"Answer with decision {decision.pk}").click()
    cpage.get_by_label("Share all").check()
    cpage.get_by_label("Source of item 1").fill("Social work case notes")
    cpage.get_by_label("Source of item 2").fill("Social work case notes")
    cpage.get_by_label("Lawful basis for sharing").fill("Crime and Disorder Act 1998 s115")
    cpage.get_by_label("Yes", exact=True).check()
    cpage.get_by_label("Date the subject was told").fill("2026-03-02")
    cpage.get_by_role("button", name="Send answer").click()
    cpage.wait_for_url(f"**/exchange/requests/{request.pk}/")

    ppage.goto(f"{live_server.url}/exchange/requests/{request.pk}/")
    ppage.get_by_role("link", name=f"Disclosure {Disclosure.objects.get().pk}", exact=True).click()
    items = ppage.get_by_test_id("disclosure-items").inner_text()
    assert "Bruises seen on both upper arms" in items and "Social work case notes" in items
    ppage.get_by_test_id("acknowledge-receipt").click()
    assert "Acknowledged" in ppage.get_by_test_id("receipt").inner_text()
    _fits_320(ppage)
    _shot(ppage, "police-disclosure")
