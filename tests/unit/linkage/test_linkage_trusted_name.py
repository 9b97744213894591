"""The name the index shows: most agencies agreeing, then the most recent, never a typo of another."""

from __future__ import annotations

from collections.abc import Callable

from goldenthread.linkage.keys import NameKeys
from goldenthread.linkage.trusted_name import RecordedName, one_error_apart, trusted_name


def _name(given: str, family: str, agency: int) -> RecordedName:
    keys = NameKeys.of(given, family)
    return RecordedName(given, family, keys.given_key, keys.family_key, agency)


def _counts(**by_family: int) -> Callable[[tuple[str, str]], int]:
    return lambda key: by_family.get(key[1], 1)


def test_trusted_name_newer_typo_with_a_rarer_spelling_is_not_shown() -> None:
    names = [_name("Harry", "wilkinsoa", 2), _name("Harry", "Wilkinson", 1)]  # newest first
    assert trusted_name(names, _counts(wilkinson=40, wilkinsoa=1)) == ("Harry", "Wilkinson")


def test_trusted_name_typo_loses_to_more_agencies_whatever_the_index_says() -> None:
    names = [_name("Harry", "Wilkinsen", 3), _name("Harry", "Wilkinson", 1), _name("Harry", "Wilkinson", 2)]
    assert trusted_name(names, _counts(wilkinsen=99)) == ("Harry", "Wilkinson")


def test_trusted_name_one_agency_twice_is_one_voice() -> None:
    names = [_name("Harry", "Harrison", 2), _name("Harry", "Wilkinson", 1), _name("Harry", "Wilkinson", 1)]
    assert trusted_name(names, _counts()) == ("Harry", "Harrison")


def test_trusted_name_different_name_is_not_a_typo_newest_wins_a_tie() -> None:
    names = [_name("Harry", "Harrison", 2), _name("Harry", "Wilkinson", 1)]
    assert trusted_name(names, _counts(wilkinson=40)) == ("Harry", "Harrison")


def test_trusted_name_spelling_is_the_newest_records_of_the_chosen_name() -> None:
    names = [_name("HARRY", "WILKINSON", 2), _name("Harry", "Wilkinson", 1)]
    assert trusted_name(names, _counts()) == ("HARRY", "WILKINSON")
    assert trusted_name([], _counts()) == ("", "")


def test_one_error_apart_one_part_one_edit_only() -> None:
    assert one_error_apart(("harry", "wilkinson"), ("harry", "wilkinsoa"))
    assert one_error_apart(("harry", "wilkinson"), ("hary", "wilkinson"))
    assert not one_error_apart(("harry", "wilkinson"), ("hary", "wilkinsoa"))
    assert not one_error_apart(("harry", "wilkinson"), ("harry", "harrison"))
    assert not one_error_apart(("harry", "wilkinson"), ("harry", "wilkinson"))
