"""Accessibility in the browser: the guide by keyboard alone, the error pages, and the page checks themselves.

Every page these tests visit is also checked by axe-core and at 320 px wide (conftest.py), like every page
of every browser test.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from goldenthread.core.actor import Actor
from goldenthread.people.models import MatchReview
from goldenthread.sharing.actions import advice_request_create
from tests.functional.conftest import checked_page
from tests.integration.people_support import AMELIA, import_rows, record, row
from tests.support.personas import PASSWORD, client_signed_in, persona_make
from tests.support.sharing import decision_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The name a person hears for the focused control: its label, or its own text for a link or button.
FOCUSED_NAME = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return "";
  const label = e.labels && e.labels.length ? e.labels[0].innerText : e.innerText;
  return (label || e.value || "").trim();
}"""
MOST_TABS = 60


def _tab_to(page: Any, name: str) -> None:
    """Press Tab until the control named `name` has the focus; fail if MOST_TABS presses do not reach it."""
    seen = []
    for _ in range(MOST_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_NAME)
        if focused == name:
            return
        seen.append(focused)
    raise AssertionError(f"Tab never reached {name!r}; it went through {seen}")


def _enter(page: Any) -> None:
    """Press Enter on a link or a form and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _type_into(page: Any, label: str, text: str) -> None:
    _tab_to(page, label)
    page.keyboard.type(text)


def _choose(page: Any, label: str) -> None:
    """Pick a radio (arrow keys move within the group) or tick a checkbox (Space), then Continue (Enter)."""
    for _ in range(MOST_TABS):
        page.keyboard.press("Tab")
        kind = page.evaluate("() => document.activeElement.type")
        if kind in ("radio", "checkbox"):
            break
    else:
        raise AssertionError("Tab never reached the answers")
    for _ in range(20):
        if page.evaluate(FOCUSED_NAME) == label:
            break
        page.keyboard.press("ArrowDown" if kind == "radio" else "Tab")
    else:
        raise AssertionError(f"no answer {label!r}")
    if not page.evaluate("() => document.activeElement.checked"):
        page.keyboard.press("Space")
    _tab_to(page, "Continue")
    _enter(page)


def _sign_in_by_keyboard(page: Any, base: str, username: str, token: Any) -> None:
    page.goto(base + "/accounts/sign-in/")
    _type_into(page, "Username", username)
    _type_into(page, "Password", PASSWORD)
    _enter(page)
    page.wait_for_url("**/two-factor/verify/")
    _type_into(page, "Security code", token())
    _enter(page)
    page.wait_for_url(base + "/")


def test_browser_decision_guide_walked_by_keyboard_alone_reaches_the_recommendation(
    live_server: Any, page: Any
) -> None:
    worker = persona_make("social_worker")
    _sign_in_by_keyboard(page, live_server.url, "social_worker", worker.current_token)

    _tab_to(page, "Decision guide")
    _enter(page)
    page.wait_for_url("**/sharing/guide/")
    _tab_to(page, "Start now")
    _enter(page)
    _choose(page, "Yes: safeguarding")
    _type_into(page, "How old is the person the information is about?", "7")
    _enter(page)
    _choose(page, "They have not been assessed, or I am not sure")
    _choose(page, "Reasonable cause to suspect significant harm")
    _choose(page, "None of these")
    _choose(page, "No")  # no court order or statutory duty
    _choose(page, "Yes")  # identifies a living person
    _choose(page, "Yes")  # confidential
    _choose(page, "Consent not yet sought")  # the child
    _choose(page, "Consent not yet sought")  # the parent
    _choose(page, "Asking would create or increase the risk to the child")

    page.wait_for_url("**/guide/check/")
    _tab_to(page, "See the recommendation")
    _enter(page)
    page.wait_for_url("**/guide/recommendation/")
    assert page.get_by_test_id("outcome").inner_text() == "Share"
    assert "Refer without delay" in page.get_by_test_id("refer-without-delay").inner_text()


def test_browser_error_pages_are_the_services_own(live_server: Any, page: Any) -> None:
    worker = persona_make("social_worker")
    _sign_in_by_keyboard(page, live_server.url, "social_worker", worker.current_token)

    missing = page.goto(live_server.url + "/no-such-page/")
    assert missing is not None and missing.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
    assert page.get_by_role("link", name="Go to your home page").is_visible()

    # A button's address opened as a link: Django's bare 405 becomes the service's page.
    wrong_way = page.goto(live_server.url + reverse("web:switch-agency"))
    assert wrong_way is not None and wrong_way.status == 405
    assert page.get_by_role("heading", level=1).inner_text() == "This page cannot be used that way"
    assert page.get_by_test_id("acting-agency").is_visible()  # the service's header, signed in


def test_browser_card_and_review_with_long_words_do_not_scroll_sideways_at_320_px(
    live_server: Any, page: Any
) -> None:
    # Issue 12: the card and the review page scrolled sideways at 375 px. Long unbroken words (an email
    # address, an agency's record id, a service's name) are the worst case; the page check measures both
    # pages at 320 px, and axe checks them.
    officer = persona_make("ig_officer")
    long_email = "safeguarding.practitioner.duty.team@childrens-services.northshire-council.example"
    import_rows("health", [{**AMELIA, "practitioner_email": long_email}])
    unsure = row(
        local_id="CSC-2024-000000000000012345-CHILD-IN-NEED",
        date_of_birth="",
        nhs_number="",
        sex="",
        service="Children's social care multi-agency safeguarding hub (MASH)",
        practitioner_email=long_email,
    )
    import_rows("test-csc", [unsure])
    review = MatchReview.objects.get()
    _sign_in_by_keyboard(page, live_server.url, officer.user.username, officer.current_token)

    page.goto(live_server.url + reverse("people:review", args=[review.pk]))
    assert "CSC-2024-000000000000012345-CHILD-IN-NEED" in page.get_by_test_id("comparison").inner_text()
    page.goto(live_server.url + reverse("people:card", args=[record("health", "H-1").person_id]))
    page.get_by_label("Checking the accuracy of the child index", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    assert long_email in page.get_by_test_id("involvements").inner_text()


def _as(page: Any, base: str, persona: Any) -> None:
    """Carry a signed-in session (password and second factor done) into the browser."""
    page.context.clear_cookies()
    session = client_signed_in(persona).cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": base}])


def _menu_and_forms(page: Any, base: str, forms: list[str]) -> None:
    """Open every page of the role's menu, then send each form empty once to see its errors."""
    page.goto(base + "/")
    menu = page.locator("#navigation a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert menu
    for href in menu:
        assert page.goto(base + href).ok, href
    for path in forms:
        page.goto(base + path)
        page.locator("main form button[type=submit]").last.click()
        page.locator(".govuk-error-summary").wait_for()


def test_browser_every_menu_page_and_form_error_of_each_role_is_accessible(
    live_server: Any, page: Any
) -> None:
    base = live_server.url
    import_rows("test-csc", [AMELIA])
    worker, manager, officer = (
        persona_make("social_worker"),
        persona_make("manager"),
        persona_make("ig_officer"),
    )
    dsl, admin = persona_make("school_dsl"), persona_make("system_administrator")
    decision = decision_make(worker)
    advice = advice_request_create(
        agency=worker.agency,
        by=Actor.of(worker.user, worker.agency),
        adviser_role="ig_officer",
        question="May I share a 7-year-old's injuries with CSC without asking the parent?",
        anonymised=True,
    )

    _as(page, base, worker)
    _menu_and_forms(
        page,
        base,
        [reverse("sharing:advice-new"), reverse("accounts:password-change"), reverse("people:search")],
    )
    page.goto(base + reverse("sharing:decision", args=[decision.pk]))
    page.goto(base + reverse("sharing:advice", args=[advice.pk]))

    _as(page, base, manager)
    _menu_and_forms(page, base, [])
    page.goto(base + reverse("sharing:decision-endorse", args=[decision.pk]))
    assert page.get_by_role("button").last.is_visible()

    _as(page, base, officer)
    _menu_and_forms(page, base, [reverse("sharing:advice", args=[advice.pk]), reverse("people:import")])
    page.goto(base + reverse("audit:events") + "?object=person:1")

    _as(page, base, dsl)
    person = record("test-csc", "H-1").person_id
    _menu_and_forms(page, base, [reverse("people:break-glass", args=[person])])

    _as(page, base, admin)
    _menu_and_forms(page, base, [reverse("agencies:user-new"), reverse("agencies:agency-new")])
    page.goto(base + reverse("agencies:user", args=[worker.user.pk]))
    page.get_by_role("button", name="Add membership").click()
    page.locator(".govuk-error-summary").wait_for()


def test_browser_page_check_fails_on_an_image_without_a_text_alternative(
    live_server: Any, browser: Any
) -> None:
    context = browser.new_context()
    try:
        page, checks = checked_page(context.new_page())
        page.goto(live_server.url + "/accounts/sign-in/")
        page.get_by_label("Username").wait_for()  # the sign-in page itself is clean
        page.evaluate(
            "document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/x.png\">')"
        )
        with pytest.raises(AssertionError, match=r"axe image-alt"):
            checks.check_now()
    finally:
        context.close()


def test_browser_page_check_fails_on_a_page_wider_than_320_px(live_server: Any, browser: Any) -> None:
    context = browser.new_context()
    try:
        page, checks = checked_page(context.new_page())
        page.goto(live_server.url + "/accounts/sign-in/")
        page.get_by_label("Username").wait_for()
        page.evaluate(
            "document.querySelector('main').insertAdjacentHTML('beforeend', '<pre>' + 'x'.repeat(80))"
        )
        with pytest.raises(AssertionError, match=r"reflow: \d+ px wide at 320 px"):
            checks.check_now()
    finally:
        context.close()
