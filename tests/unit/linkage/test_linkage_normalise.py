"""Normalisation of names, dates of birth, postcodes and NHS numbers."""

import datetime as dt

import pytest

from goldenthread.linkage import normalise as nm


def test_transliterate_polish_and_cyrillic_give_ascii():
    assert nm.transliterate("Małgorzata Wiśniewska") == "Malgorzata Wisniewska"
    assert nm.transliterate("Александр") == "Aleksandr"


def test_normalise_name_strips_titles_punctuation_and_case():
    assert nm.normalise_name("  Miss  Siobhán O'Brien. ") == "siobhan obrien"
    assert nm.normalise_name("MASTER Jack") == "jack"
    assert nm.normalise_name("Dr. Ahmed") == "ahmed"


def test_normalise_name_keeps_title_like_names_inside():
    assert nm.normalise_name("Drew Masters") == "drew masters"


def test_normalise_name_non_string_is_empty():
    assert nm.normalise_name(None) == ""
    assert nm.normalise_name(float("nan")) == ""


def test_double_barrelled_names_split_and_key_alike():
    assert nm.name_tokens("Smith-Jones") == ["smith", "jones"]
    assert nm.name_key("Smith-Jones") == nm.name_key("smith jones") == "smithjones"


def test_name_key_joins_split_given_names():
    assert nm.name_key("Abdul Rahman") == nm.name_key("Abdulrahman")


@pytest.mark.parametrize("variant", ["Mohammed", "Muhammad", "Mohamed", "Mohammad", "Muhammed", "MOHD"])
def test_nickname_mohammed_spellings_share_one_key(variant):
    assert nm.canonical_given_name(variant) == "muhammad"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Bill", "William"),
        ("Peggy", "Margaret"),
        ("Jack", "John"),
        ("Sasha", "Aleksandr"),
        ("Alexander", "Oleksandr"),
        ("Jose", "Joseph"),
        ("Shivaun", "Siobhán"),
        ("Seun", "Oluwaseun"),
        ("Ayesha", "Aisha"),
    ],
)
def test_names_equivalent_for_nicknames_and_variants(a, b):
    assert nm.names_equivalent(a, b)


def test_names_equivalent_false_for_different_names():
    assert not nm.names_equivalent("William", "Margaret")
    assert not nm.names_equivalent("", "")


def test_canonical_unknown_name_is_its_own_key():
    assert nm.canonical_given_name("Zebedee") == "zebedee"


def test_canonical_uses_first_token_of_compound_given_name():
    assert nm.canonical_given_name("Mohammed Ali") == "muhammad"


def test_nickname_table_has_no_variant_in_two_groups():
    seen: dict[str, str] = {}
    with nm.resources.files(nm.__package__).joinpath("nicknames.csv").open(encoding="utf-8") as handle:
        for row in nm.csv.DictReader(handle):
            for name in [row["canonical"], *row["variants"].split()]:
                assert seen.setdefault(name, row["canonical"]) == row["canonical"], name


def test_phonetic_key_matches_sound_alike_spellings():
    assert nm.phonetic_key("Smith") == nm.phonetic_key("Smyth")
    assert nm.phonetic_key("Kowalski") == nm.phonetic_key("Kowalsky")
    assert nm.phonetic_key("Smith") != nm.phonetic_key("Jones")
    assert nm.soundex_key("Robert") == nm.soundex_key("Rupert") == "R163"


def test_phonetic_key_empty_for_missing_name():
    assert nm.phonetic_key(None) == ""


TODAY = dt.date(2025, 1, 1)


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("2012-03-14", "2012-03-14"),
        ("20120314", "2012-03-14"),
        ("14/03/2012", "2012-03-14"),
        (" 2012/3/4 ", "2012-03-04"),
        ("2012-03-14T00:00:00", "2012-03-14"),
    ],
)
def test_parse_date_of_birth_reads_common_formats(raw, iso):
    parsed = nm.parse_date_of_birth(raw, today=TODAY)
    assert parsed is not None and parsed.iso() == iso


@pytest.mark.parametrize(
    "raw", ["", "unknown", "N/K", "00/00/0000", "0000-00-00", "1850-01-01", "2030-01-01", None]
)
def test_parse_date_of_birth_malformed_gives_none(raw):
    assert nm.parse_date_of_birth(raw, today=TODAY) is None


def test_parse_date_of_birth_repairs_month_over_twelve_as_swap():
    parsed = nm.parse_date_of_birth("2012-14-03", today=TODAY)
    assert parsed is not None and parsed.iso() == "2012-03-14" and parsed.repaired


