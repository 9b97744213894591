"""Table tests: the seven principles and four worked examples of issue 3, in the default pack."""

from __future__ import annotations

from typing import Any

import pytest

from goldenthread.policy import decide

from .builders import (
    EXAMPLE_BRUISING,
    EXAMPLE_COMPETENT_14,
    EXAMPLE_EARLY_HELP_REFUSED,
    EXAMPLE_STATISTICS,
    check_recommendation,
    make_facts,
)

RCS = "reasonable_cause_to_suspect_significant_harm"

# Each row: facts, then the expected outcome, refer_without_delay, relies_on_consent and, where the row
# is about it, seek_consent (None = not asserted).
_check = check_recommendation


EXAMPLES = [
    pytest.param(
        EXAMPLE_BRUISING, "share", True, False, False, id="7-year-old-bruising-asking-increases-risk"
    ),
    pytest.param(
        EXAMPLE_EARLY_HELP_REFUSED, "do_not_share", False, None, None, id="early-help-9-parent-refused"
    ),
    pytest.param(EXAMPLE_COMPETENT_14, "share", False, True, False, id="competent-14-agrees-parent-refuses"),
    pytest.param(EXAMPLE_STATISTICS, "share", False, False, False, id="anonymised-statistics"),
]


@pytest.mark.parametrize(("facts", "outcome", "refer", "relies", "seek"), EXAMPLES)
def test_worked_example_gives_issue_answer(
    facts: dict[str, Any], outcome: str, refer: bool, relies: bool | None, seek: bool | None
) -> None:
    _check(facts, outcome, refer, relies, seek)


PRINCIPLE_1_LEGAL_REQUIREMENT = [
    pytest.param(
        make_facts(age=16, subject_consent="refused", legal="court_order"),
        "share",
        False,
        False,
        False,
        id="court-order-over-refusal",
    ),
    pytest.param(
        make_facts(age=8, parent_consent="refused", legal="statutory_duty"),
        "share",
        False,
        False,
        False,
        id="statutory-duty-over-parent-refusal",
    ),
    pytest.param(
        make_facts(age=15, subject_consent="withdrawn", legal="court_order"),
        "share",
        False,
        False,
        None,
        id="court-order-over-withdrawal",
    ),
    pytest.param(
        make_facts(purpose="none", legal="court_order"),
        "share",
        False,
        False,
        None,
        id="court-order-beats-no-purpose",
    ),
    pytest.param(
        make_facts(purpose="unsure", legal="statutory_duty"),
        "share",
        False,
        False,
        None,
        id="statutory-duty-beats-unsure-purpose",
    ),
    pytest.param(
        make_facts(confidential="unsure", legal="court_order"),
        "share",
        False,
        False,
        None,
        id="court-order-beats-unsure-confidential",
    ),
]


@pytest.mark.parametrize(("facts", "outcome", "refer", "relies", "seek"), PRINCIPLE_1_LEGAL_REQUIREMENT)
def test_principle_1_legal_requirement_shares_whatever_consent(
    facts: dict[str, Any], outcome: str, refer: bool, relies: bool | None, seek: bool | None
) -> None:
    _check(facts, outcome, refer, relies, seek)


def test_principle_1_legal_requirement_informs_person_and_cites_legal_obligation() -> None:
    result = decide(make_facts(age=16, subject_consent="refused", legal="court_order"))
    assert "uk_gdpr_6_1_c" in result.lawful_basis
    assert "inform_unless_risk" in result.actions
    assert "court order" in result.explanation


PRINCIPLE_2_PURPOSE_AND_UNSURE = [
    pytest.param(make_facts(purpose="none"), "do_not_share", False, False, None, id="no-purpose"),
    pytest.param(
        make_facts(purpose="none", age=16, subject_consent="given"),
        "do_not_share",
        False,
        False,
        None,
        id="no-purpose-even-with-consent",
    ),
    pytest.param(make_facts(purpose="unsure"), "seek_advice", False, False, None, id="purpose-unsure"),
    pytest.param(
        make_facts(purpose="unsure", age=16, subject_consent="given"),
        "seek_advice",
        False,
        False,
        None,
        id="purpose-unsure-beats-consent",
    ),
    pytest.param(
        make_facts(confidential="unsure"), "seek_advice", False, False, None, id="confidential-unsure"
    ),
    pytest.param(
        make_facts(confidential="unsure", indicators=["serious_crime"]),
        "seek_advice",
        False,
        False,
        None,
        id="confidential-unsure-before-public-interest",
    ),
]


@pytest.mark.parametrize(("facts", "outcome", "refer", "relies", "seek"), PRINCIPLE_2_PURPOSE_AND_UNSURE)
def test_principle_2_no_purpose_or_unsure(
    facts: dict[str, Any], outcome: str, refer: bool, relies: bool | None, seek: bool | None
) -> None:
    _check(facts, outcome, refer, relies, seek)


def test_principle_2_unsure_recommends_advice_action() -> None:
    result = decide(make_facts(purpose="unsure"))
    assert "seek_advice" in result.actions
    assert result.lawful_basis == ()


