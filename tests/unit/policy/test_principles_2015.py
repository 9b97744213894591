"""Table tests for the england-2015 pack: the same principles, with 2015 wording and DPA 1998 bases."""

from __future__ import annotations

from typing import Any

import pytest

from goldenthread.policy import decide

from .builders import (
    EXAMPLE_BRUISING,
    EXAMPLE_COMPETENT_14,
    EXAMPLE_EARLY_HELP_REFUSED,
    EXAMPLE_STATISTICS,
    make_facts,
)

PACK = "england-2015"
RCS = "reasonable_cause_to_suspect_significant_harm"

ROWS = [
    pytest.param(EXAMPLE_BRUISING, "share", True, False, id="example-bruising"),
    pytest.param(EXAMPLE_EARLY_HELP_REFUSED, "do_not_share", False, False, id="example-early-help-refused"),
    pytest.param(EXAMPLE_COMPETENT_14, "share", False, True, id="example-competent-14"),
    pytest.param(EXAMPLE_STATISTICS, "share", False, False, id="example-statistics"),
    pytest.param(
        make_facts(age=16, subject_consent="refused", legal="court_order"),
        "share",
        False,
        False,
        id="p1-court-order",
    ),
    pytest.param(make_facts(purpose="none"), "do_not_share", False, False, id="p2-no-purpose"),
    pytest.param(make_facts(purpose="unsure"), "seek_advice", False, False, id="p2-unsure"),
    pytest.param(make_facts(confidential=False), "share", False, False, id="p3-not-confidential"),
    pytest.param(
        make_facts(
            age=15, concern="none", indicators=["child_sexual_exploitation"], subject_consent="refused"
        ),
        "share",
        True,
        False,
        id="p4-cse",
    ),
    pytest.param(
        make_facts(age=17, indicators=["adult_at_risk_of_serious_harm"], subject_consent="refused"),
        "share",
        True,
        False,
        id="p5-adult-at-risk",
    ),
    pytest.param(
        make_facts(age=11, subject_consent="given", parent_consent="refused"),
        "do_not_share",
        False,
        False,
        id="p6-under-12-parent-decides",
    ),
    pytest.param(
        make_facts(age=13, subject_consent="refused", parent_consent="given"),
        "do_not_share",
        False,
        False,
        id="p6-13-refusal-stands",
    ),
    pytest.param(make_facts(age=8), "seek_consent_first", False, False, id="p7-not-sought"),
    pytest.param(
        make_facts(age=8, parent_consent="not_possible"), "seek_advice", False, False, id="p7-not-possible"
    ),
]


@pytest.mark.parametrize(("facts", "outcome", "refer", "relies"), ROWS)
def test_pack_2015_principle_holds(facts: dict[str, Any], outcome: str, refer: bool, relies: bool) -> None:
    result = decide(facts, PACK).to_dict()
    assert (result["outcome"], result["refer_without_delay"], result["relies_on_consent"]) == (
        outcome,
        refer,
        relies,
    )
    assert result["pack"] == {"name": PACK, "version": "1.1.0"}
    assert "record_decision" in result["actions"]


def test_pack_2015_consent_share_uses_dpa_1998_schedules() -> None:
    result = decide(EXAMPLE_COMPETENT_14, PACK)
    assert result.lawful_basis == ("dpa_1998_sch2_para1", "dpa_1998_sch3_para1", "common_law_consent")


def test_pack_2015_child_protection_uses_dpa_1998_not_gdpr() -> None:
    result = decide(make_facts(age=7, concern=RCS), PACK)
    assert "dpa_1998_sch2_para5" in result.lawful_basis
    assert not any(basis.startswith("uk_gdpr") for basis in result.lawful_basis)


def test_pack_2015_cites_2015_golden_rules() -> None:
    citations = {c.id: c for c in decide(EXAMPLE_EARLY_HELP_REFUSED, PACK).citations}
    assert citations["golden_rule_4"].title == "Golden rule 4 (2015)"
    assert "respect the wishes of those who do not consent" in citations["golden_rule_4"].text
    assert citations["golden_rule_7"].text.startswith("Keep a record of your decision")


def test_pack_2015_public_interest_question_uses_2015_wording() -> None:
    from goldenthread.policy import load_pack

    question = load_pack(PACK).questions["public_interest"]
    assert "public function" in question.text
    assert "vital interests" in question.text
