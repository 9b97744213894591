"""features.prepare gives, record by record, what the per-value normalisers in ``normalise`` give."""

import io

import pandas as pd

from goldenthread.linkage import features, synthetic
from goldenthread.linkage import normalise as nm


def _reference_postcode(raw):
    """(postcode, sector, district) as the normalise module defines them, one value at a time."""
    postcode = nm.normalise_postcode(raw)
    if postcode is None:
        cleaned = (
            "".join(c for c in raw.upper() if c.isascii() and c.isalnum()) if isinstance(raw, str) else ""
        )
        return (cleaned or None, None, None)
    _, district, sector = nm.postcode_parts(postcode)
    return (postcode, sector, district)


POSTCODES = [
    "SW1A 1AA",
    "sw1a1aa",
    " SW1A  1AA ",
    "SW1A OAA",  # a letter O where the inward code has its digit
    "SW1A IAA",
    "M1 1AA",
    "m11aa",
    "EC1A-1BB",
    "LS6 2AB\n",
    "4356",  # not a UK postcode: kept as its letters and digits
    "AB",
    "A1",
    "12345678",
    "SW1A 1AAA",
    "Straße 5",
    "\u017fw1a 1aa",  # a long s: Python upper-cases it to S, Arrow would not
    "",
    "  ",
    "-",
    None,
]


def _records(**columns):
    count = len(next(iter(columns.values())))
    base = {c: [""] * count for c in features.INPUT_COLUMNS}
    base["record_id"] = [str(i) for i in range(count)]
    return pd.DataFrame({**base, **columns})


def test_prepare_postcodes_same_as_normalise_functions():
    prepared = features.prepare(_records(postcode=POSTCODES))
    got = list(
        zip(prepared["postcode"], prepared["postcode_sector"], prepared["postcode_district"], strict=True)
    )
    assert got == [_reference_postcode(raw if raw else None) for raw in POSTCODES]
    assert got[3] == ("SW1A 0AA", "SW1A 0", "SW1A")


def _synthetic_records() -> pd.DataFrame:
    handle = io.StringIO()
    synthetic.write_csv(handle, 1500, 7)
    handle.seek(0)
    return pd.read_csv(handle, dtype=str, keep_default_na=False, na_values=[""])


def test_prepare_same_features_as_per_value_functions_on_synthetic_records():
    records = _synthetic_records()
    prepared = features.prepare(records)

    def none_if_blank(value):
        return value or None

    expected = {
        "given_key": [none_if_blank(nm.name_key(v)) for v in records["given_name"]],
        "given_canon": [none_if_blank(nm.canonical_given_name(v)) for v in records["given_name"]],
        "given_phon": [none_if_blank(nm.phonetic_key(v)) for v in records["given_name"]],
        "family_key": [none_if_blank(nm.name_key(v)) for v in records["family_name"]],
        "family_phon": [none_if_blank(nm.phonetic_key(v)) for v in records["family_name"]],
        "dob": [(d.iso() if d else None) for d in map(nm.parse_date_of_birth, records["date_of_birth"])],
        "dob_year": [(d.year if d else None) for d in map(nm.parse_date_of_birth, records["date_of_birth"])],
        "postcode": [_reference_postcode(v)[0] for v in records["postcode"]],
        "postcode_sector": [_reference_postcode(v)[1] for v in records["postcode"]],
        "postcode_district": [_reference_postcode(v)[2] for v in records["postcode"]],
        "nhs": [nm.normalise_nhs_number(v) for v in records["nhs_number"]],
    }
    for column, values in expected.items():
        got = [None if pd.isna(v) else v for v in prepared[column]]
        assert got == values, column
    assert prepared["postcode_sector"].notna().sum() > 1000  # most synthetic postcodes are UK ones


def test_prepare_blocking_keys_equal_exactly_when_their_values_are():
    prepared = features.prepare(_synthetic_records())
    assert set(features.BLOCKING_KEYS) <= set(prepared.columns)
    for key, (column, length) in features.BLOCKING_KEYS.items():
        values = prepared[column].astype(object).where(prepared[column].notna(), None)
        if length:
            values = values.map(lambda v, n=length: v[:n] if isinstance(v, str) else None)
        keys = prepared[key]
        assert (keys.isna() == values.isna()).all(), key
        known = values.notna()
        pairs = pd.DataFrame({"key": keys[known].astype(int), "value": values[known]}).drop_duplicates()
        assert pairs["key"].is_unique and pairs["value"].is_unique, key
        assert len(pairs) > 1, key
    # A swap of given and family name is blocked on by comparing one with the other: one dictionary.
    given, family = prepared["block_given_key"], prepared["block_family_key"]
    known = prepared["given_key"].notna().to_numpy()[:, None] & prepared["family_key"].notna().to_numpy()
    same_text = known & (prepared["given_key"].to_numpy()[:, None] == prepared["family_key"].to_numpy())
    same_key = given.to_numpy(dtype=float)[:, None] == family.to_numpy(dtype=float)[None, :]
    assert same_text.any()
    assert (same_text == same_key).all()
