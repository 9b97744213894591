"""Table tests, default pack: principles 5-7 of issue 3 (public interest, whose consent counts, consent) and
the explanations of the worked examples."""

from __future__ import annotations

from typing import Any

import pytest

from goldenthread.policy import decide

from .builders import (
    EXAMPLE_BRUISING,
    EXAMPLE_COMPETENT_14,
    EXAMPLE_EARLY_HELP_REFUSED,
    check_recommendation,
    make_facts,
)

RCS = "reasonable_cause_to_suspect_significant_harm"

# Each row: facts, then the expected outcome, refer_without_delay, relies_on_consent and, where the row
# is about it, seek_consent (None = not asserted).
_check = check_recommendation


PRINCIPLE_5_PUBLIC_INTEREST = [
    pytest.param(
        make_facts(age=17, indicators=["adult_at_risk_of_serious_harm"], subject_consent="refused"),
        "share",
        True,
        False,
        False,
        id="adult-at-risk-refused",
    ),
    pytest.param(
        make_facts(age=19, indicators=["adult_at_risk_of_serious_harm"], subject_consent="not_possible"),
        "share",
        True,
        False,
        False,
        id="adult-at-risk-consent-impossible",
    ),
    pytest.param(
        make_facts(
            purpose="crime_prevention", age=16, indicators=["serious_crime"], subject_consent="refused"
        ),
        "share",
        False,
        False,
        False,
        id="serious-crime-refused",
    ),
    pytest.param(
        make_facts(
            purpose="crime_prevention",
            age=16,
            indicators=["serious_crime"],
            risks=["prejudice_crime_investigation"],
        ),
        "share",
        False,
        False,
        False,
        id="serious-crime-asking-prejudices",
    ),
    pytest.param(
        make_facts(purpose="crime_prevention", age=16, indicators=["serious_crime"]),
        "share",
        False,
        False,
        True,
        id="serious-crime-safe-to-ask",
    ),
]


@pytest.mark.parametrize(("facts", "outcome", "refer", "relies", "seek"), PRINCIPLE_5_PUBLIC_INTEREST)
def test_principle_5_adult_at_risk_or_serious_crime_shares_without_consent(
    facts: dict[str, Any], outcome: str, refer: bool, relies: bool | None, seek: bool | None
) -> None:
    _check(facts, outcome, refer, relies, seek)


def test_principle_5_serious_crime_basis_includes_crime_and_disorder_act() -> None:
    result = decide(make_facts(age=16, indicators=["serious_crime"], subject_consent="refused"))
    assert {"cda_1998_s115", "common_law_public_interest"} <= set(result.lawful_basis)


def test_principle_5_adult_at_risk_follows_adult_procedures() -> None:
    result = decide(
        make_facts(age=17, indicators=["adult_at_risk_of_serious_harm"], subject_consent="refused")
    )
    assert "follow_adult_safeguarding_procedures" in result.actions


PRINCIPLE_6_WHOSE_CONSENT = [
    pytest.param(
        make_facts(age=16, subject_consent="given", parent_consent="refused"),
        "share",
        False,
        True,
        None,
        id="16-presumed-competent-agrees",
    ),
    pytest.param(
        make_facts(age=17, subject_consent="refused", parent_consent="given"),
        "do_not_share",
        False,
        False,
        None,
        id="17-refusal-stands-against-parent",
    ),
    pytest.param(
        make_facts(age=16, competent=False, subject_consent="refused", parent_consent="given"),
        "share",
        False,
        True,
        None,
        id="16-assessed-not-competent-parent-decides",
    ),
    pytest.param(
        make_facts(age=12, subject_consent="given", parent_consent="refused"),
        "share",
        False,
        True,
        None,
        id="12-expected-competent-agrees",
    ),
    pytest.param(
        make_facts(age=15, competent=None, subject_consent="refused", parent_consent="given"),
        "do_not_share",
        False,
        False,
        None,
        id="15-refusal-stands-against-parent",
    ),
    pytest.param(
        make_facts(age=13, competent=False, subject_consent="given", parent_consent="refused"),
        "do_not_share",
        False,
        False,
        None,
        id="13-not-competent-parent-refusal-counts",
    ),
    pytest.param(
        make_facts(age=13, competent=False, subject_consent="refused", parent_consent="given"),
        "share",
        False,
        True,
        None,
        id="13-not-competent-parent-consent-counts",
    ),
    pytest.param(
        make_facts(age=11, subject_consent="given", parent_consent="refused"),
        "do_not_share",
        False,
        False,
        None,
        id="11-not-assessed-parent-decides",
    ),
    pytest.param(
        make_facts(age=11, competent=True, subject_consent="given", parent_consent="refused"),
        "share",
        False,
        True,
        None,
        id="11-assessed-competent-decides",
    ),
    pytest.param(
        make_facts(age=4, parent_consent="given"), "share", False, True, None, id="4-parent-gives-consent"
    ),
    pytest.param(
        make_facts(age=20, competent=False, subject_consent="refused", parent_consent="given"),
        "seek_advice",
        False,
        False,
        None,
        id="adult-lacking-capacity-no-parental-responsibility",
    ),
]


