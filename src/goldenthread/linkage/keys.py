"""The comparable keys of one person record, built with the normalisers of this package.

Pure Python, no Django: the import stores these keys on each source record and person name, and the
search builds the same keys from what a practitioner types, so both sides are normalised alike.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from goldenthread.linkage import normalise as nm

_SEX = {
    "m": "male",
    "male": "male",
    "boy": "male",
    "f": "female",
    "female": "female",
    "girl": "female",
    "other": "other",
    "x": "other",
    "u": "unknown",
    "unknown": "unknown",
    "not known": "unknown",
}


@dataclass(frozen=True)
class NameKeys:
    given_key: str = ""
    given_canon: str = ""
    given_phon: str = ""
    family_key: str = ""
    family_phon: str = ""

    @classmethod
    def of(cls, given: str, family: str) -> NameKeys:
        return cls(
            given_key=nm.name_key(given),
            given_canon=nm.canonical_given_name(given),
            given_phon=nm.phonetic_key(given),
            family_key=nm.name_key(family),
            family_phon=nm.phonetic_key(family),
        )


@dataclass(frozen=True)
class BirthDate:
    """A date of birth to day, month or year precision; a partial date is held as its first day."""

    date: dt.date
    precision: str  # "day" | "month" | "year"
    repaired: bool = False

    @property
    def swapped(self) -> dt.date | None:
        """The same date with day and month exchanged, when that is another valid date."""
        if self.precision != "day" or self.date.day > 12 or self.date.day == self.date.month:
            return None
        return dt.date(self.date.year, self.date.day, self.date.month)


def parse_birth_date(raw: str, *, today: dt.date | None = None) -> BirthDate | None:
    parsed = nm.parse_date_of_birth(raw, today=today)
    if parsed is None:
        return None
    return BirthDate(
        dt.date(parsed.year, parsed.month or 1, parsed.day or 1), parsed.precision, parsed.repaired
    )


def normalise_sex(raw: str) -> str | None:
    """ "male", "female", "other" or "unknown"; None when the text is not one we recognise."""
    text = raw.strip().lower()
    if not text:
        return "unknown"
    return _SEX.get(text)


def postcode_keys(raw: str) -> tuple[str, str] | None:
    """(postcode, sector) in standard form, or None when it is not a UK postcode."""
    postcode = nm.normalise_postcode(raw)
    if postcode is None:
        return None
    parts = nm.postcode_parts(postcode)
    return postcode, parts[2] if parts else ""


@dataclass(frozen=True)
class RecordKeys:
    """Everything the scorer compares about one record (or one search)."""

    names: NameKeys = NameKeys()
    birth: BirthDate | None = None
    sex: str = "unknown"
    postcode: str = ""
    postcode_sector: str = ""
    nhs_number: str = ""


EDITABLE_KEY = 3  # a name key at least this long is searched with its keys one typing error away


def key_deletions(key: str) -> list[tuple[str, int, str]]:
    """``key`` itself (position -1), then ``key`` with each letter taken out: (string, position, letter).

    people.models.NameKeyDeletion holds these rows for every name key in the index; the search meets the
    query's own rows against them to find the keys one typing error away. A key too short to be edited
    is its own row only.
    """
    rows = [(key, -1, "")]
    if len(key) >= EDITABLE_KEY:
        rows += [(key[:i] + key[i + 1 :], i, key[i]) for i in range(len(key))]
    return rows
