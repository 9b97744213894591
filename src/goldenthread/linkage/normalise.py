"""Normalisation of the fields agencies record about a person.

Pure functions, no Django and no database: the batch linker, the import and the real-time search all key
names, dates, postcodes and NHS numbers the same way, so a record keyed at import finds the same record in
a search.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import jellyfish
from anyascii import anyascii

# Titles are stripped only as whole leading/trailing tokens, so "Masters" or "Drew" survive.
TITLES = frozenset(
    {"mr", "mrs", "ms", "miss", "mstr", "master", "mx", "dr", "prof", "rev", "sir", "dame", "lady", "lord"}
)
_NOT_NAME = re.compile(r"[^a-z\s-]")
_SPACES = re.compile(r"[\s-]+")


def transliterate(text: str) -> str:
    """Latin ASCII form of any script: "Małgorzata" -> "Malgorzata", "Александр" -> "Aleksandr"."""
    return anyascii(text)


def normalise_name(raw: object) -> str:
    """Lower-case ASCII tokens separated by single spaces; titles, punctuation and digits dropped.

    Hyphens separate tokens, so "Smith-Jones" and "Smith Jones" normalise alike; apostrophes join, so
    "O'Brien" and "OBrien" do.
    """
    if not isinstance(raw, str):
        return ""
    text = transliterate(raw).lower().replace("'", "").replace("`", "")
    text = _NOT_NAME.sub(" ", text)
    tokens = [t for t in _SPACES.split(text) if t]
    while tokens and tokens[0] in TITLES:
        tokens.pop(0)
    while tokens and tokens[-1] in TITLES:
        tokens.pop()
    return " ".join(tokens)


def name_tokens(raw: object) -> list[str]:
    """The parts of a double-barrelled or multi-part name: "Smith-Jones" -> ["smith", "jones"]."""
    normalised = normalise_name(raw)
    return normalised.split(" ") if normalised else []


def name_key(raw: object) -> str:
    """One comparable key for a name however it was split: "Abdul Rahman" and "Abdulrahman" agree."""
    return normalise_name(raw).replace(" ", "")


# The keys below are each a function of ``normalise_name``'s result; the ``*_of_normalised`` forms let a
# caller with many names (the batch linker) normalise each name once for all of them.


def canonical_of_normalised(normalised: str) -> str:
    """``canonical_given_name`` of a name whose ``normalise_name`` is ``normalised``."""
    key = normalised.replace(" ", "")
    if not key:
        return ""
    table = nickname_table()
    if key in table:
        return table[key]
    return table.get(normalised.split(" ")[0], key)


def phonetic_of_normalised(normalised: str) -> str:
    """``phonetic_key`` of a name whose ``normalise_name`` is ``normalised``."""
    key = normalised.replace(" ", "")
    return jellyfish.metaphone(key) if key else ""


@cache
def nickname_table() -> dict[str, str]:
    """Variant -> canonical given name, from the nicknames.csv data file beside this module."""
    table: dict[str, str] = {}
    with resources.files(__package__).joinpath("nicknames.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            canonical = row["canonical"].strip()
            table.setdefault(canonical, canonical)
            for variant in row["variants"].split():
                # First listing wins: a variant belongs to one group, so keys stay a partition.
                table.setdefault(variant, canonical)
    return table


def canonical_given_name(raw: object) -> str:
    """Key under which nicknames and spelling variants of a given name agree.

    "Bill" -> "william", "Mohamed" -> "muhammad"; a name the table does not know is its own key.
    The whole name is tried first (for "Abdul Rahman"), then its first token (for "Mohammed Ali").
    """
    return canonical_of_normalised(normalise_name(raw))


def names_equivalent(a: object, b: object) -> bool:
    key_a = canonical_given_name(a)
    return bool(key_a) and key_a == canonical_given_name(b)


def phonetic_key(raw: object) -> str:
    """Metaphone of the name key: "Smith"/"Smyth" and "Kowalski"/"Kowalsky" share one."""
    return phonetic_of_normalised(normalise_name(raw))


def soundex_key(raw: object) -> str:
    key = name_key(raw)
    return jellyfish.soundex(key) if key else ""


# --- dates of birth -------------------------------------------------------------------------------------

_YMD = re.compile(r"^(\d{4})[-/. ](\d{1,2})[-/. ](\d{1,2})$|^(\d{4})(\d{2})(\d{2})$")
_DMY = re.compile(r"^(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{4})$")
_YM = re.compile(r"^(\d{4})[-/. ](\d{1,2})$")
_Y = re.compile(r"^(\d{4})$")
EARLIEST_BIRTH_YEAR = 1900


@dataclass(frozen=True)
class DateOfBirth:
    """A date of birth known to day, month or year precision.

    ``repaired`` is set when the text had day and month the wrong way round (month > 12) and was read
    the other way: the value is usable but less certain.
    """

    year: int
    month: int | None = None
    day: int | None = None
    repaired: bool = False

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def iso(self) -> str | None:
        """YYYY-MM-DD when known to the day, else None."""
        if self.day is None or self.month is None:
            return None
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def day_month_swapped(self) -> str | None:
        """The date read with day and month exchanged, when that is a different valid date."""
        if self.day is None or self.month is None or self.day == self.month or self.day > 12:
            return None
        return f"{self.year:04d}-{self.day:02d}-{self.month:02d}"


def _valid(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _plausible_year(year: int, today: dt.date) -> bool:
    return EARLIEST_BIRTH_YEAR <= year <= today.year


def parse_date_of_birth(raw: object, *, today: dt.date | None = None) -> DateOfBirth | None:
    """Read a date of birth as agencies write it; None when nothing trustworthy can be read.

    Accepts YYYY-MM-DD (the contract), YYYYMMDD, DD/MM/YYYY (British order), YYYY-MM and YYYY. A month
    above 12 with a day of 12 or less is taken as a day/month swap and repaired. Impossible dates
    (31 February), future dates and years before 1900 give None rather than a guess.
    """
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    if not text:
        return None
    today = today or dt.date.today()
    if "T" in text:
        text = text.split("T", 1)[0]
    elif " " in text and ":" in text:
        text = text.split(" ", 1)[0]
    parts: tuple[int, int, int] | None = None
    if m := _YMD.match(text):
        year, month, day = (m[1], m[2], m[3]) if m[1] else (m[4], m[5], m[6])
        parts = (int(year), int(month), int(day))
    elif m := _DMY.match(text):
        parts = (int(m[3]), int(m[2]), int(m[1]))
    elif m := _YM.match(text):
        year, month = int(m[1]), int(m[2])
        if _plausible_year(year, today) and 1 <= month <= 12:
            return DateOfBirth(year, month)
        return DateOfBirth(year) if _plausible_year(year, today) else None
    elif m := _Y.match(text):
        year = int(m[1])
        return DateOfBirth(year) if _plausible_year(year, today) else None
    if parts is None:
        return None
    year, month, day = parts
    if not _plausible_year(year, today):
        return None
    repaired = False
    if not _valid(year, month, day) and _valid(year, day, month):
        month, day, repaired = day, month, True
    if not _valid(year, month, day) or dt.date(year, month, day) > today:
        # "2012-02-31": the year and month are probably right even if the day is not.
        return DateOfBirth(year, month) if 1 <= month <= 12 else DateOfBirth(year)
    return DateOfBirth(year, month, day, repaired)


def is_day_month_swap(a: object, b: object) -> bool:
    """True when two dates of birth are the same date with day and month exchanged."""
    pa, pb = parse_date_of_birth(a), parse_date_of_birth(b)
    if pa is None or pb is None or pa.iso() is None or pb.iso() is None:
        return False
    return pa.day_month_swapped() == pb.iso()


# --- postcodes ------------------------------------------------------------------------------------------

_UK_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_NOT_ALNUM = re.compile(r"[^A-Z0-9]")
# Inward codes are digit-letter-letter, so a letter O in the digit slot is a zero typed wrongly.
_INWARD_FIX = str.maketrans({"O": "0", "I": "1"})


def normalise_postcode(raw: object) -> str | None:
    """UK postcode in its standard form ("sw1a1aa" -> "SW1A 1AA"), or None if it is not one."""
    if not isinstance(raw, str):
        return None
    text = _NOT_ALNUM.sub("", raw.upper())
    if len(text) < 5 or len(text) > 7:
        return None
    text = text[:-3] + text[-3].translate(_INWARD_FIX) + text[-2:]
    match = _UK_POSTCODE.match(text)
    if not match:
        return None
    return f"{match[1]} {match[2]}"


def postcode_parts(postcode: str | None) -> tuple[str, str, str] | None:
    """(area, district, sector) of a normalised postcode: "SW1A 1AA" -> ("SW", "SW1A", "SW1A 1")."""
    if not postcode:
        return None
    outward, inward = postcode.split(" ")
    area = re.match(r"[A-Z]+", outward)
    return (area[0] if area else outward, outward, f"{outward} {inward[0]}")


# --- NHS numbers ----------------------------------------------------------------------------------------


def nhs_check_digit(first_nine: str) -> int | None:
    """Modulus 11 check digit of the first nine digits, or None where no check digit exists (10)."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def nhs_number_is_valid(raw: object) -> bool:
    """True for ten digits (spaces/dashes allowed) whose last is the modulus 11 check digit.

    Repeated-digit placeholders such as 0000000000 and 9999999999 satisfy the arithmetic but are used
    for "unknown", so they are rejected.
    """
    digits = normalise_nhs_number(raw)
    return digits is not None


def normalise_nhs_number(raw: object) -> str | None:
    """The ten digits of a valid NHS number, or None."""
    if isinstance(raw, int):
        raw = str(raw)
    if not isinstance(raw, str):
        return None
    digits = re.sub(r"[\s-]", "", raw)
    if len(digits) != 10 or not digits.isdigit() or len(set(digits)) == 1:
        return None
    check = nhs_check_digit(digits[:9])
    return digits if check is not None and check == int(digits[9]) else None
