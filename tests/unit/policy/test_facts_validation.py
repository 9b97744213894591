"""Validation of the facts input contract: one clear message per bad field, named by dotted path."""

from __future__ import annotations

from typing import Any

import pytest

from goldenthread.policy import FactsError, decide, parse_facts

from .builders import make_facts


def _errors(facts: Any) -> list[str]:
    with pytest.raises(FactsError) as caught:
        parse_facts(facts)
    return caught.value.errors


def test_facts_unknown_top_level_key_named() -> None:
    facts = make_facts()
    facts["colour"] = "red"
    assert _errors(facts) == ["colour: unknown field"]


@pytest.mark.parametrize(
    ("section", "key", "path"),
    [
        ("subject", "colour", "subject.colour"),
        ("information", "sensitive", "information.sensitive"),
    ],
)
def test_facts_unknown_nested_key_named(section: str, key: str, path: str) -> None:
    facts = make_facts()
    facts[section][key] = 1
    assert _errors(facts) == [f"{path}: unknown field"]


def test_facts_unknown_consent_key_named() -> None:
    facts = make_facts(parent_consent="given")
    facts["consent"]["guardian"] = "given"
    assert _errors(facts) == ["consent.guardian: unknown field"]


def test_facts_bad_consent_enum_lists_choices() -> None:
    assert _errors(make_facts(subject_consent="maybe")) == [
        "consent.subject: 'maybe' is not one of given, refused, withdrawn, not_sought, not_possible"
    ]


@pytest.mark.parametrize(
    ("field", "value"),
    [("purpose", "curiosity"), ("concern", "mild"), ("legal_requirement", "warrant")],
)
def test_facts_bad_enum_named(field: str, value: str) -> None:
    facts = make_facts()
    facts[field] = value
    (message,) = _errors(facts)
    assert message.startswith(f"{field}: {value!r} is not one of ")


@pytest.mark.parametrize("age", [True, False, -1, 121, 7.5, 7.0, "7", None])
def test_facts_bad_age_rejected(age: Any) -> None:
    facts = make_facts()
    facts["subject"]["age"] = age
    (message,) = _errors(facts)
    assert message.startswith("subject.age: must be a whole number 0-120")


@pytest.mark.parametrize("age", [0, 25, 26, 120])
def test_facts_age_bounds_accepted(age: int) -> None:
    assert parse_facts(make_facts(age=age)).age == age


@pytest.mark.parametrize(("age", "kind"), [(0, "child"), (25, "child"), (26, "adult"), (90, "adult")])
def test_facts_kind_left_out_follows_age(age: int, kind: str) -> None:
    assert parse_facts(make_facts(age=age)).kind == kind


@pytest.mark.parametrize(
    ("kind", "age", "message"),
    [
        ("child", 26, "subject.age: must be a whole number 0-25 for a child or young person (got 26)"),
        ("adult", 17, "subject.age: must be a whole number 18-120 for an adult (got 17)"),
    ],
)
def test_facts_age_outside_the_kind_named(kind: str, age: int, message: str) -> None:
    facts = make_facts(age=age)
    facts["subject"]["kind"] = kind
    assert _errors(facts) == [message]


def test_facts_adult_only_fields_refused_for_a_child() -> None:
    facts = make_facts(age=14)
    facts["subject"].update(role="parent_or_carer", capacity_in_doubt=True)
    assert _errors(facts) == [
        "subject.role: applies only to an adult (subject.kind 'adult')",
        "subject.capacity_in_doubt: applies only to an adult; for a child or young person use "
        "competent_to_consent",
    ]


def test_facts_bad_family_values_named() -> None:
    facts = make_facts(age=30, indicators=["serious_crime"])
    facts["subject"].update(kind="grown_up", role="uncle", capacity_in_doubt="maybe")
    facts["sexual_activity_risk_factors"] = ["coercion_or_bribery"]
    assert _errors(facts) == [
        "subject.kind: 'grown_up' is not one of child, adult",
        "subject.role: 'uncle' is not one of parent_or_carer, household_member, adult_at_risk, other_adult",
        "subject.capacity_in_doubt: must be true or false (got 'maybe')",
        "sexual_activity_risk_factors: needs the indicator sexual_activity_13_to_15",
    ]


