"""Shielding holds on every page that can show a person: a shielded child appears only as the card shows them.

A refuge's record shields Amelia (a child in a refuge); her school knew her and her mother before.
Another agency's data officer whose import queues a look-alike, a practitioner searching, and anyone
opening her mother's card must learn no more than the shielded card says: her name and who to contact.
Never where she is, her date of birth, identifiers, services or which agencies hold her.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from goldenthread.people.models import MatchReview
from tests.integration.people_support import AMELIA, NHS_A, import_rows, record, row

pytestmark = pytest.mark.django_db

BROKER = "Safe Harbour duty line 01234 000111"
REFUGE_ROWS = [
    row(
        local_id="R-1",
        address_line="Flat 3 Refuge Court",
        postcode="NS9 9ZZ",
        service="Refuge children's outreach",
        practitioner_name="Rhiannon Secret",
        practitioner_phone="01234 222333",
        practitioner_email="r.secret@refuge.example",
        shielded="yes",
        brokered_contact=BROKER,
    ),
]
# The school knew Amelia before the refuge, at her old address, and knows her mother.
SCHOOL_ROWS = [
    row(local_id="S-1", service="Year 5", practitioner_name="Gareth Price", lead_professional="no"),
    row(
        local_id="S-2",
        given_name="Joanna",
        date_of_birth="1990-06-02",
        nhs_number="",
        address_line="14 Old Lane",
        postcode="NS2 2BB",
        service="Parent contact",
        practitioner_name="Gareth Price",
        lead_professional="no",
        related_local_id="S-1",
        relationship="parent_of",
    ),
]
# What a shielded card never shows, anywhere.
HIDDEN = (
    "Refuge Court",
    "NS9 9ZZ",
    "9 April 2016",
    "2016-04-09",
    "April 2016",
    NHS_A,
    "Refuge children",
    "Rhiannon Secret",
    "01234 222333",
    "Agency refuge",
    "Acacia",
    "Year 5",
)


@pytest.fixture
def shielded() -> dict[str, int]:
    import_rows("refuge", REFUGE_ROWS)
    import_rows("school", SCHOOL_ROWS)
    # Children's social care (the ig_officer's agency) sends a look-alike with too little to link on.
    import_rows(
        "test-csc",
        [
            row(
                local_id="CSC-7",
                date_of_birth="",
                nhs_number="",
                sex="",
                address_line="",
                postcode="",
                service="Assessment team",
                practitioner_name="Sam Worker",
                related_local_id="",
                relationship="",
            )
        ],
    )
    child = record("refuge", "R-1").person
    assert child.is_shielded and record("school", "S-1").person_id == child.pk
    review = MatchReview.objects.get(candidate=child)
    return {"child": child.pk, "mother": record("school", "S-2").person_id, "review": review.pk}


def _page(client: Any, name: str, *args: Any, with_purpose: bool = False, **post: Any) -> str:
    url = reverse(name, args=args)
    if with_purpose:
        client.post(reverse("people:purpose", args=args), {"purpose": "mash_screening"})
    response = client.post(url, post) if post else client.get(url)
    assert response.status_code == 200, (name, response.status_code)
    return response.content.decode()


def _criteria(**criteria: str) -> dict[str, str]:
    fields = dict.fromkeys(("given_name", "family_name", "postcode", "nhs_number"), "")
    return {**fields, "purpose": "mash_screening", **criteria}


def _search(client: Any, **criteria: str) -> str:
    # Search is a GET (Back returns to the results), with the criteria in the query string.
    response = client.get(reverse("people:search"), _criteria(**criteria))
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _results(page: str) -> str:
    """The results of a search page, not the form that echoes what the searcher typed."""
    start = page.index('data-testid="search-results"')
    return page[start : page.index("</ol>", start)]


def _leaks(page: str) -> list[str]:
    return [text for text in HIDDEN if text in page]


def _dob() -> dict[str, str]:
    return {"date_of_birth": "2016-04-09", "dob_tolerance": "0"}


def test_shielding_every_page_showing_a_person_shows_only_name_and_contact(
    shielded: dict[str, int], signed_in: Any
) -> None:
    officer = signed_in("ig_officer")
    pages = {
        "search by name and date": _results(
            _search(officer, given_name="Amelia", family_name="Kowalski", **_dob())
        ),
        "card": _page(officer, "people:card", shielded["child"], with_purpose=True),
        "mother's card": _page(officer, "people:card", shielded["mother"], with_purpose=True),
        "review queue": _page(officer, "people:reviews"),
        "review": _page(officer, "people:review", shielded["review"]),
    }
    assert {where: _leaks(page) for where, page in pages.items()} == {where: [] for where in pages}
    assert "Amelia" in pages["search by name and date"] and BROKER in pages["card"]
    assert BROKER in pages["review"] and BROKER in pages["mother's card"]


def test_shielding_search_by_hidden_fields_alone_finds_nobody(
    shielded: dict[str, int], signed_in: Any
) -> None:
    client = signed_in("social_worker")
    for criteria in ({"nhs_number": NHS_A}, {"postcode": "NS9 9ZZ"}, _dob()):
        page = _search(client, **criteria)
        assert "Amelia" not in page, criteria


def test_shielding_card_lists_only_the_viewers_own_agency_records(
    shielded: dict[str, int], signed_in: Any
) -> None:
    response = signed_in("ig_officer").post(
        reverse("people:purpose", args=[shielded["child"]]), {"purpose": "mash_screening"}, follow=True
    )
    assert response.context["card"].records == []
    assert "source-records" not in response.content.decode()


def test_shielding_relatives_card_does_not_link_to_the_shielded_child(
    shielded: dict[str, int], signed_in: Any
) -> None:
    page = _page(signed_in("social_worker"), "people:card", shielded["mother"], with_purpose=True)
    assert "14 Old Lane" in page  # the mother's own card is not shielded
    assert reverse("people:card", args=[shielded["child"]]) not in page
    assert "Amelia" not in page
    assert "shielded" in page.lower() and BROKER in page


def test_shielding_review_shows_own_record_in_full_and_the_shielded_one_withheld(
    shielded: dict[str, int], signed_in: Any
) -> None:
    response = signed_in("ig_officer").get(reverse("people:review", args=[shielded["review"]]))
    rows = {r.label: r for r in response.context["rows"]}
    assert rows["Given name"].candidate == "Amelia" and rows["Family name"].candidate == "Kowalski"
    assert rows["Service"].incoming == "Assessment team"
    for label in ("Date of birth", "NHS number", "Address", "Postcode", "Service", "Sex"):
        assert rows[label].withheld and rows[label].candidate == "" and rows[label].weight is None, label


def test_shielding_unshielded_child_review_still_shows_both_records(signed_in: Any) -> None:
    import_rows("health", [AMELIA])
    import_rows("test-csc", [row(local_id="CSC-1", date_of_birth="", nhs_number="", sex="", service="CSC")])
    review = MatchReview.objects.get()
    page = _page(signed_in("ig_officer"), "people:review", review.pk)
    assert "12 Acacia Avenue" in page and "9 April 2016" not in page  # as the agency wrote it
    assert "2016-04-09" in page and "Agency health" in page


def test_shielding_search_date_with_a_made_up_name_finds_nobody(
    shielded: dict[str, int], signed_in: Any
) -> None:
    page = _results(_search(signed_in("social_worker"), given_name="Zed", **_dob()))
    assert "Amelia" not in page


def test_shielding_search_by_name_ranks_them_on_names_whatever_date_is_given(
    shielded: dict[str, int],
) -> None:
    from goldenthread.linkage.keys import parse_birth_date
    from goldenthread.people.search import SearchQuery, people_search

    totals = {}
    for given in ("2016-04-09", "1990-01-01"):
        query = SearchQuery("Amelia", "Kowalski", birth=parse_birth_date(given))
        totals[given] = {hit.person.pk: hit.weight for hit in people_search(query)}.get(shielded["child"])
    # Found both times, and the hidden date moves nothing: a right guess ranks as a wrong one.
    assert totals["2016-04-09"] is not None and totals["2016-04-09"] == totals["1990-01-01"]


def test_shielding_review_reads_the_candidate_as_merged_since(signed_in: Any, persona: Any) -> None:
    from goldenthread.core.actor import Actor
    from goldenthread.people.actions import match_review_link

    import_rows("refuge", REFUGE_ROWS)
    child = record("refuge", "R-1").person_id
    lookalike = row(date_of_birth="", nhs_number="", address_line="7 Harbour Road", postcode="NS8 8YY")
    import_rows("gp", [{**lookalike, "local_id": "G-1", "service": "GP surgery"}])
    import_rows("test-csc", [{**lookalike, "local_id": "C-1", "service": "Early help"}])
    gp_review = MatchReview.objects.get(source_record__local_id="G-1", candidate_id=child)
    csc_review = MatchReview.objects.get(source_record__local_id="C-1", candidate_record__local_id="G-1")
    match_review_link(review=gp_review, by=Actor.of(persona("ig_officer").user))
    page = _page(signed_in("ig_officer"), "people:review", csc_review.pk)
    assert BROKER in page and "Agency gp" not in page and "GP surgery" not in page


def test_shielding_separating_a_record_from_a_shielded_person_refused(shielded: dict[str, int]) -> None:
    from goldenthread.core.actor import Actor
    from goldenthread.people.actions import LinkError, person_unmerge

    with pytest.raises(LinkError, match="shielded"):
        person_unmerge(record=record("school", "S-1"), by=Actor(username="o"))
    assert record("school", "S-1").person_id == shielded["child"]
