from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from goldenthread.agencies.models import AgencyKind, Membership
from goldenthread.agencies.permissions import Role
from goldenthread.people.models import MatchReview, ReviewStatus, SourceRecord
from tests.functional.conftest import checked_page
from tests.integration.people_support import csv_bytes
from tests.support.personas import PASSWORD, agency_get_or_make, persona_make
from tests.support.worker import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(os.environ.get("GOLDENTHREAD_SCREENSHOTS", "var/screenshots"))

SOCIAL_CARE = [
    {
        "local_id": "CSC-1001",
        "given_name": "Leo",
        "family_name": "Marsh",
        "date_of_birth": "2017-05-02",
        "sex": "male",
        "address_line": "7 Heron Close",
        "postcode": "NS4 7HQ",
        "service": "Child in need team",
        "practitioner_name": "Samira Ahmed",
        "practitioner_phone": "01234 100200",
        "practitioner_email": "s.ahmed@csc.example",
        "lead_professional": "yes",
    },
    {
        "local_id": "CSC-1002",
        "given_name": "Ivy",
        "family_name": "Marsh",
        "date_of_birth": "2019-10-03",
        "sex": "female",
        "address_line": "7 Heron Close",
        "postcode": "NS4 7HQ",
        "service": "Child in need team",
        "practitioner_name": "Samira Ahmed",
    },
]
POLICE = [
    # Leo again, without a date of birth: plausible but not certain, so it waits for review.
    {
        "local_id": "NP/24/0193",
        "given_name": "Leo",
        "family_name": "Marsh",
        "address_line": "7 Heron Cl",
        "postcode": "NS47HQ",
        "service": "Public Protection Unit",
        "practitioner_name": "DC Tom Walsh",
        "practitioner_email": "t.walsh@police.example",
    },
    # Ivy with her birthday's day and month swapped: still a clear match, linked automatically.
    {
        "local_id": "NP/24/0194",
        "given_name": "Ivy",
        "family_name": "Marsh",
        "date_of_birth": "2019-03-10",
        "postcode": "NS4 7HQ",
        "service": "Public Protection Unit",
        "practitioner_name": "DC Tom Walsh",
    },
]


def _sign_in(page: Any, base: str, officer: Any) -> None:
    page.goto(base + "/")
    page.get_by_label("Username").fill(officer.user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/two-factor/verify/")
    page.get_by_label("Security code").fill(officer.current_token())
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(base + "/")


def _act_for(page: Any, base: str, name: str) -> None:
    if page.get_by_test_id("acting-agency").inner_text() != name:
        page.get_by_label("Act for").select_option(label=name)
        page.get_by_role("button", name="Switch").click()
        page.wait_for_url(base + "/")
    assert page.get_by_test_id("acting-agency").inner_text() == name


def _upload(page: Any, path: Path) -> None:
    page.get_by_role("link", name="Import records").click()
    page.get_by_label("File of records").set_input_files(str(path))
    page.get_by_role("button", name="Import").click()
    page.wait_for_url("**/children/import/*/")


def _import(page: Any, path: Path) -> None:
    """Upload a file and wait on its page while the background worker imports it."""
    _upload(page, path)
    page.get_by_test_id("import-summary").wait_for()


def test_browser_data_officer_imports_two_agencies_resolves_review_and_sees_card(
    live_server: Any, page: Any, tmp_path: Path, worker_process: Any
) -> None:
    worker_process()
    officer = persona_make("ig_officer")
    police = agency_get_or_make("test-police", AgencyKind.POLICE)
    Membership.objects.create(
        user=officer.user, agency=police, role=Role.IG_OFFICER, started_at=timezone.now()
    )
    (tmp_path / "social-care.csv").write_bytes(csv_bytes(SOCIAL_CARE))
    (tmp_path / "police.csv").write_bytes(csv_bytes(POLICE))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    _sign_in(page, live_server.url, officer)
    _act_for(page, live_server.url, officer.agency.name)
    _import(page, tmp_path / "social-care.csv")
    assert page.get_by_test_id("rows-rejected").inner_text() == "0"

    _act_for(page, live_server.url, police.name)
    _import(page, tmp_path / "police.csv")
    assert page.get_by_test_id("queued").inner_text().startswith("1")

    page.get_by_role("link", name="Review matches").first.click()
    page.get_by_test_id("review-queue").get_by_role("link").first.click()
    assert page.get_by_role("heading", name="Are these the same person?").is_visible()
    assert page.get_by_test_id("weight-chart").is_visible()
    page.screenshot(path=str(SCREENSHOTS / "child-index-review.png"), full_page=True)
    page.get_by_label("Yes, the same person: link them").check()
    page.get_by_role("button", name="Save decision").click()
    assert page.get_by_text("Linked: one person").is_visible()
    assert page.get_by_test_id("queue-empty").is_visible()
    assert MatchReview.objects.get().status == ReviewStatus.LINKED

    page.get_by_role("link", name="Find a child").click()
    page.get_by_label("Given name").fill("Leo")
    page.get_by_label("Family name").fill("Marsh")
    page.get_by_label("Checking the accuracy of the child index", exact=True).check()
    page.get_by_role("button", name="Search").click()
    page.get_by_test_id("search-results").get_by_role("link", name="Leo Marsh").click()

    assert page.get_by_test_id("card-name").inner_text().startswith("Leo Marsh")
    involvements = page.get_by_test_id("involvements").inner_text()
    assert "Child in need team" in involvements and "Public Protection Unit" in involvements
    assert officer.agency.name in involvements and police.name in involvements
    assert "Samira Ahmed" in page.get_by_test_id("lead-professional").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "child-index-card.png"), full_page=True)

    page.get_by_test_id("card-access").click()
    timeline = page.get_by_test_id("access-timeline").inner_text()
    assert "Ig Officer Tester" in timeline and police.name in timeline and "Viewed the card" in timeline
    page.set_viewport_size({"width": 320, "height": 900})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320  # the table scrolls in its box
    page.screenshot(path=str(SCREENSHOTS / "child-index-access.png"), full_page=True)
    ivy = SourceRecord.objects.get(local_id="CSC-1002").person_id
    assert SourceRecord.objects.get(local_id="NP/24/0194").person_id == ivy
    leo = SourceRecord.objects.get(local_id="CSC-1001").person_id
    assert set(SourceRecord.objects.filter(person_id=leo).values_list("local_id", flat=True)) == {
        "CSC-1001",
        "NP/24/0193",
    }


