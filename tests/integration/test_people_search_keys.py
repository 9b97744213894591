"""The search's table of distinct name keys (NameKey) keeps step with PersonName; the search reads it."""

from __future__ import annotations

import pytest

from goldenthread.accounts.models import User
from goldenthread.core.actor import Actor
from goldenthread.linkage.keys import NameKeys, key_deletions, parse_birth_date
from goldenthread.people import search, search_keys
from goldenthread.people.actions import person_merge, person_unmerge
from goldenthread.people.derive import name_keys_rebuild
from goldenthread.people.models import NameKey, NameKeyDeletion, NamePart, PersonName
from goldenthread.people.search import SearchQuery, people_search
from goldenthread.people.search_keys import name_key_choice
from tests.integration.people_support import AMELIA, import_rows, record, row

pytestmark = pytest.mark.django_db


def _officer() -> User:
    return User.objects.create(username="officer", first_name="Data", last_name="Officer")


def _keys_held() -> set[tuple[str, str]]:
    return set(NameKey.objects.values_list("part", "key"))


def _keys_of_names() -> set[tuple[str, str]]:
    given = {(NamePart.GIVEN.value, k) for k in PersonName.objects.values_list("given_key", flat=True) if k}
    family = {
        (NamePart.FAMILY.value, k) for k in PersonName.objects.values_list("family_key", flat=True) if k
    }
    return given | family


def _found(given: str, family: str) -> list[int]:
    return [hit.person.pk for hit in people_search(SearchQuery(given_name=given, family_name=family))]


def test_name_keys_import_adds_every_distinct_key_once() -> None:
    import_rows(
        "health",
        [
            AMELIA,
            row(local_id="H-2", given_name="Amelia", family_name="Nowak", nhs_number=""),
            row(
                local_id="H-3", given_name="Zofia", family_name="Kowalski", nhs_number="", other_names="Zosia"
            ),
        ],
    )
    assert _keys_held() == _keys_of_names()
    assert NameKey.objects.filter(part=NamePart.GIVEN, key=record("health", "H-1").given_key).count() == 1
    held = NameKey.objects.count()
    import_rows("health", [AMELIA])  # the same record again changes nothing
    assert NameKey.objects.count() == held


def test_name_keys_reimported_record_with_new_name_adds_its_key() -> None:
    import_rows("health", [AMELIA])
    import_rows("health", [row(family_name="Lewandowska")])
    assert ("family", record("health", "H-1").family_key) in _keys_held()
    assert _keys_held() >= _keys_of_names()
    assert _found("Amelia", "Lewandowsak") == [record("health", "H-1").person_id]


def test_name_keys_kept_through_merge_and_unmerge() -> None:
    import_rows("health", [AMELIA])
    import_rows(
        "school",
        [row(local_id="S-1", given_name="Amy", family_name="Kowalsky", date_of_birth="2016", nhs_number="")],
    )
    keep, absorb = record("health", "H-1").person, record("school", "S-1").person
    assert keep.pk != absorb.pk
    officer = _officer()
    person_merge(keep=keep, absorb=absorb, by=Actor.of(officer))
    assert _keys_held() == _keys_of_names()
    # The absorbed record's spelling now finds the person it was merged into, and only that person.
    assert _found("Amy", "Kowalksy") == [keep.pk]
    restored = person_unmerge(record=record("school", "S-1"), by=Actor.of(officer))
    assert _keys_held() == _keys_of_names()
    assert restored.pk in _found("Amy", "Kowalksy")


def test_search_misspelt_name_found_through_name_keys_only() -> None:
    import_rows("health", [AMELIA])
    person_id = record("health", "H-1").person_id
    assert _found("Amelia", "Kowalksi") == [person_id]
    NameKey.objects.all().delete()
    assert _found("Amelia", "Kowalksi") == []  # fuzzy name matching reads NameKey, not PersonName
    name_keys_rebuild()
    assert _keys_held() == _keys_of_names()
    assert _found("Amelia", "Kowalksi") == [person_id]


