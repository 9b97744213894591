from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest

from goldenthread.audit.models import AuditEvent
from goldenthread.people.models import Person
from goldenthread.sharing.models import Decision
from tests.support.personas import PASSWORD, persona_make
from tests.support.sharing import decision_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(os.environ.get("GOLDENTHREAD_SCREENSHOTS", "var/screenshots"))


def _choose(page: Any, label: str) -> None:
    page.get_by_label(label, exact=True).check()
    page.get_by_role("button", name="Continue").click()


def test_browser_decision_guide_bruised_child_records_share_decision(live_server: Any, page: Any) -> None:
    worker = persona_make("social_worker")
    page.goto(live_server.url + "/accounts/sign-in/")
    page.get_by_label("Username").fill("social_worker")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/two-factor/verify/")
    page.get_by_label("Security code").fill(worker.current_token())
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(live_server.url + "/")

    # A 7-year-old with unexplained bruising; asking the parent would increase the risk.
    page.get_by_role("link", name="Decision guide").click()
    # decode() waits until the SVG has loaded and fails if it cannot be drawn.
    width = page.locator("[data-testid=flowchart]").evaluate(
        "img => img.decode().then(() => img.naturalWidth)"
    )
    assert width > 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "decision-guide-start.png"), full_page=True)
    page.get_by_role("button", name="Start now").click()
    _choose(page, "Yes: safeguarding")
    page.get_by_label("How old is the person the information is about?").fill("7")
    page.get_by_role("button", name="Continue").click()
    _choose(page, "They have not been assessed, or I am not sure")
    page.screenshot(path=str(SCREENSHOTS / "decision-guide-question.png"), full_page=True)
    _choose(page, "Reasonable cause to suspect significant harm")
    _choose(page, "None of these")
    page.get_by_role("link", name="Back").click()  # back links work, and keep the answer
    assert page.get_by_label("None of these", exact=True).is_checked()
    page.get_by_role("button", name="Continue").click()
    _choose(page, "No")  # no court order or statutory duty
    _choose(page, "Yes")  # identifies a living person
    _choose(page, "Yes")  # confidential
    _choose(page, "Consent not yet sought")  # the child
    _choose(page, "Consent not yet sought")  # the parent
    _choose(page, "Asking would create or increase the risk to the child")

    page.wait_for_url("**/guide/check/")
    assert page.get_by_role("heading", name="Check your answers").is_visible()
    page.screenshot(path=str(SCREENSHOTS / "decision-guide-check.png"), full_page=True)
    page.get_by_role("link", name="See the recommendation").click()
    page.wait_for_url("**/guide/recommendation/")
    assert page.get_by_test_id("outcome").inner_text() == "Share"
    assert "Refer without delay" in page.get_by_test_id("refer-without-delay").inner_text()
    assert "england-2024" in page.get_by_test_id("pack").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "decision-recommendation.png"), full_page=True)

    page.get_by_role("link", name="Record your decision").click()
    page.get_by_label("What is the purpose of sharing (or of not sharing)?").fill(
        "Refer to children's social care under child protection procedures"
    )
    page.get_by_label("Who will receive the information?").fill("Test CSC, duty social worker")
    page.get_by_label("Item 1", exact=True).fill("Bruises seen on both upper arms on 3 March")
    page.locator("input[name=item_1_kind][value=fact]").check()
    page.get_by_label("Item 2", exact=True).fill("The explanation given did not fit the injuries")
    page.locator("input[name=item_2_kind][value=opinion]").check()
    page.get_by_label("Consent not sought, for example because asking would increase the risk").check()
    page.get_by_label("Your reasons for sharing without consent, or for not sharing").fill(
        "Asking the parent would increase the risk to the child"
    )
    page.get_by_label("The risks of sharing weighed against the risks of not sharing").fill(
        "Not sharing leaves the child at risk of further harm"
    )
    page.get_by_role("button", name="Record decision").click()

    page.wait_for_url("**/sharing/decisions/*/")
    decision = Decision.objects.get()
    assert page.get_by_test_id("decision").inner_text() == "Share"
    items = page.get_by_test_id("items").inner_text()
    assert "Bruises seen on both upper arms" in items and "Fact" in items and "Opinion" in items
    # The guide said refer without delay: an emergency share, endorsed afterwards, never "do not share yet".
    assert "Shared in an emergency" in page.get_by_test_id("endorsement").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "decision-detail.png"), full_page=True)
    assert decision.decision == "share" and decision.recommended_outcome == "share"
    assert AuditEvent.objects.filter(action="decision.recorded", object_id=str(decision.pk)).exists()
    assert AuditEvent.objects.filter(action="decision.viewed", object_id=str(decision.pk)).exists()


def test_browser_card_lists_its_decisions_and_starts_the_guide_for_its_child(
    live_server: Any, page: Any
) -> None:
    worker = persona_make("social_worker")
    child = Person.objects.create(given_name="Leo", family_name="Marsh")
    earlier = decision_make(worker, person=child)
    page.goto(live_server.url + "/accounts/sign-in/")
    page.get_by_label("Username").fill("social_worker")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/two-factor/verify/")
    page.get_by_label("Security code").fill(worker.current_token())
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(live_server.url + "/")

    page.goto(f"{live_server.url}/children/{child.pk}/")
    page.get_by_label("Child in need assessment (section 17)", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    decisions = page.get_by_test_id("card-decisions")
    assert f"Decision {earlier.pk}" in decisions.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "card-decisions.png"), full_page=True)

    decisions.get_by_role("link", name=f"Decision {earlier.pk}").click()
    page.wait_for_url(f"**/sharing/decisions/{earlier.pk}/")
    assert page.get_by_test_id("decision-child").inner_text() == "Leo Marsh"
    page.get_by_test_id("decision-child").get_by_role("link", name="Leo Marsh").click()
    page.wait_for_url(f"**/children/{child.pk}/")

    page.get_by_test_id("card-decision-guide").click()
    page.wait_for_url("**/sharing/guide/?child=*")
    assert page.get_by_test_id("guide-child").inner_text() == "Leo Marsh"
    page.get_by_role("button", name="Start now").click()
    page.wait_for_url("**/guide/questions/*/")
    page.goto(live_server.url + "/sharing/guide/check/")
    assert page.get_by_test_id("guide-child").inner_text() == "Leo Marsh"


