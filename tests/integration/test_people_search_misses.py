"""Searches the benchmark used to lose (bench/search_misses.py): a typing error trigrams cannot see, and
given and family names swapped with a typo."""

from __future__ import annotations

import pytest
from django.db import connection

from goldenthread.linkage import scoring
from goldenthread.linkage.keys import key_deletions, parse_birth_date
from goldenthread.people import search, search_keys
from goldenthread.people.models import NameKey, NameKeyDeletion, NamePart
from goldenthread.people.search import SearchQuery, mistyped_years, people_search
from goldenthread.people.search_keys import one_edit
from tests.integration.people_support import AMELIA, import_rows, record, row

pytestmark = pytest.mark.django_db


def test_one_edit_covers_each_kind_of_typing_error() -> None:
    edits = set(one_edit("kaur"))
    assert {"kar", "akur", "kcur", "kauer"} <= edits  # dropped, swapped, changed, added
    assert "kaur" not in edits and "kcr" not in edits  # itself, and two errors away


def test_search_family_name_one_letter_changed_finds_child() -> None:
    # "Kcur" shares two trigrams of eight with "Kaur", sounds different and starts differently.
    import_rows("health", [row(family_name="Kaur")])
    hits = people_search(SearchQuery(given_name="Amelia", family_name="Kcur"))
    assert [hit.person.pk for hit in hits] == [record("health", "H-1").person_id]
    reasons = {w.field: w.outcome for w in hits[0].reasons}
    assert reasons["family_name"] in ("Close spelling", "One letter different")


def test_search_swapped_names_with_a_typo_ranks_child_first() -> None:
    # A namesake born the same day agrees on one crossed name exactly; the child agrees on both, one of
    # them misspelt, which only a crossed comparison sees.
    import_rows(
        "health",
        [AMELIA, row(local_id="H-2", family_name="Adams", nhs_number="", postcode="NS9 9ZZ")],
    )
    query = SearchQuery(
        given_name="Kowalsky", family_name="Amelia", birth=parse_birth_date(AMELIA["date_of_birth"])
    )
    hits = people_search(query)
    assert hits[0].person.pk == record("health", "H-1").person_id
    assert "Given and family names swapped" in [w.outcome for w in hits[0].against]
    assert {w.field: w.outcome for w in hits[0].reasons}["given_name"] == "Close spelling"


def _misspellings_fill_key_limit(given_key: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ten given-name keys one letter from ``given_key``, past a key limit cut to five."""
    misspelt = [given_key + c for c in "abcdefghij"]
    NameKey.objects.bulk_create(NameKey(part=NamePart.GIVEN, key=key, canon=key, phon="") for key in misspelt)
    NameKeyDeletion.objects.bulk_create(
        NameKeyDeletion(
            name_key=name_key, part=NamePart.GIVEN, deleted=deleted, position=position, letter=letter
        )
        for name_key in NameKey.objects.filter(part=NamePart.GIVEN, key__in=misspelt)
        for deleted, position, letter in key_deletions(name_key.key)
    )
    monkeypatch.setattr(search_keys, "MAX_KEYS", 5)
    if connection.vendor == "postgresql":
        # Found one typing error away (not by trigrams), they and the query's own key fill the limit.
        assert set(search_keys.keys(NamePart.GIVEN, given_key, "")) <= {given_key, *misspelt}


def test_search_nickname_kept_when_misspellings_fill_the_key_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    # A common name has more misspellings in a large index than the search takes keys; its nicknames
    # must not be the ones left out.
    import_rows("health", [row(given_name="Milly")])
    _misspellings_fill_key_limit("millie", monkeypatch)
    hits = people_search(SearchQuery(given_name="Millie", family_name="Kowalski"))
    assert [hit.person.pk for hit in hits] == [record("health", "H-1").person_id]


def test_search_common_namesake_without_date_ranks_below_child_born_that_day(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The child was recorded under another parent's family name; a namesake has no date of birth. Where
    # "Davies" is one name in three, sharing it says little and the date of birth decides.
    import_rows(
        "health",
        [
            row(given_name="Ava", family_name="Jones", nhs_number="", postcode="NS1 1AA"),
            row(local_id="H-2", given_name="Ava", family_name="Davies", date_of_birth="", nhs_number=""),
            *(
                row(local_id=f"H-{i}", given_name=g, family_name="Davies", date_of_birth=d, nhs_number="")
                for i, g, d in (
                    (3, "Jack", "2012-01-02"),
                    (4, "Noah", "2013-05-06"),
                    (5, "Leo", "2010-07-08"),
                )
            ),
        ],
    )
    monkeypatch.setattr(scoring, "PRIOR_NAMES", 0)  # as in an index large enough to count names
    query = SearchQuery(
        given_name="Ava", family_name="Davies", birth=parse_birth_date(AMELIA["date_of_birth"])
    )
    assert people_search(query)[0].person.pk == record("health", "H-1").person_id


def test_mistyped_years_one_slip_away_only() -> None:
    years = mistyped_years(2019)
    assert {2010, 2018, 2020, 2009, 2029} <= set(years)  # a digit changed, or one year either side
    assert 2019 not in years and 2001 not in years and len(years) <= 13


def test_search_rare_family_name_finds_child_whose_given_name_is_misspelt_past_the_key_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # "Olhver" is one of hundreds of misspellings of a common given name, past the keys the search
    # takes; "Penworth" is held by one child, so the family name alone is enough to look at.
    import_rows("health", [row(given_name="Olhver", family_name="Penworth")])
    _misspellings_fill_key_limit("oliver", monkeypatch)
    hits = people_search(SearchQuery(given_name="Oliver", family_name="Penworth"))
    assert [hit.person.pk for hit in hits] == [record("health", "H-1").person_id]


def test_search_common_family_name_alone_does_not_bring_in_every_namesake(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import_rows(
        "health",
        [
            row(local_id=f"H-{i}", given_name=g, family_name="Penworth", nhs_number="")
            for i, g in enumerate(("Jack", "Noah", "Leo"), start=1)
        ],
    )
    monkeypatch.setattr(search, "RARE_NAME", 2)
    hits = people_search(SearchQuery(given_name="Zebedee", family_name="Penworth"))
    assert hits == []


def test_search_year_of_birth_keeps_exact_namesakes_when_close_spellings_fill_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Born in the same year, all are as near the query's year as each other; the limit must keep the
    # child with the query's own names rather than any of its close spellings.
    import_rows(
        "health",
        [
            row(local_id=f"H-{i}", given_name=g, family_name="Kowalsky", date_of_birth=d, nhs_number="")
            for i, (g, d) in enumerate(
                (("Amelie", "2016-02-01"), ("Ameliaa", "2016-03-01"), ("Amelia", "2016-04-09")), start=1
            )
        ],
    )
    monkeypatch.setattr(search, "MAX_PER_CRITERION", 2)
    monkeypatch.setattr(search, "RARE_NAME", 0)
    hits = people_search(
        SearchQuery(given_name="Amelia", family_name="Kowalsky", birth=parse_birth_date("2016"))
    )
    assert record("health", "H-3").person_id in [hit.person.pk for hit in hits]
