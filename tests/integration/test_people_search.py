from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from goldenthread.audit.models import AuditEvent
from tests.integration.people_support import AMELIA, import_rows, record, row

pytestmark = pytest.mark.django_db

PURPOSE = "section_47"


@pytest.fixture
def index() -> None:
    import_rows(
        "health",
        [
            AMELIA,
            row(
                local_id="H-2",
                given_name="William",
                family_name="Okafor",
                date_of_birth="2014-07-21",
                sex="male",
                nhs_number="",
                postcode="NS3 9ZZ",
                address_line="4 Mill Lane",
            ),
            row(
                local_id="H-3",
                given_name="Grace",
                family_name="Adeyemi",
                date_of_birth="2013-01-15",
                nhs_number="",
                postcode="NS5 2QP",
                address_line="Refuge",
                shielded="yes",
                brokered_contact="Safe Harbour duty line 01234 000111",
            ),
        ],
    )


def _search(client: Any, **terms: str) -> Any:
    return client.get(reverse("people:search"), {"purpose": PURPOSE, **terms})


def _names(response: Any) -> list[str]:
    return [hit.person.full_name for hit in response.context["hits"]]


def test_search_misspelt_family_name_finds_child(index: None, signed_in: Any) -> None:
    response = _search(signed_in("social_worker"), given_name="Amelia", family_name="Kowalksi")
    assert _names(response)[0] == "Amelia Kowalski"
    reasons = {w.field: w.outcome for w in response.context["hits"][0].reasons}
    assert reasons["family_name"] == "Close spelling"


def test_search_nickname_finds_child(index: None, signed_in: Any) -> None:
    response = _search(signed_in("social_worker"), given_name="Billy", family_name="Okafor")
    assert _names(response) == ["William Okafor"]
    assert "Given name: nickname or spelling variant" in response.content.decode()


def test_search_phonetic_spelling_finds_child(index: None, signed_in: Any) -> None:
    response = _search(signed_in("social_worker"), family_name="Okafore")
    assert "William Okafor" in _names(response)


def test_search_approximate_date_of_birth_finds_child(index: None, signed_in: Any) -> None:
    client = signed_in("social_worker")
    by_year = _search(client, family_name="Okafor", date_of_birth="2014")
    assert _names(by_year) == ["William Okafor"]
    within = _search(client, date_of_birth="2014-09-01", dob_tolerance="183")
    assert "William Okafor" in _names(within) and "Amelia Kowalski" not in _names(within)
    reasons = [w.outcome for w in within.context["hits"][0].reasons]
    assert "Born within the range given" in reasons


def test_search_nhs_number_finds_child(index: None, signed_in: Any) -> None:
    response = _search(signed_in("social_worker"), nhs_number="943 476 5919")
    assert _names(response) == ["Amelia Kowalski"]


def test_search_shielded_person_not_findable_by_postcode(index: None, signed_in: Any) -> None:
    client = signed_in("social_worker")
    assert _names(_search(client, postcode="NS5 2QP")) == []
    assert _names(_search(client, postcode="NS3 9ZZ")) == ["William Okafor"]


def test_search_shielded_person_findable_by_name_and_date(index: None, signed_in: Any) -> None:
    response = _search(
        signed_in("social_worker"), given_name="Grace", family_name="Adeyemi", date_of_birth="2013-01-15"
    )
    assert _names(response) == ["Grace Adeyemi"]
    assert "NS5 2QP" not in response.content.decode()


def test_search_without_purpose_refused_and_not_audited(index: None, signed_in: Any) -> None:
    response = signed_in("social_worker").get(reverse("people:search"), {"family_name": "Okafor"})
    assert response.context["hits"] is None
    assert "Choose why you are looking" in response.content.decode()
    assert not AuditEvent.objects.filter(action="person.searched").exists()


def test_search_audited_with_purpose_and_no_search_terms(index: None, signed_in: Any) -> None:
    _search(signed_in("social_worker"), given_name="Amelia", family_name="Kowalski", postcode="NS1 4AB")
    event = AuditEvent.objects.get(action="person.searched")
    assert event.purpose == "Safeguarding enquiry (section 47)"
    assert event.actor_username == "social_worker"
    assert event.details == {"criteria": ["given_name", "family_name", "postcode"], "results": 1}
    assert "Kowalski" not in str(event.details) and "NS1" not in str(event.details)


def test_search_by_system_administrator_forbidden(index: None, signed_in: Any) -> None:
    assert _search(signed_in("system_administrator"), family_name="Okafor").status_code == 403


def test_search_result_links_to_card_with_purpose_carried(index: None, signed_in: Any) -> None:
    client = signed_in("social_worker")
    _search(client, family_name="Okafor")
    person_id = record("health", "H-2").person_id
    response = client.get(reverse("people:card", args=[person_id]))
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="person.viewed")
    assert (event.object_id, event.purpose) == (str(person_id), "Safeguarding enquiry (section 47)")