def test_parse_date_of_birth_impossible_day_keeps_year_and_month():
    parsed = nm.parse_date_of_birth("2015-02-31", today=TODAY)
    assert parsed == nm.DateOfBirth(2015, 2)
    assert parsed.precision == "month" and parsed.iso() is None


def test_parse_date_of_birth_partial_year_only():
    parsed = nm.parse_date_of_birth("2014", today=TODAY)
    assert parsed == nm.DateOfBirth(2014) and parsed.precision == "year"
    assert nm.parse_date_of_birth("2014-06", today=TODAY) == nm.DateOfBirth(2014, 6)


def test_day_month_swap_detected_both_ways():
    assert nm.is_day_month_swap("2012-03-04", "2012-04-03")
    assert nm.is_day_month_swap("2012-04-03", "2012-03-04")
    assert not nm.is_day_month_swap("2012-03-04", "2012-03-05")
    assert not nm.is_day_month_swap("2012-03-03", "2012-03-03")


def test_day_month_swapped_none_when_day_over_twelve():
    assert nm.DateOfBirth(2012, 3, 14).day_month_swapped() is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("sw1a1aa", "SW1A 1AA"),
        (" M1  1ae ", "M1 1AE"),
        ("B33 8TH", "B33 8TH"),
        ("cr2 6xh", "CR2 6XH"),
        ("DN55 1PT", "DN55 1PT"),
        ("EC1A 1BB", "EC1A 1BB"),
        ("LS1 OAB", "LS1 0AB"),
    ],
)
def test_normalise_postcode_uk_formats(raw, expected):
    assert nm.normalise_postcode(raw) == expected


@pytest.mark.parametrize("raw", ["", "2000", "NOT A POSTCODE", "SW1A", None, "12345 678"])
def test_normalise_postcode_rejects_non_uk(raw):
    assert nm.normalise_postcode(raw) is None


def test_postcode_parts_area_district_sector():
    assert nm.postcode_parts("SW1A 1AA") == ("SW", "SW1A", "SW1A 1")
    assert nm.postcode_parts(None) is None


def _valid_nhs(first_nine: str) -> str:
    check = nm.nhs_check_digit(first_nine)
    assert check is not None
    return first_nine + str(check)


def test_nhs_check_digit_by_the_algorithm():
    # 943 476 591: 9*10+4*9+3*8+4*7+7*6+6*5+5*4+9*3+1*2 = 299; 299 % 11 = 2; 11 - 2 = 9
    assert nm.nhs_check_digit("943476591") == 9
    assert nm.nhs_number_is_valid("9434765919")
    assert nm.nhs_number_is_valid("943 476 5919")
    assert nm.nhs_number_is_valid("943-476-5919")


def test_nhs_number_invalid_check_digit_rejected():
    valid = _valid_nhs("401023213")
    wrong = valid[:9] + str((int(valid[9]) + 1) % 10)
    assert nm.nhs_number_is_valid(valid)
    assert not nm.nhs_number_is_valid(wrong)


def test_nhs_number_single_digit_error_always_detected():
    valid = _valid_nhs("485777345")
    for position in range(10):
        for delta in range(1, 10):
            digit = (int(valid[position]) + delta) % 10
            assert not nm.nhs_number_is_valid(valid[:position] + str(digit) + valid[position + 1 :])


def test_nhs_number_without_possible_check_digit_rejected():
    # Find nine digits whose check would be 10: no valid NHS number starts with them.
    first = next(f"{n:09d}" for n in range(400000000, 400001000) if nm.nhs_check_digit(f"{n:09d}") is None)
    assert not any(nm.nhs_number_is_valid(first + str(d)) for d in range(10))


@pytest.mark.parametrize("raw", ["0000000000", "9999999999", "123", "94347659190", "abcdefghij", "", None])
def test_nhs_number_placeholders_and_junk_rejected(raw):
    assert nm.normalise_nhs_number(raw) is None


def test_prepare_nhs_numbers_same_as_normalise_nhs_number():
    import pandas as pd

    from goldenthread.linkage import features

    raw = [
        "9434765919",
        "943 476 5919",
        "943-476-5919",
        "9434765918",
        "4010232137",
        "0000000000",
        "1111111111",
        "123456789",
        "94347659190",
        "943476591X",
        "\u0669434765919",  # an Arabic-Indic digit: str.isdigit is true, so the function decides
        "",
        None,
        "9434765919",
        " 4010232137 ",
        "1000000001",
        "2000000005",  # check digit 10 for the first nine: never valid
    ]
    distinct = features._Distinct(pd.Series(raw, dtype=object))
    got = distinct.spread(features._nhs_numbers(distinct)).tolist()
    assert got == [nm.normalise_nhs_number(value) for value in raw]
    assert got[0] == "9434765919"