def test_search_misspelt_given_name_with_date_of_birth_finds_child() -> None:
    import_rows(
        "health",
        [AMELIA, row(local_id="H-2", given_name="Oliwia", date_of_birth="2016-04-10", nhs_number="")],
    )
    query = SearchQuery(
        given_name="Ameila", family_name="Kowlaski", birth=parse_birth_date(AMELIA["date_of_birth"])
    )
    assert people_search(query)[0].person.pk == record("health", "H-1").person_id


def _born_in_step() -> bool:
    return all(
        born == person_born
        for born, person_born in PersonName.objects.values_list("person__date_of_birth", "person_born")
    )


def test_name_person_born_kept_through_import_merge_and_unmerge() -> None:
    import_rows("health", [AMELIA])
    import_rows("school", [row(local_id="S-1", given_name="Amy", date_of_birth="2016-09-04", nhs_number="")])
    assert PersonName.objects.filter(person_born__isnull=False).count() == 2
    assert _born_in_step()
    keep, absorb = record("health", "H-1").person, record("school", "S-1").person
    officer = _officer()
    person_merge(keep=keep, absorb=absorb, by=Actor.of(officer))
    assert _born_in_step()
    person_unmerge(record=record("school", "S-1"), by=Actor.of(officer))
    assert _born_in_step()
    import_rows("health", [row(date_of_birth="2016-04-19")])  # the agency corrects the date
    assert _born_in_step()


def test_search_name_with_mistyped_year_of_birth_finds_child() -> None:
    import_rows("health", [AMELIA, row(local_id="H-2", given_name="Zofia", nhs_number="")])
    query = SearchQuery(given_name="Amelia", family_name="Kowalski", birth=parse_birth_date("2019-04-09"))
    assert people_search(query)[0].person.pk == record("health", "H-1").person_id


def _family_choice(family: str) -> list[str]:
    return name_key_choice(NameKeys.of("", family)).family


def test_name_key_choice_two_typing_errors_found_when_closer_keys_leave_room() -> None:
    # Two errors away is found by trigrams (PostgreSQL) or a shared start (SQLite), after the key one
    # error away; the fuzzy arm is only skipped when closer keys already fill the limit.
    import_rows(
        "health",
        [
            row(local_id="H-1", family_name="Wojcikowsky", nhs_number=""),
            row(local_id="H-2", family_name="Wojcikovsky", nhs_number=""),
        ],
    )
    assert _family_choice("Wojcikowski") == ["wojcikowsky", "wojcikovsky"]