@pytest.mark.parametrize(("facts", "outcome", "refer", "relies", "seek"), PRINCIPLE_6_WHOSE_CONSENT)
def test_principle_6_whose_consent_counts(
    facts: dict[str, Any], outcome: str, refer: bool, relies: bool | None, seek: bool | None
) -> None:
    _check(facts, outcome, refer, relies, seek)


PRINCIPLE_7_CONSENT_STATUS = [
    pytest.param(make_facts(age=16, subject_consent="given"), "share", False, True, False, id="given"),
    pytest.param(
        make_facts(age=16, subject_consent="refused"), "do_not_share", False, False, False, id="refused"
    ),
    pytest.param(
        make_facts(age=16, subject_consent="withdrawn"), "do_not_share", False, False, False, id="withdrawn"
    ),
    pytest.param(make_facts(age=16), "seek_consent_first", False, False, True, id="missing-means-not-sought"),
    pytest.param(
        make_facts(age=8, parent_consent="not_sought"),
        "seek_consent_first",
        False,
        False,
        True,
        id="not-sought",
    ),
    pytest.param(
        make_facts(age=8, parent_consent="not_possible"),
        "seek_advice",
        False,
        False,
        False,
        id="not-possible",
    ),
    pytest.param(
        make_facts(age=8, risks=["undue_delay"]),
        "seek_advice",
        False,
        False,
        False,
        id="not-sought-but-unsafe-to-ask",
    ),
]


@pytest.mark.parametrize(("facts", "outcome", "refer", "relies", "seek"), PRINCIPLE_7_CONSENT_STATUS)
def test_principle_7_consent_status_without_other_reason(
    facts: dict[str, Any], outcome: str, refer: bool, relies: bool | None, seek: bool | None
) -> None:
    _check(facts, outcome, refer, relies, seek)


def test_principle_7_consent_share_relies_on_consent_bases() -> None:
    result = decide(make_facts(age=16, subject_consent="given"))
    assert result.lawful_basis == ("uk_gdpr_6_1_a", "uk_gdpr_9_2_a", "common_law_consent")


def test_example_bruising_explains_age_and_whose_consent() -> None:
    text = decide(EXAMPLE_BRUISING).explanation
    assert "aged 7" in text
    assert "a person with parental responsibility" in text
    assert "Do not seek consent first" in text


def test_example_competent_14_explains_young_persons_decision_stands() -> None:
    text = decide(EXAMPLE_COMPETENT_14).explanation
    assert "aged 14" in text
    assert "Whose consent counts: the child or young person, because" in text
    assert "parent's refusal does not override" in text


def test_example_early_help_explains_parent_refused() -> None:
    text = decide(EXAMPLE_EARLY_HELP_REFUSED).explanation
    assert "aged 9" in text
    assert "A person with parental responsibility has refused consent" in text


def test_example_competent_14_path_follows_flowchart_order() -> None:
    path = [(s.question, s.answer) for s in decide(EXAMPLE_COMPETENT_14).path]
    assert path == [
        ("child_protection", "no"),
        ("legal_requirement", "no"),
        ("purpose", "yes"),
        ("identifies", "yes"),
        ("confidential", "yes"),
        ("competence", "yes"),
        ("consent", "yes"),
    ]


def test_example_bruising_citations_are_2024_golden_rules() -> None:
    citations = {c.id: c for c in decide(EXAMPLE_BRUISING).citations}
    assert citations["golden_rule_1"].text.startswith("All children have a right to be protected")
    assert "golden_rule_7" in citations