def test_browser_long_import_shows_progress_and_goes_on_to_its_summary(
    live_server: Any, page: Any, tmp_path: Path, worker_process: Any
) -> None:
    officer = persona_make("ig_officer")
    rows = [
        {
            **SOCIAL_CARE[0],
            "local_id": f"CSC-2{n:03d}",
            "given_name": name,
            "date_of_birth": f"2016-0{n}-1{n}",
        }
        for n, name in enumerate(["Ada", "Bea", "Cal", "Dan", "Eve", "Fay", "Gil", "Hal", "Ian"], 1)
    ]
    (tmp_path / "long.csv").write_bytes(csv_bytes(rows))
    polls: list[str] = []
    page.on(
        "request",
        lambda request: (
            polls.append(request.url) if request.headers.get("accept") == "application/json" else None
        ),
    )

    _sign_in(page, live_server.url, officer)
    _act_for(page, live_server.url, officer.agency.name)
    _upload(page, tmp_path / "long.csv")
    # No worker yet: the page says the import waits for one, and its bar stands at nought.
    assert page.get_by_text("Waiting for the background worker to start this import.").is_visible()
    assert page.locator("progress").get_attribute("value") == "0"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "child-index-import-waiting.png"), full_page=True)
    worker_process()
    # The page script follows the worker's progress to the finished summary by itself.
    page.get_by_test_id("import-summary").wait_for()
    assert page.get_by_test_id("rows-rejected").inner_text() == "0"
    assert page.get_by_test_id("import-progress").count() == 0
    assert polls and all("/children/import/" in url for url in polls)
    assert SourceRecord.objects.filter(agency=officer.agency).count() == 9


def test_browser_import_page_without_script_checks_progress_by_its_button(
    live_server: Any, browser: Any, tmp_path: Path, worker_process: Any
) -> None:
    officer = persona_make("ig_officer")
    (tmp_path / "plain.csv").write_bytes(csv_bytes(SOCIAL_CARE))
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1200, "height": 900})
    raw = context.new_page()
    raw.set_default_timeout(15000)
    page, checks = checked_page(
        raw, browser=browser
    )  # axe and the reflow check, as for every page of the suite
    try:
        _sign_in(page, live_server.url, officer)
        _upload(page, tmp_path / "plain.csv")
        assert page.get_by_test_id("import-progress").is_visible()
        worker_process()
        wait_for(lambda: SourceRecord.objects.filter(agency=officer.agency).count() == 2, what="the import")
        page.get_by_role("button", name="Check progress").click()
        page.get_by_test_id("import-summary").wait_for()
        assert page.title().startswith("Import finished: plain.csv")
        checks.flush()
    finally:
        context.close()


def test_browser_import_with_rejected_rows_warns_names_record_ids_and_links_format(
    live_server: Any, page: Any, tmp_path: Path, worker_process: Any
) -> None:
    worker_process()
    officer = persona_make("ig_officer")
    # An impossible date, and a NUL byte in a name: each rejected by row, record id and field.
    rose = {**SOCIAL_CARE[1], "local_id": "CSC-1003", "given_name": "Ro\x00se", "date_of_birth": ""}
    content = csv_bytes([SOCIAL_CARE[0], {**SOCIAL_CARE[1], "date_of_birth": "2019-02-31"}, rose])
    (tmp_path / "mixed.csv").write_bytes(content)
    _sign_in(page, live_server.url, officer)
    _import(page, tmp_path / "mixed.csv")
    banner = page.get_by_test_id("import-rejected-banner")
    assert banner.is_visible() and "2 of 3 rows were not imported" in banner.inner_text()
    errors = page.get_by_test_id("import-errors").inner_text()
    assert "CSC-1002" in errors and "There is no such date" in errors
    assert "CSC-1003" in errors and "control character" in errors
    assert page.get_by_text("Success").count() == 0
    page.get_by_role("link", name="The file format").click()
    assert page.get_by_role("heading", name="The import file format").is_visible()
    assert page.get_by_test_id("format-columns").get_by_text("local_id", exact=True).is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download a CSV template").click()
    assert download.value.suggested_filename == "golden-thread-import-template.csv"
