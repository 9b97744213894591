"""The model's blocking rules and automatic-link evidence rule, run as SQL on prepared records."""

import duckdb
import pandas as pd

from goldenthread.linkage import features, model

COLUMNS = [
    "record_id",
    "source",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "postcode",
    "address_line",
    "nhs_number",
]


def _prepared(*rows):
    return features.prepare(pd.DataFrame([dict(zip(COLUMNS, row, strict=True)) for row in rows]))


def _rule_sql(rule):
    return rule if isinstance(rule, str) else rule.get_blocking_rule("duckdb").blocking_rule_sql


def _blocked_by(prepared):
    """Names of the rules (their SQL) that put the first two records in one block."""
    con = duckdb.connect()
    con.register("t", prepared.drop(columns=["family_tokens"]))
    found = []
    for rule in model.blocking_rules():
        sql = _rule_sql(rule)
        count = con.execute(
            f"select count(*) from t l join t r on l.unique_id < r.unique_id and ({sql})"  # noqa: S608
        ).fetchone()[0]
        if count:
            found.append(sql)
    return found


def test_blocking_rules_pair_both_names_mistyped_at_same_address_and_birthday():
    # FEBRL-style: given and family name both mistyped, postcode mistyped too.
    prepared = _prepared(
        ["1", "a", "Jamie", "Hoffman", "1970-03-02", "", "4356", "592 Dalrymple Street", ""],
        ["2", "b", "Jajie", "Hofmfan", "1970-03-02", "", "4365", "592 Dalrymple Street", ""],
    )
    assert _blocked_by(prepared)


def test_blocking_rules_pair_mistyped_names_at_same_address_without_birthday():
    prepared = _prepared(
        ["1", "a", "Bianca", "Cobbett", "", "", "3083", "32 Yerralee Road", ""],
        ["2", "b", "Biana", "Cbobett", "", "", "3038", "32 Yerralee Road", ""],
    )
    assert _blocked_by(prepared)


def test_blocking_rules_pair_initials_and_birthday_after_a_move():
    prepared = _prepared(
        ["1", "a", "Juliana", "Matthews", "1903-01-23", "", "2287", "1261 Lamington Street", ""],
        ["2", "b", "Julinaa", "Matthrws", "1903-01-23", "", "2227", "1261 Lamingtonj Street", ""],
    )
    assert _blocked_by(prepared)


def test_blocking_rules_do_not_pair_strangers():
    prepared = _prepared(
        ["1", "a", "Juliana", "Matthews", "1903-01-23", "", "2287", "1261 Lamington Street", ""],
        ["2", "b", "Oscar", "Thompson", "2019-05-19", "", "M25 4ZL", "109 North Place", ""],
    )
    assert not _blocked_by(prepared)


def _evidence(**gammas):
    row = {"gamma_given_name": 0, "gamma_date_of_birth": 0, "gamma_nhs": -1, **gammas}
    # two names, not one letter apart, equally common
    names = {
        "given_key_l": "'olivia'",
        "given_key_r": "'emily'",
        "tf_given_key_l": "0.01",
        "tf_given_key_r": "0.01",
    }
    columns = ", ".join(f"{value} as {name}" for name, value in {**row, **names}.items())
    con = duckdb.connect()
    return con.execute(
        f"select {model.auto_link_evidence_sql()} from (select {columns})"  # noqa: S608
    ).fetchone()[0]


def test_auto_link_evidence_refuses_shared_nhs_number_with_other_name_born_same_year():
    # Olivia and Emily Davies, born months apart in one year: a sibling's NHS number was copied.
    assert not _evidence(gamma_nhs=1, gamma_given_name=0, gamma_date_of_birth=1)


def test_auto_link_evidence_refuses_shared_nhs_number_with_other_name_and_no_birthday():
    assert not _evidence(gamma_nhs=1, gamma_given_name=0, gamma_date_of_birth=-1)


def test_auto_link_evidence_accepts_shared_nhs_number_with_other_name_and_mistyped_birthday():
    assert _evidence(gamma_nhs=1, gamma_given_name=0, gamma_date_of_birth=4)


def test_auto_link_evidence_accepts_shared_nhs_number_with_same_name_and_other_birthday():
    assert _evidence(gamma_nhs=1, gamma_given_name=6, gamma_date_of_birth=0)


def test_auto_link_evidence_refuses_twins_without_identifier():
    # Same family, birthday and address, different given names: the model may score it high.
    assert not _evidence(gamma_given_name=0, gamma_date_of_birth=6)


def test_prepare_keeps_digits_of_impossible_dates_in_year_month_day_order():
    prepared = _prepared(
        ["1", "a", "A", "B", "2016-48-24", "", "", "", ""],
        ["2", "a", "A", "B", "24/08/2016", "", "", "", ""],
        ["3", "a", "A", "B", "19505309", "", "", "", ""],
        ["4", "a", "A", "B", "2017-03", "", "", "", ""],
    )
    assert prepared["dob_digits"].tolist() == ["20164824", "20160824", "19505309", None]
    assert prepared["dob"].tolist()[:2] == [None, "2016-08-24"]