def test_name_key_choice_keys_one_error_away_filling_the_limit_keep_their_places(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import_rows(
        "health",
        [
            row(local_id="H-1", family_name="Wojcikowski", nhs_number=""),
            row(local_id="H-2", family_name="Wojcikovsky", nhs_number=""),
            row(local_id="H-3", family_name="Wojcikowsky", nhs_number=""),
        ],
    )
    monkeypatch.setattr(search_keys, "MAX_KEYS", 2)
    choice = name_key_choice(NameKeys.of("", "Wojcikowski"))
    assert choice.family == ["wojcikowski", "wojcikowsky"]
    assert choice.counts == {"family_name": 1}


def _deletions_held() -> set[tuple[str, str, str, int, str]]:
    return set(NameKeyDeletion.objects.values_list("part", "name_key__key", "deleted", "position", "letter"))


def _deletions_of_keys() -> set[tuple[str, str, str, int, str]]:
    return {
        (part, key, *deletion)
        for part, key in NameKey.objects.values_list("part", "key")
        for deletion in key_deletions(key)
    }


def test_name_key_deletions_kept_in_step_through_import_and_rebuild() -> None:
    import_rows("health", [AMELIA, row(local_id="H-2", given_name="Jo", family_name="Li", nhs_number="")])
    import_rows("health", [row(family_name="Lewandowska")])  # a new key for a record already held
    held = _deletions_held()
    assert held == _deletions_of_keys()
    assert ("family", "li", "li", -1, "") in held  # a short key is its own row only
    assert ("family", "lewandowska", "lewandowsa", 9, "k") in held
    name_keys_rebuild()  # drops the replaced name's key ("kowalski") with its rows
    rebuilt = _deletions_held()
    assert rebuilt == _deletions_of_keys()
    assert rebuilt < held


def test_name_key_choice_keys_one_typing_error_away_are_exactly_those(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # One error from "nowak": a letter dropped, added, changed, neighbours swapped (first two letters too).
    # "nwako" and "oawak" share a deletion with it but are two errors away (the letter taken out at
    # positions far apart; a different letter at neighbouring positions): with room for six keys they
    # would push "onwak" out if they counted as one error away, and "nowakowa" (spelt more alike than
    # "snowak", but three errors away) would take the place of a key one error away that was missed.
    names = ["Nowak", "Nowk", "Snowak", "Nowek", "Nowka", "Onwak", "Nwako", "Oawak", "Nowakowa"]
    import_rows("health", [row(local_id=f"H-{i}", family_name=n, nhs_number="") for i, n in enumerate(names)])
    monkeypatch.setattr(search_keys, "MAX_KEYS", 6)
    assert set(_family_choice("Nowak")) == {"nowak", "nowk", "snowak", "nowek", "nowka", "onwak"}


def test_name_key_choice_key_without_deletion_rows_still_found_as_itself(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A key written without its NameKeyDeletion rows (by a release before them, during an upgrade) is
    # still the query's own key, ranked before keys one typing error away that would fill the limit.
    names = ["Nowak", "Nowk", "Nowek", "Nowka", "Onwak"]
    import_rows("health", [row(local_id=f"H-{i}", family_name=n, nhs_number="") for i, n in enumerate(names)])
    NameKeyDeletion.objects.filter(name_key__key="nowak").delete()
    monkeypatch.setattr(search_keys, "MAX_KEYS", 2)
    assert _family_choice("Nowak")[0] == "nowak"


def test_search_two_letter_family_name_finds_child() -> None:
    import_rows("health", [row(family_name="Wu"), row(local_id="H-2", family_name="Wong", nhs_number="")])
    assert _found("Amelia", "Wu") == [record("health", "H-1").person_id]


def test_search_both_names_finds_record_holding_one_of_them(monkeypatch: pytest.MonkeyPatch) -> None:
    # An agency that never had the given (or family) name: its record pairs with neither of the query's
    # name pairs, and here neither name is rare enough to look at everyone holding it.
    monkeypatch.setattr(search, "RARE_NAME", 0)
    import_rows(
        "health",
        [
            row(given_name="", family_name="Kowalsky", nhs_number=""),
            row(
                local_id="H-2",
                given_name="Amelai",
                family_name="",
                date_of_birth="2012-01-30",
                nhs_number="",
                address_line="",
                postcode="",
            ),
        ],
    )
    held = {record("health", "H-1").person_id, record("health", "H-2").person_id}
    assert len(held) == 2
    assert set(_found("Amelia", "Kowalski")) == held


def test_within_one_edit_agrees_with_one_edit() -> None:
    keys = ["nowak", "nowk", "snowak", "nowek", "nowka", "onwak", "nwako", "oawak", "nowakowa", "no", "now"]
    for key in keys:
        for other in keys:
            assert search_keys.within_one_edit(key, other) == (
                other == key or other in search_keys.one_edit(key)
            )


def test_search_born_that_day_after_merge_finds_only_the_person_kept() -> None:
    # The same-birthday arm reads names alone (no join to people_person for merged persons): a merged
    # person must hold no names, so the person it was merged into is the one found, with both spellings.
    import_rows("health", [AMELIA])
    import_rows(
        "school",
        [
            row(
                local_id="S-1",
                given_name="Emilia",
                family_name="Kovalska",
                nhs_number="",
                postcode="NS9 9ZZ",
                address_line="1 Elm Row",
            )
        ],
    )
    keep, absorb = record("health", "H-1").person, record("school", "S-1").person
    assert keep.pk != absorb.pk
    person_merge(keep=keep, absorb=absorb, by=Actor.of(_officer()))
    assert not PersonName.objects.filter(person=absorb).exists()
    query = SearchQuery(
        given_name="Emilja", family_name="Kovalsca", birth=parse_birth_date(AMELIA["date_of_birth"])
    )
    assert [hit.person.pk for hit in people_search(query)] == [keep.pk]
