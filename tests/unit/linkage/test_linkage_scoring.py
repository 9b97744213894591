"""The online matcher's per-field weights and bands (pure: no database)."""

from __future__ import annotations

from goldenthread.linkage import scoring
from goldenthread.linkage.keys import NameKeys, RecordKeys, parse_birth_date
from goldenthread.people.chart import weight_chart


def _keys(
    given: str, family: str, dob: str = "", sex: str = "", postcode: str = "", nhs: str = ""
) -> RecordKeys:
    return RecordKeys(
        names=NameKeys.of(given, family),
        birth=parse_birth_date(dob) if dob else None,
        sex=sex,
        postcode=postcode,
        postcode_sector=postcode[:-2] if postcode else "",
        nhs_number=nhs,
    )


def test_scoring_nickname_counts_as_variant_not_difference() -> None:
    weights = scoring.compare(_keys("Bill", "Smith"), _keys("William", "Smith"))
    given = next(w for w in weights if w.field == "given_name")
    assert given.outcome == "Nickname or spelling variant" and given.weight > 4


def test_scoring_day_month_swap_is_evidence_for() -> None:
    weights = scoring.compare(_keys("A", "B", "2015-03-04"), _keys("A", "B", "2015-04-03"))
    dob = next(w for w in weights if w.field == "date_of_birth")
    assert dob.outcome == "Day and month swapped" and dob.weight > 0


def test_scoring_given_name_one_letter_typo_counts_for() -> None:
    weights = scoring.compare(
        _keys("Joyhua", "Jackson", "2021-08-15"), _keys("Joshua", "Jackson", "2021-08-15")
    )
    given = next(w for w in weights if w.field == "given_name")
    assert given.outcome == "One letter different" and given.weight > 4
    assert scoring.band(weights) == scoring.AUTO


def test_scoring_twins_whose_names_only_sound_alike_need_review() -> None:
    # Twins Leo and Lea: one letter apart, but three letters is too short to call it a typo, and names
    # that only sound alike are no evidence about which twin a record is.
    leo = _keys("Leo", "Marsh", "2015-03-04", "", "NS4 7HQ")
    lea = _keys("Lea", "Marsh", "2015-03-04", "", "NS4 7HQ")
    weights = scoring.compare(leo, lea)
    assert next(w for w in weights if w.field == "given_name").outcome == "Sounds alike"
    assert scoring.total(weights) >= scoring.AUTO_LINK_WEIGHT
    assert scoring.band(weights) == scoring.REVIEW


def test_scoring_one_digit_wrong_in_date_outweighs_a_different_postcode() -> None:
    weights = scoring.compare(
        _keys("Abimbola", "Okafor", "2021-09-19", "", "L15 2TX"),
        _keys("Abimbola", "Okafor", "2024-09-19", "", "W1 7NX"),
    )
    by_field = {w.field: w for w in weights}
    assert by_field["date_of_birth"].outcome == "One digit different"
    assert by_field["date_of_birth"].weight > -by_field["postcode"].weight * 2


def test_scoring_band_siblings_nhs_number_on_the_wrong_record_needs_review() -> None:
    weights = scoring.compare(
        _keys("James", "Williams", "2012-07-04", "male", "RG22 2LX", "7423311448"),
        _keys("Sophie", "Williams", "2014-02-19", "female", "RG22 2LX", "7423311448"),
    )
    assert scoring.total(weights) >= scoring.AUTO_LINK_WEIGHT
    assert scoring.band(weights) == scoring.REVIEW


def test_scoring_band_same_nhs_number_links_despite_a_different_given_name() -> None:
    weights = scoring.compare(
        _keys("Krzpys", "Kowalski", "2019-01-05", "male", "MK26 4HD", "7216804147"),
        _keys("Krzysztof", "Kowalski", "2019-01-05", "male", "MK26 4HD", "7216804147"),
    )
    assert scoring.band(weights) == scoring.AUTO


def test_scoring_missing_field_contributes_nothing() -> None:
    assert [w.field for w in scoring.compare(_keys("Amy", "Smith"), _keys("Amy", ""))] == ["given_name"]


def test_scoring_band_full_agreement_links_automatically() -> None:
    same = _keys("Amy", "Smith", "2015-03-04", "female", "NS1 4AB")
    assert scoring.band(scoring.compare(same, same)) == scoring.AUTO


def test_scoring_band_household_evidence_alone_needs_review() -> None:
    # Same family name and address and a twin's birthday, but a different given name: never automatic.
    weights = scoring.compare(
        _keys("Amy", "Smith", "2015-03-04", "", "NS1 4AB"), _keys("Zoe", "Smith", "2015-03-04", "", "NS1 4AB")
    )
    assert scoring.total(weights) >= scoring.AUTO_LINK_WEIGHT
    assert scoring.band(weights) == scoring.REVIEW


def test_scoring_band_different_child_is_new() -> None:
    weights = scoring.compare(_keys("Amy", "Smith", "2015-03-04"), _keys("Oskar", "Nowak", "2011-09-12"))
    assert scoring.band(weights) == scoring.NEW


def test_chart_bars_for_left_and_against_right() -> None:
    chart = weight_chart([("Given name", "Same", 6.4), ("Date of birth", "Different", -4.8)])
    for_bar, against_bar = chart.bars
    assert for_bar.x == chart.centre and for_bar.fill == "#00703c"
    assert against_bar.x + against_bar.width == chart.centre and against_bar.fill == "#d4351c"
    assert chart.total == 1.6


def test_common_name_weighs_less_than_rare_name_in_large_index() -> None:
    same = scoring.compare_family(_keys("Ava", "Smith"), _keys("Ava", "Smith"))
    assert same is not None
    common = scoring.common_name(same, names_with_key=80_000, names_held=1_000_000)
    rare = scoring.common_name(same, names_with_key=20, names_held=1_000_000)
    assert common.outcome == same.outcome == "Same family name"
    assert 0 < common.weight < rare.weight - 2 and abs(rare.weight - same.weight) < 0.1


def test_common_name_small_index_keeps_table_weight() -> None:
    same = scoring.compare_given(_keys("Ava", "Smith"), _keys("Ava", "Smith"))
    assert same is not None
    assert abs(scoring.common_name(same, names_with_key=2, names_held=6).weight - same.weight) < 0.1
