"""Derived matching columns for a table of records, computed once per distinct value.

Names, dates and postcodes repeat a great deal across a million records, so each normaliser runs over the
distinct values and the results are mapped back; this keeps the Python cost proportional to the number of
distinct spellings rather than the number of records.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from goldenthread.people.matching import normalise as nm

INPUT_COLUMNS = (
    "record_id",
    "source",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "postcode",
    "address_line",
    "nhs_number",
)

_SEX = {"m": "m", "male": "m", "boy": "m", "f": "f", "female": "f", "girl": "f"}
_ADDRESS_NOISE = re.compile(r"[^a-z0-9 ]")


def _map_distinct(series: pd.Series, func: Callable[[Any], Any]) -> pd.Series:
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    mapped = np.empty(len(uniques) + 1, dtype=object)
    # The extra last slot is what missing values (code -1) pick up.
    for i, value in enumerate(uniques):
        mapped[i] = func(value)
    mapped[-1] = func(None)
    return pd.Series(mapped[codes], index=series.index, dtype=object)


def _blank_to_none(value: Any) -> Any:
    return value if value not in ("", None) else None


def _dob_fields(raw: Any) -> tuple[str | None, str | None, str | None, int | None]:
    parsed = nm.parse_date_of_birth(raw)
    if parsed is None:
        return (None, None, None, None)
    month = f"{parsed.year:04d}-{parsed.month:02d}" if parsed.month else None
    return (parsed.iso(), parsed.day_month_swapped(), month, parsed.year)


_YMD_TEXT = re.compile(r"^(\d{4})[-/. ](\d{1,2})[-/. ](\d{1,2})$|^(\d{4})(\d{2})(\d{2})$")
_DMY_TEXT = re.compile(r"^(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{4})$")


def _dob_digits(raw: Any) -> str | None:
    """A full date as written, as eight digits year-month-day, even when it is not a valid date.

    "2016-48-24" (a mistyped month) parses to its year only, but its digits still show it one keystroke
    from "2016-08-24", so the model compares these digits for its "digits wrong" levels.
    """
    if not isinstance(raw, str):
        return None
    text = raw.strip().split("T", 1)[0].split(" ", 1)[0] if ":" in raw else raw.strip()
    if m := _YMD_TEXT.match(text):
        year, month, day = (m[1], m[2], m[3]) if m[1] else (m[4], m[5], m[6])
    elif m := _DMY_TEXT.match(text):
        year, month, day = m[3], m[2], m[1]
    else:
        return None
    return f"{year}{int(month):02d}{int(day):02d}"


def _digit_counts(digits: Any) -> str | None:
    """How often each digit 0-9 occurs, as ten characters: "20160824" -> "2120101010".

    Two dates within two edits of each other that differ in more than two positions have these counts
    differing in at most two places, which lets the model skip its dearest test for most pairs (see
    ``model._dob_digits_within``). Eight digits never count more than 8 of one digit.
    """
    if not isinstance(digits, str):
        return None
    return "".join(str(digits.count(d)) for d in "0123456789")


def _postcode_fields(raw: Any) -> tuple[str | None, str | None, str | None]:
    postcode = nm.normalise_postcode(raw)
    if postcode is None:
        # Not a UK postcode (or a foreign dataset): still comparable exactly, with no sector/district.
        cleaned = re.sub(r"[^A-Z0-9]", "", raw.upper()) if isinstance(raw, str) else ""
        return (cleaned or None, None, None)
    _, district, sector = nm.postcode_parts(postcode) or (None, None, None)
    return (postcode, sector, district)


_STREET_TYPES = {
    "rd": "road",
    "st": "street",
    "str": "street",
    "ave": "avenue",
    "av": "avenue",
    "cl": "close",
    "ln": "lane",
    "dr": "drive",
    "cres": "crescent",
    "cr": "crescent",
    "gdns": "gardens",
    "pl": "place",
    "sq": "square",
    "ter": "terrace",
    "terr": "terrace",
    "ct": "court",
}
# "Flat 3," and similar prefixes are recorded inconsistently, so they are left out of the key.
_UNIT_WORDS = frozenset({"flat", "apartment", "apt", "unit", "room"})


def _address_key(raw: Any) -> str | None:
    """House number and street with abbreviations expanded: "Flat 2, 12 Acacia Ave" -> "12 acacia avenue"."""
    if not isinstance(raw, str):
        return None
    tokens = _ADDRESS_NOISE.sub(" ", nm.transliterate(raw).lower()).split()
    if len(tokens) >= 2 and tokens[0] in _UNIT_WORDS:
        tokens = tokens[2:]
    key = " ".join(_STREET_TYPES.get(t, t) for t in tokens)
    return key or None


def _tokens(raw: Any) -> list[str] | None:
    tokens = nm.name_tokens(raw)
    return tokens or None


_NHS_WEIGHTS = np.arange(10, 1, -1)


def _nhs_numbers(raw: pd.Series) -> pd.Series:
    """``normalise.normalise_nhs_number`` of every value; plain ten-digit values checked in one go.

    Most NHS numbers are distinct, so this is the one normaliser that runs about once per record.
    Values that are not ten ASCII digits once spaces and dashes are gone go through the function itself.
    """
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    values = pd.Series(np.asarray(uniques, dtype=object), dtype=object)
    digits = values.str.replace(r"[\s-]", "", regex=True)
    plain = digits.str.fullmatch(r"[0-9]{10}").fillna(False).astype(bool).to_numpy()
    mapped = np.empty(len(values) + 1, dtype=object)  # the last slot is for missing values
    mapped[:] = None
    fast = digits[plain].to_numpy(dtype=object)
    if len(fast):
        table = np.frombuffer("".join(fast).encode("ascii"), dtype=np.uint8).reshape(-1, 10) - ord("0")
        check = 11 - (table[:, :9].astype(np.int64) @ _NHS_WEIGHTS) % 11
        check[check == 11] = 0
        repeated = (table == table[:, :1]).all(axis=1)
        valid = (check == table[:, 9]) & ~repeated  # a check of 10 never equals a digit
        mapped[np.flatnonzero(plain)[valid]] = fast[valid]
    for i in np.flatnonzero(~plain):
        mapped[i] = nm.normalise_nhs_number(values[i])
    return pd.Series(mapped[codes], index=raw.index, dtype=object)


def prepare(records: pd.DataFrame) -> pd.DataFrame:
    """Matching features for every record; the input table is not changed.

    Empty strings become nulls so that Splink's null levels see "not recorded" rather than a match on
    an empty value.
    """
    out = pd.DataFrame(index=records.index)
    out["unique_id"] = records["record_id"].astype(str)
    out["source_dataset"] = records["source"].fillna("").astype(str)

    given, family = records["given_name"], records["family_name"]
    out["given_key"] = _map_distinct(given, lambda v: _blank_to_none(nm.name_key(v)))
    out["given_canon"] = _map_distinct(given, lambda v: _blank_to_none(nm.canonical_given_name(v)))
    out["given_phon"] = _map_distinct(given, lambda v: _blank_to_none(nm.phonetic_key(v)))
    out["family_key"] = _map_distinct(family, lambda v: _blank_to_none(nm.name_key(v)))
    out["family_tokens"] = _map_distinct(family, _tokens)
    out["family_phon"] = _map_distinct(family, lambda v: _blank_to_none(nm.phonetic_key(v)))

    dob = _map_distinct(records["date_of_birth"], _dob_fields)
    out["dob"] = [d[0] for d in dob]
    out["dob_swap"] = [d[1] for d in dob]
    out["dob_month"] = [d[2] for d in dob]
    out["dob_year"] = pd.array([d[3] for d in dob], dtype="Int32")
    out["dob_digits"] = _map_distinct(records["date_of_birth"], _dob_digits)
    out["dob_digit_counts"] = _map_distinct(out["dob_digits"], _digit_counts)

    postcode = _map_distinct(records["postcode"], _postcode_fields)
    out["postcode"] = [p[0] for p in postcode]
    out["postcode_sector"] = [p[1] for p in postcode]
    out["postcode_district"] = [p[2] for p in postcode]
    out["address_key"] = _map_distinct(records["address_line"], _address_key)

    out["nhs"] = _nhs_numbers(records["nhs_number"])
    out["sex"] = _map_distinct(
        records["sex"], lambda v: _SEX.get(v.strip().lower()) if isinstance(v, str) else None
    )
    return out.reset_index(drop=True)