def _sign_in(page: Any, live_server: Any, name: str) -> Any:
    person = persona_make(name)
    page.goto(live_server.url + "/accounts/sign-in/")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/two-factor/verify/")
    page.get_by_label("Security code").fill(person.current_token())
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(live_server.url + "/")
    return person


def _fits_320(page: Any) -> None:
    """The page works at 320 CSS px: nothing scrolls sideways."""
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, page.url
    page.set_viewport_size({"width": 1280, "height": 800})


def test_browser_guide_from_two_year_olds_card_reaches_recommendation_with_pack(
    live_server: Any, page: Any
) -> None:
    _sign_in(page, live_server, "health_visitor")
    today = dt.date.today()
    born = (
        dt.date(today.year - 2, 1, 1) if (today.month, today.day) < (3, 1) else dt.date(today.year - 2, 2, 1)
    )
    child = Person.objects.create(
        given_name="Maisie", family_name="Holt", date_of_birth=born, dob_precision="day"
    )

    page.goto(f"{live_server.url}/children/{child.pk}/")
    page.get_by_label("Child in need assessment (section 17)", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_test_id("card-decision-guide").click()
    page.wait_for_url("**/sharing/guide/?child=*")
    assert page.get_by_test_id("guide-child").inner_text() == "Maisie Holt"
    assert page.get_by_test_id("guide-age").inner_text() == "2"
    page.get_by_role("button", name="Start now").click()

    # Every question page names the child and links back to the card; none asks the age or whether a
    # two-year-old can decide for themselves.
    asked = []
    for label in (
        "Yes: safeguarding",
        "Reasonable cause to suspect significant harm",
        "None of these",
        "No",  # no court order or statutory duty
        "Yes",  # identifies a living person
        "Yes",  # confidential
        "Consent not yet sought",  # the parent
        "Asking would create or increase the risk to the child",
    ):
        page.wait_for_url("**/guide/questions/*/")
        asked.append(page.url.rstrip("/").rsplit("/", 1)[-1])
        assert page.get_by_test_id("guide-child").inner_text() == "Maisie Holt"
        assert page.get_by_test_id("back-to-card").get_attribute("href") == f"/children/{child.pk}/"
        _fits_320(page)
        _choose(page, label)
    assert not {"age", "who", "competence", "consent-child"} & set(asked)

    page.wait_for_url("**/guide/check/")
    given = page.get_by_test_id("given-answers").inner_text()
    assert "From the child index: born" in given and "too young to be assessed" in given
    _fits_320(page)
    page.screenshot(path=str(SCREENSHOTS / "guide-from-card-check.png"), full_page=True)
    page.get_by_role("link", name="See the recommendation").click()
    page.wait_for_url("**/guide/recommendation/")
    assert page.get_by_test_id("outcome").inner_text() == "Share"
    assert "Refer without delay" in page.get_by_test_id("refer-without-delay").inner_text()
    assert "Rule pack england-2024, version 1.1.0" in page.get_by_test_id("pack").inner_text()
    assert page.get_by_test_id("guide-child").inner_text() == "Maisie Holt"
    _fits_320(page)
    page.screenshot(path=str(SCREENSHOTS / "guide-from-card-recommendation.png"), full_page=True)
    page.get_by_test_id("back-to-card").click()
    page.wait_for_url(f"**/children/{child.pk}/**")


def test_browser_ig_officer_compares_the_same_answers_on_another_pack(live_server: Any, page: Any) -> None:
    _sign_in(page, live_server, "ig_officer")
    page.get_by_role("link", name="Decision guide").click()
    page.get_by_role("button", name="Start now").click()
    _choose(page, "Yes: safeguarding")
    page.get_by_label("How old is the person the information is about?").fill("7")
    page.get_by_role("button", name="Continue").click()
    for label in (
        "They have not been assessed, or I am not sure",
        "Reasonable cause to suspect significant harm",
        "None of these",
        "No",
        "Yes",
        "Yes",
        "Consent not yet sought",
        "Consent not yet sought",
        "Asking would create or increase the risk to the child",
    ):
        _choose(page, label)
    page.wait_for_url("**/guide/check/")
    page.get_by_role("link", name="See the recommendation").click()
    page.wait_for_url("**/guide/recommendation/")
    assert page.get_by_role("link", name="Record your decision").count() == 0
    page.get_by_test_id("compare-link").click()
    page.wait_for_url("**/guide/compare/")
    columns = page.get_by_test_id("compare-column")
    assert columns.count() == 2
    assert "england-2024, version 1.1.0" in columns.nth(0).inner_text()
    assert "england-2015, version 1.1.0" in columns.nth(1).inner_text()
    assert [columns.nth(n).get_by_test_id("compare-outcome").inner_text() for n in (0, 1)] == [
        "Share",
        "Share",
    ]
    assert "Data Protection Act 1998" in columns.nth(1).get_by_test_id("lawful-basis").inner_text()
    _fits_320(page)
    page.screenshot(path=str(SCREENSHOTS / "guide-compare.png"), full_page=True)