PRINCIPLE_3_NOT_IDENTIFYING_OR_CONFIDENTIAL = [
    pytest.param(make_facts(identifies=False), "share", False, False, False, id="not-identifying"),
    pytest.param(
        make_facts(identifies=False, parent_consent="refused"),
        "share",
        False,
        False,
        None,
        id="not-identifying-despite-refusal",
    ),
    pytest.param(
        make_facts(identifies=False, confidential="unsure"),
        "share",
        False,
        False,
        None,
        id="not-identifying-confidential-question-not-reached",
    ),
    pytest.param(make_facts(confidential=False), "share", False, False, False, id="not-confidential"),
    pytest.param(
        make_facts(confidential=False, age=16, subject_consent="refused"),
        "share",
        False,
        False,
        None,
        id="not-confidential-despite-refusal",
    ),
]


@pytest.mark.parametrize(
    ("facts", "outcome", "refer", "relies", "seek"), PRINCIPLE_3_NOT_IDENTIFYING_OR_CONFIDENTIAL
)
def test_principle_3_not_identifying_or_not_confidential_shares(
    facts: dict[str, Any], outcome: str, refer: bool, relies: bool | None, seek: bool | None
) -> None:
    _check(facts, outcome, refer, relies, seek)


def test_principle_3_not_identifying_basis_is_not_personal_data() -> None:
    assert decide(make_facts(identifies=False)).lawful_basis == ("not_personal_data",)


PRINCIPLE_4_CHILD_PROTECTION = [
    pytest.param(
        make_facts(age=7, concern=RCS, parent_consent="refused"),
        "share",
        True,
        False,
        False,
        id="suspicion-parent-refused",
    ),
    pytest.param(
        make_facts(age=7, concern="significant_harm"), "share", True, False, True, id="harm-safe-to-ask-first"
    ),
    pytest.param(
        make_facts(age=7, concern="significant_harm", risks=["prejudice_crime_investigation"]),
        "share",
        True,
        False,
        False,
        id="harm-asking-prejudices-investigation",
    ),
    pytest.param(
        make_facts(age=7, concern=RCS, risks=["undue_delay"]),
        "share",
        True,
        False,
        False,
        id="suspicion-asking-causes-delay",
    ),
    pytest.param(
        make_facts(age=7, concern=RCS, parent_consent="given"),
        "share",
        True,
        False,
        False,
        id="harm-with-consent-does-not-rely-on-it",
    ),
    pytest.param(
        make_facts(
            age=15, concern="none", indicators=["child_sexual_exploitation"], subject_consent="refused"
        ),
        "share",
        True,
        False,
        False,
        id="cse-teenager-refuses",
    ),
    pytest.param(
        make_facts(age=12, concern="none", indicators=["sexual_activity_under_13"]),
        "share",
        True,
        False,
        None,
        id="under-13-sexual-activity",
    ),
    pytest.param(
        make_facts(purpose="none", age=7, concern="significant_harm"),
        "seek_advice",
        True,
        False,
        False,
        id="harm-with-no-purpose-seeks-advice-and-refers",
    ),
    pytest.param(
        make_facts(purpose="none", age=7, concern=RCS, legal="court_order"),
        "share",
        True,
        False,
        None,
        id="harm-no-purpose-court-order-shares",
    ),
    pytest.param(
        make_facts(purpose="unsure", age=7, concern=RCS),
        "share",
        True,
        False,
        None,
        id="harm-beats-unsure-purpose",
    ),
    pytest.param(
        make_facts(age=7, concern=RCS, confidential="unsure"),
        "share",
        True,
        False,
        None,
        id="harm-beats-unsure-confidential",
    ),
]


@pytest.mark.parametrize(("facts", "outcome", "refer", "relies", "seek"), PRINCIPLE_4_CHILD_PROTECTION)
def test_principle_4_child_at_risk_shares_and_refers(
    facts: dict[str, Any], outcome: str, refer: bool, relies: bool | None, seek: bool | None
) -> None:
    _check(facts, outcome, refer, relies, seek)


def test_principle_4_child_at_risk_is_first_question_and_follows_procedures() -> None:
    result = decide(make_facts(age=7, concern=RCS))
    assert [s.to_dict() for s in result.path] == [{"question": "child_protection", "answer": "yes"}]
    assert "follow_child_protection_procedures" in result.actions
    assert "uk_gdpr_9_2_g_sch1_para18" in result.lawful_basis


def test_principle_4_harm_with_no_purpose_still_follows_procedures() -> None:
    result = decide(make_facts(purpose="none", age=7, concern="significant_harm"))
    assert {"seek_advice", "follow_child_protection_procedures", "record_decision"} <= set(result.actions)
    assert "refer without delay" in result.explanation


def test_principle_4_under_13_requires_discussion_with_designated_lead() -> None:
    result = decide(make_facts(age=12, concern="none", indicators=["sexual_activity_under_13"]))
    assert "discuss_with_designated_lead" in result.actions
    assert "under_13_procedures" in [c.id for c in result.citations]


def test_principle_4_cse_cites_ministerial_letter() -> None:
    result = decide(make_facts(age=15, concern="none", indicators=["child_sexual_exploitation"]))
    assert "ministerial_letter_cse" in [c.id for c in result.citations]


def test_principle_4_safe_to_ask_adds_seek_agreement_action() -> None:
    safe = decide(make_facts(age=7, concern="significant_harm"))
    unsafe = decide(make_facts(age=7, concern="significant_harm", risks=["increase_risk_to_child"]))
    assert "be_open_seek_agreement" in safe.actions
    assert "be_open_seek_agreement" not in unsafe.actions
