"""Issue 14 in a real browser: a 14-year-old's competence assessment and her consent to share with school
health, the guide from her card reading both, her withdrawal, and then a decision to share on that
consent refused, and a later guide run showing the consent withdrawn."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from goldenthread.agencies.models import Agency, AgencyKind
from goldenthread.consent.models import CompetenceAssessment, ConsentRecord, ConsentWithdrawal
from goldenthread.consent.vocab import QUESTIONS
from goldenthread.sharing.models import Decision
from tests.functional.test_decision_guide_browser import _fits_320, _sign_in
from tests.support.consent import girl

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _date(page: Any, name: str, day: dt.date) -> None:
    page.locator(f"input[name={name}_day]").fill(str(day.day))
    page.locator(f"input[name={name}_month]").fill(str(day.month))
    page.locator(f"input[name={name}_year]").fill(str(day.year))


def _choose(page: Any, label: str) -> None:
    page.get_by_label(label, exact=True).check()
    page.get_by_role("button", name="Continue").click()


def _guide_to_check(page: Any, live_server: Any, child_id: int) -> str:
    page.goto(f"{live_server.url}/children/{child_id}/")
    page.get_by_test_id("card-decision-guide").click()
    page.get_by_role("button", name="Start now").click()
    _choose(page, "Yes: health care")
    for label in ("Additional needs", "None of these", "No", "Yes", "Yes"):
        page.wait_for_url("**/guide/questions/*/")
        assert not page.url.rstrip("/").endswith(("competence", "consent-child"))
        _choose(page, label)
    page.wait_for_url("**/guide/questions/consent-parent/")
    _choose(page, "Consent not yet sought")
    page.wait_for_url("**/guide/questions/risks/")
    _choose(page, "None of these")
    page.wait_for_url("**/guide/check/")
    return str(page.get_by_test_id("given-answers").inner_text())


def test_browser_consent_competence_guide_withdrawal_and_refused_share(live_server: Any, page: Any) -> None:
    Agency.objects.create(code="school-health", name="School health service", kind=AgencyKind.HEALTH_TRUST)
    _sign_in(page, live_server, "school_dsl")
    child = girl(14)
    today = dt.date.today()

    # The card, opened for a purpose, has a Consent section with nothing recorded.
    page.goto(f"{live_server.url}/children/{child.pk}/")
    page.get_by_label("Health assessment or care", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    assert "No consent recorded" in page.get_by_test_id("card-consent").inner_text()
    _fits_320(page)

    # Her competence, Gillick: each question answered with notes.
    page.get_by_role("link", name="Assess competence or capacity").click()
    page.get_by_role("link", name="Gillick competence (a child's capacity to consent)").click()
    page.get_by_label("What decision is the assessment about?").fill(
        "Sharing her health needs with the school nurse"
    )
    for qid, _ in QUESTIONS["gillick"]:
        page.locator(f"input[name=q_{qid}][value=yes]").check()
        page.locator(f"textarea[name=q_{qid}_notes]").fill("She explained it back in her own words")
    page.get_by_label("Competent to decide about sharing their information").check()
    page.get_by_label("Reasons for your conclusion").fill("She weighed it up and her view was her own")
    _date(page, "assessed_on", today)
    _date(page, "reassess_by", today + dt.timedelta(days=180))
    _fits_320(page)
    page.get_by_role("button", name="Record the assessment").click()
    page.wait_for_url("**/consent/competence/*/")
    assert "Competent" in page.get_by_test_id("assessment-conclusion").inner_text()
    assert CompetenceAssessment.objects.get().competent

    # Her own consent, in writing, to share her health information with school health.
    page.goto(f"{live_server.url}/children/{child.pk}/")
    page.get_by_role("link", name="Record consent").click()
    page.get_by_label("Consent given", exact=True).check()
    page.get_by_label("The person themselves", exact=True).check()
    _date(page, "given_on", today)
    page.get_by_label("Explicitly, in writing", exact=True).check()
    page.get_by_label("What was the person told?").fill(
        "Your health notes go to the school nurse; you can stop it."
    )
    page.get_by_label("Health care", exact=True).check()
    page.get_by_label("School health service", exact=True).check()
    page.get_by_label("Health (special category)", exact=True).check()
    _date(page, "review_date", today + dt.timedelta(days=90))
    _fits_320(page)
    page.get_by_role("button", name="Record consent").click()
    page.wait_for_url("**/consent/*/")
    record = ConsentRecord.objects.get()
    assert page.get_by_test_id("consent-answer").inner_text() == "Consent given"
    page.goto(f"{live_server.url}/children/{child.pk}/")
    position = page.get_by_test_id("card-consent").inner_text()
    assert "Health care" in position and "School health service" in position and "Given" in position

    # The guide from her card reads both: neither her competence nor her own answer is asked.
    given = _guide_to_check(page, live_server, child.pk)
    assert "From the Gillick competence assessment of" in given
    assert f"From consent record {record.pk} (The person themselves, given;" in given
    _fits_320(page)
    page.get_by_role("link", name="See the recommendation").click()
    assert page.get_by_test_id("outcome").inner_text() == "Share"
    page.get_by_role("link", name="Record your decision").click()
    page.wait_for_url("**/sharing/decisions/new/")

    # Before the decision is recorded, she withdraws her consent.
    page.goto(f"{live_server.url}/consent/{record.pk}/")
    page.get_by_role("link", name="Record withdrawal").click()
    _date(page, "withdrawn_on", today)
    page.get_by_label("Explicitly, spoken", exact=True).check()
    page.get_by_label("Who withdrew it?").fill("Ruby herself")
    page.get_by_label("What was the person told?").fill("Nothing more will be shared on your consent.")
    _fits_320(page)
    page.get_by_role("button", name="Record withdrawal").click()
    page.wait_for_url(f"**/consent/{record.pk}/")
    assert "Consent withdrawn on" in page.get_by_test_id("consent-withdrawn").inner_text()
    assert ConsentWithdrawal.objects.filter(record=record).exists()

    # The decision to share on that consent cannot be recorded.
    page.goto(f"{live_server.url}/sharing/decisions/new/")
    page.get_by_label("Who will receive the information?").fill("School health service, the school nurse")
    page.get_by_label("The risks of sharing weighed against the risks of not sharing").fill(
        "Without it she goes without the support she asked for"
    )
    page.get_by_label("Item 1", exact=True).fill("She asked for support with her health at school")
    page.locator("input[name=item_1_kind][value=fact]").check()
    page.get_by_role("button", name="Record decision").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert f"Consent (record {record.pk}) was withdrawn on" in summary
    assert not Decision.objects.exists()

    # A later guide run shows the consent withdrawn.
    given = _guide_to_check(page, live_server, child.pk)
    assert f"From consent record {record.pk} (The person themselves, withdrawn" in given
    page.goto(f"{live_server.url}/children/{child.pk}/")
    assert "Withdrawn" in page.get_by_test_id("card-consent").inner_text()


def test_browser_how_we_share_notice_public_without_sign_in(live_server: Any, page: Any) -> None:
    agency = Agency.objects.create(
        code="northshire-school", name="Northshire Primary", kind=AgencyKind.SCHOOL
    )
    page.goto(f"{live_server.url}/consent/how-we-share/{agency.code}/")
    assert "/accounts/sign-in/" not in page.url
    assert "Northshire Primary" in page.locator("main").inner_text()
