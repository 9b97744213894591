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

from goldenthread.linkage import normalise as nm

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
        return self.spread(self.per_value(func))

    def per_value(self, func: Callable[[Any], Any]) -> np.ndarray:
        """``func`` of each distinct value, missing last."""
        return _each(self.values, func)

    def map_fields(self, func: Callable[[Any], tuple[Any, ...]], count: int) -> list[np.ndarray]:
        """``func`` gives ``count`` fields per value; one array per field (per distinct value, missing
        last, for ``spread``), without a tuple per record."""
        fields = [np.empty(len(self.values), dtype=object) for _ in range(count)]
        for i, value in enumerate(self.values):
            for field, part in zip(fields, func(value), strict=True):
                field[i] = part
        return fields

    def spread(self, per_value: np.ndarray) -> pd.Series:
        """Values computed per distinct value (missing last) as one per record."""
        return pd.Series(per_value[self.codes], index=self.index, dtype=object)

    def keys(self, per_value: np.ndarray, dictionary: pd.Index | None = None) -> pd.Series:
        """An integer per record for the values computed per distinct value: equal exactly when the
        values are, missing when the value is. ``dictionary`` (the distinct values) numbers them when
        two columns must share one numbering; otherwise only the distinct values here are numbered.
        """
        if dictionary is None:
            dictionary = pd.Index(pd.unique(per_value[pd.notna(per_value)]))
        numbered = dictionary.get_indexer(per_value)[self.codes]
        # Built as a masked array directly: through ``where`` and floats it took a tenth of ``prepare``.
        keys = pd.arrays.IntegerArray(numbered.astype(np.int32), numbered < 0)
        return pd.Series(keys, index=self.index)


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


