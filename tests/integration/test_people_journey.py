"""The card as the hub, search by GET and the purpose page (issue 12).

The card names the child from the most trustworthy record (linkage.trusted_name: most agencies agreeing,
then the most recent, never a typo of another), shows the age, each address once, and an action to
contact the lead professional. Search is a GET so Back returns to the results: still audited with its
purpose, never cached, and results tell namesakes apart by age, sex and postcode district with the
reasons for the match and no raw score. The purpose page names the child and chooses nothing for them.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from django.urls import reverse

from goldenthread.audit.models import AuditEvent
from goldenthread.cli import ACCESS_LOG_FORMAT
from goldenthread.core.log_filters import DropQueryStrings
from tests.integration.people_support import NHS_A, NHS_B, import_rows, record, row

pytestmark = pytest.mark.django_db

HARRY = {
    "local_id": "H-1",
    "given_name": "Harry",
    "family_name": "Wilkinson",
    "date_of_birth": "2024-05-02",
    "sex": "male",
    "nhs_number": NHS_B,
    "address_line": "4 Mill Road",
    "postcode": "NS3 7TT",
    "service": "Health visiting",
    "practitioner_name": "Kasia Nowak",
}


def _harry(**changes: Any) -> dict[str, Any]:
    return row(**{**HARRY, **changes})


def _card_page(client: Any, person_id: int) -> str:
    response = client.post(
        reverse("people:purpose", args=[person_id]), {"purpose": "health_care"}, follow=True
    )
    assert response.status_code == 200
    return response.content.decode()


def _between(page: str, testid: str, end: str = "</") -> str:
    start = page.index(f'data-testid="{testid}"')
    return page[start : page.index(end, start + len(testid) + 14)]


# --- the card's name ----------------------------------------------------------------------------------


def test_card_name_is_never_a_newer_typo_of_the_familys_name(signed_in: Any) -> None:
    # Health knows Harry and his mother; the school's newer record misspells him "Harry wilkinsoa".
    mother = _harry(
        local_id="H-2",
        given_name="Joanne",
        date_of_birth="1994-03-01",
        sex="female",
        nhs_number="",
        related_local_id="H-1",
        relationship="parent_of",
    )
    import_rows("health", [_harry(), mother])
    import_rows("school", [_harry(local_id="S-1", family_name="wilkinsoa", service="Nursery")])
    harry = record("school", "S-1").person
    assert record("health", "H-1").person_id == harry.pk  # one child, two agencies' records
    assert harry.full_name == "Harry Wilkinson"
    page = _card_page(signed_in("health_visitor"), harry.pk)
    assert 'data-testid="card-name">Harry Wilkinson' in page and "wilkinsoa</h1>" not in page


def test_card_name_follows_more_agencies_over_the_most_recent(signed_in: Any) -> None:
    import_rows("health", [_harry()])
    import_rows("csc", [_harry(local_id="C-1", service="Child in need")])
    import_rows("school", [_harry(local_id="S-1", family_name="Wilkinsen", service="Nursery")])
    assert record("school", "S-1").person.full_name == "Harry Wilkinson"


def test_card_name_a_genuinely_new_name_is_not_a_typo_and_the_newest_wins(signed_in: Any) -> None:
    # One agency each, and "Harrison" is not one error from "Wilkinson": the most recent record decides.
    import_rows("health", [_harry()])
    import_rows("csc", [_harry(local_id="C-1", family_name="Harrison", service="Adoption support")])
    assert record("csc", "C-1").person.full_name == "Harry Harrison"


# --- the card's age, addresses and lead professional ------------------------------------------------------


def test_card_shows_age_each_address_once_and_a_contact_action(signed_in: Any) -> None:
    import_rows(
        "health",
        [
            _harry(
                lead_professional="yes",
                practitioner_phone="01234 300400",
                practitioner_email="hv@health.example",
            )
        ],
    )
    import_rows(
        "school", [_harry(local_id="S-1", address_line="4, MILL RD.", postcode="ns37tt", service="Nursery")]
    )
    import_rows("csc", [_harry(local_id="C-1", address_line="", service="Early help")])
    person = record("health", "H-1").person
    page = _card_page(signed_in("social_worker"), person.pk)
    assert _between(page, "card-age").split(">", 1)[1] == person.age_label != ""
    addresses = _between(page, "card-addresses", "</ul>")
    assert addresses.count("<li>") == 1 and "NS3 7TT" in addresses
    contact = _between(page, "contact-lead", "</div>")
    assert 'href="mailto:hv@health.example?subject=' in contact and 'href="tel:01234300400"' in contact


# --- search by GET ------------------------------------------------------------------------------------------


def _search(client: Any, **terms: str) -> Any:
    return client.get(reverse("people:search"), {"purpose": "health_care", **terms})


def test_search_by_get_is_audited_each_time_and_never_cached(signed_in: Any) -> None:
    import_rows("health", [_harry()])
    client = signed_in("health_visitor")
    first = _search(client, given_name="Harry", family_name="Wilkinson")
    again = _search(client, given_name="Harry", family_name="Wilkinson")  # Back, or a reload
    assert first.status_code == again.status_code == 200
    assert "no-store" in first["Cache-Control"]
    searched = AuditEvent.objects.filter(action="person.searched")
    assert searched.count() == 2
    assert all(e.purpose == "Health assessment or care" for e in searched)
    assert "Harry" not in str(searched[0].details)  # which fields, never their values
    assert client.post(reverse("people:search"), {"purpose": "health_care"}).status_code == 405


def test_search_form_keeps_no_purpose_chosen_and_results_tell_namesakes_apart(signed_in: Any) -> None:
    import_rows(
        "health",
        [
            _harry(),
            _harry(
                local_id="H-9",
                date_of_birth="2015-01-20",
                sex="female",
                nhs_number=NHS_A,
                postcode="NS9 1AA",
                address_line="1 High St",
            ),
        ],
    )
    client = signed_in("health_visitor")
    blank = client.get(reverse("people:search")).content.decode()
    assert 'type="radio"' in blank and "checked" not in blank
    page = _search(client, given_name="Harry", family_name="Wilkinson").content.decode()
    results = page[page.index('data-testid="search-results"') :]
    assert results.count('data-testid="result-district"') == 2
    assert ">NS3<" in results and ">NS9<" in results
    ages = re.findall(r'data-testid="result-age">([^<]*)<', results)
    expected = {record("health", local_id).person.age_label for local_id in ("H-1", "H-9")}
    assert set(ages) == expected and len(expected) == 2 and "" not in expected
    assert ">Male<" in results and ">Female<" in results
    assert "Score" not in results and 'data-testid="result-reasons"' in results
    assert "<li>Given name: " in results and "<li>Family name: " in results


def test_access_log_and_development_log_leave_query_strings_out() -> None:
    assert "%(r)s" not in ACCESS_LOG_FORMAT and "%(q)s" not in ACCESS_LOG_FORMAT
    assert "%(f)s" not in ACCESS_LOG_FORMAT and "%(U)s" in ACCESS_LOG_FORMAT
    record_ = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        ("GET /children/?given_name=Harry&family_name=Wilkinson HTTP/1.1", "200", "512"),
        None,
    )
    assert DropQueryStrings().filter(record_)
    assert record_.getMessage() == '"GET /children/ HTTP/1.1" 200 512'


# --- the purpose page ---------------------------------------------------------------------------------------


def test_purpose_page_names_the_child_offers_radios_and_checks_none(signed_in: Any) -> None:
    import_rows("health", [_harry()])
    person = record("health", "H-1").person
    client = signed_in("health_visitor")
    _search(client, given_name="Harry", family_name="Wilkinson")  # a purpose given for the search...
    client.get(reverse("people:purpose", args=[person.pk]))
    page = client.get(reverse("people:purpose", args=[person.pk])).content.decode()
    assert "Harry Wilkinson" in page
    assert page.count('type="radio"') == 7 and " checked" not in page  # ...is not chosen for the card
    assert AuditEvent.objects.filter(action="person.named", object_id=str(person.pk)).exists()
    refused = client.post(reverse("people:purpose", args=[person.pk]), {})
    assert "Choose why you are looking" in refused.content.decode()
