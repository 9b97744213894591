"""Issue 12's Done-when walk in a real browser: a health visitor worried about a bruised two-year-old.

She searches (Back returns to the results), gives a purpose for the named child, runs the guide from the
card, gets "refer without delay", records an emergency share, and the named endorser endorses; she sees
the endorsement on her home page.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from goldenthread.agencies.models import AgencyKind
from goldenthread.agencies.permissions import Role
from goldenthread.sharing.models import Decision, Endorsement
from tests.integration.people_support import NHS_B, import_rows, record, row
from tests.support.personas import PASSWORD, Persona, persona_in, persona_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(os.environ.get("GOLDENTHREAD_SCREENSHOTS", "var/screenshots"))

HARRY = row(
    local_id="HV-1",
    given_name="Harry",
    family_name="Wilkinson",
    date_of_birth="2024-05-02",
    sex="male",
    nhs_number=NHS_B,
    address_line="4 Mill Road",
    postcode="NS3 7TT",
    service="Health visiting",
    practitioner_name="Kasia Nowak",
)
JOANNE = row(
    local_id="HV-2",
    given_name="Joanne",
    family_name="Wilkinson",
    date_of_birth="1994-03-01",
    sex="female",
    nhs_number="",
    address_line="4 Mill Road",
    postcode="NS3 7TT",
    service="Health visiting",
    practitioner_name="Kasia Nowak",
    related_local_id="HV-1",
    relationship="parent_of",
    is_child="no",
)

# The guide's questions as they are asked today, by a words of the question, and how she answers. Pages
# may be skipped (the guide started from a card knows the child's age): each page is answered as it comes.
ANSWERS: list[tuple[str, str, str]] = [
    ("clear and legitimate purpose", "radio", "Yes: safeguarding"),
    ("How old is the", "fill", "2"),
    ("decide about sharing their information", "radio", "They have not been assessed, or I am not sure"),
    ("reasonable cause to suspect", "radio", "Reasonable cause to suspect significant harm"),
    ("Do any of these also apply", "radio", "None of these"),
    ("court order or a statutory duty", "radio", "No"),
    ("living person to be identified", "radio", "Yes"),
    ("Is the information confidential", "radio", "Yes"),
    ("child or young person's own answer", "radio", "Consent not yet sought"),
    ("person with parental responsibility", "radio", "Consent not yet sought"),
    (
        "Would asking for consent do any of these",
        "radio",
        "Asking would create or increase the risk to the child",
    ),
]


def _sign_in(page: Any, base: str, who: Persona) -> None:
    page.goto(base + "/accounts/sign-in/")
    page.get_by_label("Username").fill(who.user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/two-factor/verify/")
    page.get_by_label("Security code").fill(who.current_token())
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(base + "/")


def _sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").click()


def _walk_the_guide(page: Any) -> list[str]:
    """Answer each question page as it comes until "Check your answers"; returns the questions asked."""
    asked = []
    while "/guide/questions/" in page.url:
        heading = page.locator("h1").first.inner_text()
        match = next((a for a in ANSWERS if a[0] in heading), None)
        assert match is not None, f"the guide asked a question this walk does not know: {heading!r}"
        asked.append(match[0])
        _, how, answer = match
        if how == "fill":
            page.get_by_label(heading, exact=True).fill(answer)
        else:
            page.get_by_label(answer, exact=True).check()
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()
    return asked


def test_browser_journey_health_visitor_refers_bruised_two_year_old_and_sees_the_endorsement(
    live_server: Any, page: Any
) -> None:
    base = live_server.url
    visitor = persona_make("health_visitor")
    endorser = persona_in("hv_manager", code="test-health", kind=AgencyKind.HEALTH_TRUST, role=Role.MANAGER)
    import_rows("test-health", [HARRY, JOANNE])
    harry = record("test-health", "HV-1").person
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    _sign_in(page, base, visitor)
    # She looks up the mother she visits; the search is a GET, so Back returns to the results.
    page.get_by_role("link", name="Find a child").click()
    page.get_by_label("Given name").fill("Joanne")
    born = page.get_by_role("group", name="Date of birth")
    born.get_by_label("Day").fill("1")
    born.get_by_label("Month").fill("3")
    born.get_by_label("Year").fill("1994")
    page.get_by_label("Health assessment or care", exact=True).check()
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r".*/children/\?.*given_name=Joanne.*"))
    results_url = page.url
    results = page.get_by_test_id("search-results")
    assert "Score" not in results.inner_text() and "NS3" in results.inner_text()
    assert "Harry" not in results.inner_text()  # so the search's purpose does not carry to his card
    page.screenshot(path=str(SCREENSHOTS / "journey-search-results.png"), full_page=True)
    results.get_by_role("link", name="Joanne Wilkinson").click()
    page.wait_for_url(f"**/children/{record('test-health', 'HV-2').person_id}/")
    page.go_back()
    assert page.url == results_url
    assert page.get_by_test_id("search-results").get_by_role("link", name="Joanne Wilkinson").is_visible()
    page.get_by_test_id("search-results").get_by_role("link", name="Joanne Wilkinson").click()

    # From the mother's card to her son: a purpose for the named child, nothing chosen for her.
    page.get_by_role("link", name="Harry Wilkinson").click()
    page.wait_for_url(f"**/children/{harry.pk}/purpose/")
    assert page.get_by_test_id("purpose-child").inner_text() == "Harry Wilkinson"
    assert page.locator("input[type=radio]:checked").count() == 0
    page.screenshot(path=str(SCREENSHOTS / "journey-purpose.png"), full_page=True)
    page.get_by_label("Health assessment or care", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"**/children/{harry.pk}/")
    assert page.get_by_test_id("card-name").inner_text().startswith("Harry Wilkinson")
    assert page.get_by_test_id("card-age").inner_text() == harry.age_label

    # The guide from the card.
    page.get_by_test_id("card-decision-guide").click()
    assert page.get_by_test_id("guide-child").inner_text() == "Harry Wilkinson"
    page.get_by_role("button", name="Start now").click()
    page.wait_for_url("**/guide/questions/*/")
    asked = _walk_the_guide(page)
    # The guide started from the card knows Harry's age: it asks neither the age nor whether a
    # two-year-old can decide for himself, and "check your answers" shows what it worked out.
    assert asked, "the guide asked no questions"
    assert "How old is the" not in asked and "decide about sharing their information" not in asked
    assert "child or young person's own answer" not in asked
    page.wait_for_url("**/guide/check/")
    given = page.get_by_test_id("given-answers").inner_text()
    assert "2" in given, given
    page.get_by_role("link", name="See the recommendation").click()
    page.wait_for_url("**/guide/recommendation/")
    assert "Refer without delay" in page.get_by_test_id("refer-without-delay").inner_text()

    # Decide and record in one step: the form starts as an emergency share, and names who can endorse.
    page.get_by_role("link", name="Record your decision").click()
    page.wait_for_url("**/sharing/decisions/new/")
    # The form, like every guide page, names Harry with his age from the index and links back to his card.
    assert page.get_by_test_id("guide-child").inner_text() == "Harry Wilkinson"
    assert page.get_by_test_id("guide-age").inner_text() == harry.age_label
    assert page.get_by_test_id("back-to-card").get_attribute("href") == f"/children/{harry.pk}/"
    assert page.get_by_label(
        "Consent not sought, for example because asking would increase the risk"
    ).is_checked()
    assert page.locator("input[name=emergency]").is_checked()
    assert "Hv Manager Tester, Manager" in page.get_by_test_id("endorsers").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "journey-decision-form.png"), full_page=True)
    page.get_by_label("What is the purpose of sharing (or of not sharing)?").fill(
        "Refer to children's social care under child protection procedures"
    )
    page.get_by_label("Who will receive the information?").fill(
        "Northshire children's social care, duty team"
    )
    page.get_by_label("Item 1", exact=True).fill("Bruising seen on both upper arms at the home visit")
    page.locator("input[name=item_1_kind][value=fact]").check()
    page.get_by_label("The risks of sharing weighed against the risks of not sharing").fill(
        "Not sharing leaves Harry at risk of further harm"
    )
    page.get_by_role("button", name="Record decision").click()
    page.wait_for_url("**/sharing/decisions/*/")
    decision = Decision.objects.get()
    endorsement_text = page.get_by_test_id("endorsement").inner_text()
    assert "Shared in an emergency" in endorsement_text and "do not share yet" not in endorsement_text.lower()
    assert decision.emergency and decision.person_id == harry.pk
    page.screenshot(path=str(SCREENSHOTS / "journey-decision.png"), full_page=True)
    _sign_out(page)

    # The named endorser finds it on her worklist and endorses.
    _sign_in(page, base, endorser)
    page.get_by_role(
        "link", name=f"Endorse decision {decision.pk}: shared without consent in an emergency"
    ).click()
    page.get_by_label("Yes, I endorse it: sharing without consent is necessary and proportionate").check()
    page.get_by_role("button", name="Record your answer").click()
    page.wait_for_url(f"**/sharing/decisions/{decision.pk}/")
    assert page.get_by_test_id("endorsement-label").inner_text() == "Manager's endorsement"
    assert Endorsement.objects.get(decision=decision).endorsed_by == endorser.user
    _sign_out(page)

    # The health visitor sees it on her home page. Her code of the first sign-in may still be current:
    # let the device accept the same 30-second window again rather than wait for the next one.
    TOTPDevice.objects.filter(pk=visitor.device.pk).update(last_t=-1)
    _sign_in(page, base, visitor)
    notes = page.get_by_test_id("notifications")
    assert f"Decision {decision.pk} has been endorsed" in notes.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "journey-home-endorsed.png"), full_page=True)
    notes.get_by_role("link", name=f"Decision {decision.pk} has been endorsed").click()
    page.wait_for_url(f"**/sharing/decisions/{decision.pk}/")
    assert "Endorsed by Hv Manager Tester" in page.get_by_test_id("endorsement").inner_text()