def _postcode_fields(raw: _Distinct) -> list[np.ndarray]:
    """Postcode, sector and district of every distinct value (missing last):
    ``normalise.normalise_postcode`` and ``normalise.postcode_parts`` done with Arrow compute, since
    nearly half the postcodes in a large input are distinct and the per-value functions were a tenth of
    a batch run.

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
    return columns


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


def _each(per_value: np.ndarray, func: Callable[[Any], Any]) -> np.ndarray:
    """``func`` of each entry of a per-value array, as another (lists stay single entries)."""
    mapped = np.empty(len(per_value), dtype=object)
    for i, value in enumerate(per_value):
        mapped[i] = func(value)
    return mapped


_NHS_WEIGHTS = np.arange(10, 1, -1)


def _nhs_numbers(raw: _Distinct) -> np.ndarray:
    """``normalise.normalise_nhs_number`` of every distinct value; plain ten-digit values in one go.

    Most NHS numbers are distinct, so this is the one normaliser that runs about once per record.
    Values that are not ten ASCII digits once spaces and dashes are gone go through the function itself.
    """
    values = pd.Series(raw.values[:-1], dtype=object)
    digits = values.str.replace(r"[\s-]", "", regex=True)
    plain = digits.str.fullmatch(r"[0-9]{10}").astype("boolean").fillna(False).to_numpy(dtype=bool)
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
    return mapped


# Integer columns the blocking rules join on (``model.blocking_rules``), each standing for a text
# column, or its first few characters: equal exactly when the text is, missing when it is. DuckDB
# joins and compares integers in about half the time of text. Given and family name keys share one
# numbering, because the swapped-name rules compare one with the other.
BLOCKING_KEYS: dict[str, tuple[str, int | None]] = {
    "block_nhs": ("nhs", None),
    "block_given_key": ("given_key", None),
    "block_family_key": ("family_key", None),
    "block_given_canon": ("given_canon", None),
    "block_given_phon": ("given_phon", None),
    "block_family_phon": ("family_phon", None),
    "block_dob": ("dob", None),
    "block_postcode": ("postcode", None),
    "block_postcode_district": ("postcode_district", None),
    "block_address_key": ("address_key", None),
    "block_given_1": ("given_key", 1),
    "block_given_2": ("given_key", 2),
    "block_family_1": ("family_key", 1),
}


def _prefixes(per_value: np.ndarray, length: int) -> np.ndarray:
    return np.array([v[:length] if isinstance(v, str) else None for v in per_value], dtype=object)


def prepare(records: pd.DataFrame) -> pd.DataFrame:
    """Matching features for every record; the input table is not changed.

    Empty strings become nulls so that Splink's null levels see "not recorded" rather than a match on
    an empty value.
    """
    # Over 60 lines on purpose: the per-distinct-value tables are built, spread and reused for the
    # blocking keys in one sequence; split, every part would take and return them all.
    out = pd.DataFrame(index=records.index)
    out["unique_id"] = records["record_id"].astype(str)
    out["source_dataset"] = records["source"].fillna("").astype(str)

    given, family = _Distinct(records["given_name"]), _Distinct(records["family_name"])
    dates, postcodes = _Distinct(records["date_of_birth"]), _Distinct(records["postcode"])
    addresses, nhs = _Distinct(records["address_line"]), _Distinct(records["nhs_number"])
    # Each distinct name is normalised once; its keys are all functions of the normalised text.
    given_text, family_text = given.per_value(nm.normalise_name), family.per_value(nm.normalise_name)
    given_key = _each(given_text, lambda n: _blank_to_none(n.replace(" ", "")))
    family_key = _each(family_text, lambda n: _blank_to_none(n.replace(" ", "")))
    dob, dob_swap, dob_month, year = dates.map_fields(_dob_fields, 4)
    postcode, sector, district = _postcode_fields(postcodes)
    # Per distinct value: the column each blocking key stands for, and whose records it spreads to.
    per_value: dict[str, tuple[_Distinct, np.ndarray]] = {
        "given_key": (given, given_key),
        "given_canon": (given, _each(given_text, lambda n: _blank_to_none(nm.canonical_of_normalised(n)))),
        "given_phon": (given, _each(given_text, lambda n: _blank_to_none(nm.phonetic_of_normalised(n)))),
        "family_key": (family, family_key),
        "family_tokens": (family, _each(family_text, lambda n: n.split(" ") if n else None)),
        "family_phon": (family, _each(family_text, lambda n: _blank_to_none(nm.phonetic_of_normalised(n)))),
        "dob": (dates, dob),
        "dob_swap": (dates, dob_swap),
        "dob_month": (dates, dob_month),
    }
    for column, (distinct, values) in per_value.items():
        out[column] = distinct.spread(values)
    out["dob_year"] = pd.array(dates.spread(year), dtype="Int32")
    out["dob_digits"], out["dob_digit_counts"] = (
        dates.spread(v) for v in dates.map_fields(_dob_digits_and_counts, 2)
    )
    per_value |= {
        "postcode": (postcodes, postcode),
        "postcode_district": (postcodes, district),
        "address_key": (addresses, addresses.per_value(_address_key)),
        "nhs": (nhs, _nhs_numbers(nhs)),
    }
    out["postcode"], out["postcode_sector"], out["postcode_district"] = (
        postcodes.spread(v) for v in (postcode, sector, district)
    )
    for column in ("address_key", "nhs"):
        distinct, values = per_value[column]
        out[column] = distinct.spread(values)
    out["sex"] = _map_distinct(
        records["sex"], lambda v: _SEX.get(v.strip().lower()) if isinstance(v, str) else None
    )
    both = np.concatenate([given_key, family_key])
    names = pd.Index(pd.unique(both[pd.notna(both)]))
    for key, (column, length) in BLOCKING_KEYS.items():
        distinct, values = per_value[column]
        shared = names if column in ("given_key", "family_key") and not length else None
        out[key] = distinct.keys(_prefixes(values, length) if length else values, shared)
    # Renumbered in place: ``reset_index`` copied every column, a transient 0.2 GB at a million records.
    out.index = pd.RangeIndex(len(out))
    return out