@pytest.mark.parametrize(("age", "hint"), [(12, " (use sexual_activity_under_13)"), (16, "")])
def test_facts_sexual_activity_13_to_15_needs_that_age(age: int, hint: str) -> None:
    assert _errors(make_facts(age=age, indicators=["sexual_activity_13_to_15"])) == [
        f"indicators: sexual_activity_13_to_15 is for a young person aged 13 to 15, not {age}{hint}"
    ]


def test_facts_adult_defaults_filled_in() -> None:
    normalised = parse_facts(make_facts(age=34)).to_dict()
    assert normalised["subject"] == {
        "age": 34,
        "competent_to_consent": None,
        "kind": "adult",
        "role": "other_adult",
        "capacity_in_doubt": False,
    }
    assert normalised["sexual_activity_risk_factors"] == []
    assert parse_facts(normalised).to_dict() == normalised


def test_facts_bool_is_not_a_number_for_competence_either() -> None:
    facts = make_facts()
    facts["subject"]["competent_to_consent"] = 1
    assert _errors(facts)[0].startswith("subject.competent_to_consent: must be true, false or null")


@pytest.mark.parametrize(
    ("field", "value", "start"),
    [
        ("identifies_individual", "true", "information.identifies_individual: must be true or false"),
        ("identifies_individual", 1, "information.identifies_individual: must be true or false"),
        ("confidential", "yes", "information.confidential: must be true, false or 'unsure'"),
        ("confidential", None, "information.confidential: must be true, false or 'unsure'"),
    ],
)
def test_facts_bad_information_flags_rejected(field: str, value: Any, start: str) -> None:
    facts = make_facts()
    facts["information"][field] = value
    (message,) = _errors(facts)
    assert message.startswith(start)


def test_facts_bad_list_items_named_by_index() -> None:
    facts = make_facts(indicators=["serious_crime", "gossip"])
    facts["risks_of_seeking_consent"] = ["undue_delay", 3]
    errors = _errors(facts)
    assert errors[0].startswith("indicators[1]: 'gossip' is not one of ")
    assert errors[1].startswith("risks_of_seeking_consent[1]: must be one of ")


def test_facts_list_field_must_be_list() -> None:
    facts = make_facts()
    facts["indicators"] = "serious_crime"
    assert _errors(facts)[0].startswith("indicators: must be a list")


def test_facts_missing_required_fields_named() -> None:
    errors = _errors({"information": {}})
    assert errors == [
        "purpose: required",
        "subject: required",
        "information.identifies_individual: required",
        "information.confidential: required",
        "concern: required",
    ]


def test_facts_section_must_be_object() -> None:
    facts = make_facts()
    facts["subject"] = 7
    facts["consent"] = ["given"]
    assert _errors(facts) == ["subject: must be an object (got 7)", "consent: must be an object (got a list)"]


def test_facts_multiple_errors_all_reported() -> None:
    facts = make_facts(subject_consent="maybe", legal="sometimes")
    facts["colour"] = "red"
    facts["subject"]["age"] = True
    facts["subject"]["height"] = 120
    paths = {message.split(":")[0] for message in _errors(facts)}
    assert paths == {"colour", "subject.age", "subject.height", "consent.subject", "legal_requirement"}


@pytest.mark.parametrize("facts", [[], "facts", 3, None])
def test_facts_must_be_object(facts: Any) -> None:
    assert _errors(facts)[0].startswith("facts: must be a JSON object")


def test_facts_defaults_filled_in() -> None:
    normalised = parse_facts(make_facts(age=14)).to_dict()
    assert normalised["indicators"] == []
    assert normalised["consent"] == {"subject": "not_sought", "parent": "not_sought"}
    assert normalised["risks_of_seeking_consent"] == []
    assert normalised["legal_requirement"] == "none"
    assert normalised["subject"]["competent_to_consent"] is None


def test_facts_normalised_form_round_trips() -> None:
    normalised = parse_facts(make_facts(indicators=["serious_crime", "serious_crime"])).to_dict()
    assert normalised["indicators"] == ["serious_crime"]
    assert parse_facts(normalised).to_dict() == normalised


def test_facts_error_is_value_error_with_message() -> None:
    with pytest.raises(ValueError, match=r"purpose: 'x' is not one of"):
        decide(make_facts(purpose="x"))
