"""The model's cheaper edit-distance levels give the level damerau_levenshtein gave, pair by pair."""

import random

import duckdb
import pandas as pd
import pytest

from goldenthread.linkage import features, model

COLUMNS = list(features.INPUT_COLUMNS)


def _prepared(dates, postcodes):
    rows = [
        {**dict.fromkeys(COLUMNS, ""), "record_id": str(i), "date_of_birth": d or "", "postcode": p or ""}
        for i, (d, p) in enumerate(zip(dates, postcodes, strict=True))
    ]
    return features.prepare(pd.DataFrame(rows))


def _pairs(left, right):
    """Prepared records side by side as Splink names them: column_l, column_r."""
    a = _prepared([d for d, _ in left], [p for _, p in left]).drop(columns=["family_tokens"])
    b = _prepared([d for d, _ in right], [p for _, p in right]).drop(columns=["family_tokens"])
    return pd.concat([a.add_suffix("_l"), b.add_suffix("_r")], axis=1)


def _case(levels):
    whens = "\n".join(f"when {sql} then {value}" for value, sql in levels)
    return f"case {whens} else 0 end"


def _gammas(comparison, pairs, reference):
    """Gamma of every pair from the model's comparison, and from the same levels with each level whose
    label is in ``reference`` replaced by that reference SQL (the SQL the model used before)."""
    levels = [
        (level.comparison_vector_value, level.sql_condition)
        for level in comparison.get_comparison("duckdb").comparison_levels
        if level.sql_condition != "ELSE"
    ]
    labels = [
        level.label_for_charts
        for level in comparison.get_comparison("duckdb").comparison_levels
        if level.sql_condition != "ELSE"
    ]
    before = [(value, reference.get(label, sql)) for (value, sql), label in zip(levels, labels, strict=True)]
    assert len(reference) == sum(label in reference for label in labels)  # every reference level exists
    con = duckdb.connect()
    con.register("pairs", pairs)
    # Only the model's own SQL goes into this query.
    return con.execute(
        f"select {_case(levels)} as now, {_case(before)} as before from pairs"  # noqa: S608
    ).fetchall()


DOB_REFERENCE = {
    "One digit wrong": 'damerau_levenshtein("dob_digits_l", "dob_digits_r") <= 1',
    "Two digits wrong": 'damerau_levenshtein("dob_digits_l", "dob_digits_r") <= 2',
}
POSTCODE_REFERENCE = {"Postcode one typo": 'damerau_levenshtein("postcode_l", "postcode_r") <= 1'}

CRAFTED_DATES = [
    ("20160824", "20160824"),  # same
    ("20160824", "20160825"),  # one digit
    ("20160824", "20160842"),  # adjacent transposition
    ("20160824", "20610824"),  # transposition in the year
    ("20160824", "20160835"),  # two digits
    ("20160824", "20610825"),  # transposition and a digit
    ("20160824", "02160842"),  # two transpositions
    ("20160824", "20168244"),  # a digit dropped and another added: three positions differ
    ("20160824", "20108264"),  # the six moved along: four positions differ
    ("20160824", "20168240"),  # the zero moved
    ("20160824", "20180723"),  # three digits
    ("20160824", "19991231"),  # far apart
    ("20164824", "20160824"),  # an impossible month, one digit out
    ("24/08/2016", "2016-08-24"),  # same digits written differently
    ("2016-08", "2016-08-24"),  # one side has no day: no digits
    ("", "2016-08-24"),
    ("29/02/2016", "2016-02-29"),
]


def _edited(text, rng):
    """``text`` after one to three random keystroke errors of any kind, kept at eight digits."""
    chars = list(text)
    for _ in range(rng.randint(1, 3)):
        kind = rng.choice(["sub", "swap", "move"])
        i = rng.randrange(len(chars))
        if kind == "sub":
            chars[i] = rng.choice("0123456789")
        elif kind == "swap" and i < len(chars) - 1:
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        else:
            digit = chars.pop(i)
            chars.insert(rng.randrange(len(chars) + 1), rng.choice([digit, rng.choice("0123456789")]))
    return "".join(chars)


def test_dob_digit_levels_same_as_damerau_levenshtein_on_crafted_pairs():
    pairs = _pairs([(a, None) for a, _ in CRAFTED_DATES], [(b, None) for _, b in CRAFTED_DATES])
    gammas = _gammas(model._date_of_birth("duckdb"), pairs, DOB_REFERENCE)
    assert [now for now, _ in gammas] == [before for _, before in gammas]
    # The crafted pairs reach both edit-distance levels (4: one wrong, 3: two wrong), moves included.
    assert {3, 4} <= {now for now, _ in gammas}
    assert gammas[7] == (3, 3)


def test_dob_digit_levels_same_as_damerau_levenshtein_on_random_typing_errors():
    rng = random.Random(4)
    left = [f"{rng.randint(1990, 2024)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}" for _ in range(3000)]
    right = [_edited(a, rng) for a in left]
    pairs = _pairs([(a, None) for a in left], [(b, None) for b in right])
    gammas = _gammas(model._date_of_birth("duckdb"), pairs, DOB_REFERENCE)
    differing = [(now, before) for now, before in gammas if now != before]
    assert differing == []
    assert sum(before == 3 for _, before in gammas) > 100


def test_prepare_dob_digit_counts_count_each_digit():
    prepared = _prepared(["2016-08-24", "2017-03", ""], ["", "", ""])
    assert prepared["dob_digit_counts"].tolist() == ["2120101010", None, None]


CRAFTED_POSTCODES = [
    ("SW1A 1AA", "SW1A 1AA"),
    ("SW1A 1AA", "SW1A 1AB"),  # one letter
    ("SW1A 1AA", "SW1A 1BA"),
    ("SW1A 1AA", "SW1A 2AB"),  # two characters
    ("M1 1AA", "M11 1AA"),  # a digit added: the lengths differ
    ("M13 9PL", "M1 9PL"),  # a digit dropped
    ("M13 9PL", "M31 9PL"),  # transposition
    ("LS6 2AB", "LS6 2BA"),  # transposition in the inward code
    ("LS6 2AB", "L6S 2BA"),  # two transpositions
    ("LS6 2AB", "LS16 2AB"),
    ("LS6 2AB", "LS16 2BA"),
    ("4356", "4365"),  # not UK postcodes: compared as cleaned text
    ("4356", "356"),
    ("4356", "43567"),
    ("4356", "4536"),
    ("1234", "5678"),
    ("LS6 2AB", None),
    (None, None),
]


@pytest.mark.parametrize("extra_identifier", [False, True])
def test_postcode_and_identifier_one_typo_same_as_damerau_levenshtein(extra_identifier):
    pairs = _pairs([(None, a) for a, _ in CRAFTED_POSTCODES], [(None, b) for _, b in CRAFTED_POSTCODES])
    if extra_identifier:
        # An extra identifier compares its text as given, here the postcode as an agency typed it.
        pairs = pairs.assign(local_id_l=pairs["postcode_l"], local_id_r=pairs["postcode_r"])
        comparison = model._identifier("local_id", "duckdb")
        reference = {"One typo": 'damerau_levenshtein("local_id_l", "local_id_r") <= 1'}
        gammas = _gammas(comparison, pairs, reference)
    else:
        gammas = _gammas(model._postcode("duckdb"), pairs, POSTCODE_REFERENCE)
    assert [now for now, _ in gammas] == [before for _, before in gammas]
    assert len({now for now, _ in gammas}) >= 4
