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


class _Distinct:
    """One column's distinct values, found once however many features are derived from them."""

    def __init__(self, series: pd.Series) -> None:
        self.index = series.index
        self.codes, uniques = pd.factorize(series, use_na_sentinel=True)
        # The extra last slot is what missing values (code -1) pick up.
        self.values = np.empty(len(uniques) + 1, dtype=object)
        self.values[:-1] = np.asarray(uniques, dtype=object)
        self.values[-1] = None

    def map(self, func: Callable[[Any], Any]) -> pd.Series:
        mapped = np.empty(len(self.values), dtype=object)
        for i, value in enumerate(self.values):
            mapped[i] = func(value)
        return self.spread(mapped)

    def map_fields(self, func: Callable[[Any], tuple[Any, ...]], count: int) -> list[pd.Series]:
        """``func`` gives ``count`` fields per value; one Series per field, without a tuple per record."""
        fields = [np.empty(len(self.values), dtype=object) for _ in range(count)]
        for i, value in enumerate(self.values):
            for field, part in zip(fields, func(value), strict=True):
                field[i] = part
        return [self.spread(field) for field in fields]

    def spread(self, per_value: np.ndarray) -> pd.Series:
        """Values computed per distinct value (missing last) as one per record."""
        return pd.Series(per_value[self.codes], index=self.index, dtype=object)


def _map_distinct(series: pd.Series, func: Callable[[Any], Any]) -> pd.Series:
    return _Distinct(series).map(func)


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


def _dob_digits_and_counts(raw: Any) -> tuple[str | None, str | None]:
    digits = _dob_digits(raw)
    return digits, _digit_counts(digits)


def _postcode_fields(raw: _Distinct) -> list[pd.Series]:
    """Postcode, sector and district of every record: ``normalise.normalise_postcode`` and
    ``normalise.postcode_parts`` done with pandas string methods, since nearly half the postcodes in a
    large input are distinct and the per-value functions were a tenth of a batch run.

    A value that is not a UK postcode (or comes from a foreign dataset) is still comparable exactly,
    as its letters and digits, with no sector or district.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pa.array([v if isinstance(v, str) else None for v in raw.values], type=pa.string())
    # Arrow upper-cases letter by letter, Python can lengthen a word ("ß" -> "SS"): text that is not
    # ASCII, hardly ever seen in a postcode, goes through the Python functions instead.
    ascii_only = pc.fill_null(pc.string_is_ascii(text), False)
    cleaned = pc.replace_substring_regex(pc.ascii_upper(text), r"[^A-Z0-9]", "")
    length = pc.utf8_length(cleaned)
    # As normalise_postcode does: the inward code starts with a digit, so O and I there are 0 and 1.
    third = pc.replace_substring(
        pc.replace_substring(pc.utf8_slice_codeunits(cleaned, -3, -2), "O", "0"), "I", "1"
    )
    fixed = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(cleaned, 0, -3), third, pc.utf8_slice_codeunits(cleaned, -2), ""
    )
    parts = pc.extract_regex(fixed, r"^(?P<outward>[A-Z]{1,2}[0-9][A-Z0-9]?)(?P<inward>[0-9][A-Z]{2})$")
    outward, inward = pc.struct_field(parts, "outward"), pc.struct_field(parts, "inward")
    uk = pc.fill_null(
        pc.and_(pc.is_valid(outward), pc.and_(pc.greater_equal(length, 5), pc.less_equal(length, 7))), False
    )
    postcode = pc.if_else(
        uk,
        pc.binary_join_element_wise(outward, inward, " "),
        pc.if_else(pc.greater(length, 0), cleaned, None),
    )
    sector = pc.if_else(
        uk, pc.binary_join_element_wise(outward, pc.utf8_slice_codeunits(inward, 0, 1), " "), None
    )
    district = pc.if_else(uk, outward, None)
    columns = [np.asarray(c.to_pylist(), dtype=object) for c in (postcode, sector, district)]
    for i in np.flatnonzero(~np.asarray(ascii_only.to_numpy(zero_copy_only=False), dtype=bool)):
        value = raw.values[i]
        if isinstance(value, str):
            for column, field in zip(columns, _postcode_fields_of(value), strict=True):
                column[i] = field
    return [raw.spread(column) for column in columns]


def _postcode_fields_of(raw: str) -> tuple[str | None, str | None, str | None]:
    postcode = nm.normalise_postcode(raw)
    if postcode is None:
        cleaned = re.sub(r"[^A-Z0-9]", "", raw.upper())
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

    given, family = _Distinct(records["given_name"]), _Distinct(records["family_name"])
    out["given_key"] = given.map(lambda v: _blank_to_none(nm.name_key(v)))
    out["given_canon"] = given.map(lambda v: _blank_to_none(nm.canonical_given_name(v)))
    out["given_phon"] = given.map(lambda v: _blank_to_none(nm.phonetic_key(v)))
    out["family_key"] = family.map(lambda v: _blank_to_none(nm.name_key(v)))
    out["family_tokens"] = family.map(_tokens)
    out["family_phon"] = family.map(lambda v: _blank_to_none(nm.phonetic_key(v)))

    dates = _Distinct(records["date_of_birth"])
    out["dob"], out["dob_swap"], out["dob_month"], year = dates.map_fields(_dob_fields, 4)
    out["dob_year"] = pd.array(year, dtype="Int32")
    out["dob_digits"], out["dob_digit_counts"] = dates.map_fields(_dob_digits_and_counts, 2)

    out["postcode"], out["postcode_sector"], out["postcode_district"] = _postcode_fields(
        _Distinct(records["postcode"])
    )
    out["address_key"] = _map_distinct(records["address_line"], _address_key)

    out["nhs"] = _nhs_numbers(records["nhs_number"])
    out["sex"] = _map_distinct(
        records["sex"], lambda v: _SEX.get(v.strip().lower()) if isinstance(v, str) else None
    )
    return out.reset_index(drop=True)
