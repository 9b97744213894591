"""The guide for the whole family (issue 12), in both packs: adults as subjects, whose consent counts for
them, the adult safeguarding route, and the path for sexual activity of a young person aged 13 to 15."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from goldenthread.policy import decide, list_packs, load_pack
from goldenthread.policy.cli import run_decide

from .builders import make_facts

packs = pytest.mark.parametrize("pack", list_packs())
RCS = "reasonable_cause_to_suspect_significant_harm"
ADULT_AT_RISK = "adult_at_risk_of_serious_harm"
ACTIVE_13_15 = "sexual_activity_13_to_15"


def _path(facts: dict[str, object], pack: str) -> list[tuple[str, str]]:
    return [(step.question, step.answer) for step in decide(facts, pack).path]


@packs
def test_family_parent_whose_circumstances_put_a_child_at_risk_goes_down_child_protection(pack: str) -> None:
    facts = make_facts(purpose="safeguarding", age=31, kind="adult", role="parent_or_carer", concern=RCS)
    result = decide(facts, pack)
    assert (result.outcome_id, result.refer_without_delay) == ("share_child_protection", True)
    assert "follow_child_protection_procedures" in result.actions
    assert result.explanation.startswith("The information is about a parent or carer, aged 31,")
    assert "child protection route" in result.explanation


@packs
def test_family_adult_at_risk_of_serious_harm_goes_down_adult_safeguarding(pack: str) -> None:
    facts = make_facts(age=78, role="adult_at_risk", indicators=[ADULT_AT_RISK], subject_consent="refused")
    result = decide(facts, pack)
    assert _path(facts, pack) == [("child_protection", "no"), ("adult_safeguarding", "yes")]
    assert (result.outcome, result.outcome_id, result.refer_without_delay) == (
        "share",
        "share_adult_safeguarding",
        True,
    )
    assert "care_act_2014_s42" in result.lawful_basis
    assert "care_act_2014_s42" in [c.id for c in result.citations]
    assert "follow_adult_safeguarding_procedures" in result.actions
    assert "Care Act 2014 section 42" in result.explanation
    assert "Separately, an adult may be at risk" not in result.explanation


def test_family_adult_safeguarding_cites_schedule_1_paragraph_18_in_2024() -> None:
    result = decide(make_facts(age=78, indicators=[ADULT_AT_RISK]), "england-2024")
    assert "uk_gdpr_9_2_g_sch1_para18" in result.lawful_basis
    assert "dpa_2018_sch1_para18" in [c.id for c in result.citations]


def test_family_adult_safeguarding_bases_are_dpa_1998_in_2015() -> None:
    result = decide(make_facts(age=78, indicators=[ADULT_AT_RISK]), "england-2015")
    assert {"dpa_1998_sch2_para5", "dpa_1998_sch3_para3", "care_act_2014_s42"} <= set(result.lawful_basis)


@packs
def test_family_adult_at_risk_with_no_purpose_seeks_advice_and_still_refers(pack: str) -> None:
    result = decide(make_facts(purpose="none", age=40, indicators=[ADULT_AT_RISK]), pack)
    assert (result.outcome_id, result.refer_without_delay) == ("seek_advice_adult_safeguarding", True)


@packs
def test_family_child_subject_with_adult_at_risk_indicator_keeps_the_old_route(pack: str) -> None:
    result = decide(make_facts(age=16, indicators=[ADULT_AT_RISK]), pack)
    assert result.outcome_id == "share_public_interest"
    assert "adult_safeguarding" not in [step.question for step in result.path]


@packs
@pytest.mark.parametrize(
    ("consent", "outcome_id"),
    [
        ("given", "share_consent"),
        ("refused", "do_not_share_consent_refused"),
        ("not_sought", "seek_consent_first"),
    ],
)
def test_family_adult_decides_for_themselves_capacity_presumed(
    pack: str, consent: str, outcome_id: str
) -> None:
    # The parent's answer does not count for an adult, whatever it is.
    facts = make_facts(
        age=40, subject_consent=consent, parent_consent="given" if consent != "given" else "refused"
    )
    result = decide(facts, pack)
    assert result.outcome_id == outcome_id
    assert ("competence", "yes") in _path(facts, pack)
    assert "the adult, because an adult is presumed to have capacity" in result.explanation


@packs
def test_family_adult_capacity_in_doubt_seeks_advice(pack: str) -> None:
    facts = make_facts(age=52, capacity_in_doubt=True, subject_consent="given")
    result = decide(facts, pack)
    assert (result.outcome, result.outcome_id) == ("seek_advice", "seek_advice_capacity_doubt")
    assert _path(facts, pack)[-1] == ("competence", "not_sure")
    assert {"seek_advice", "assess_capacity"} <= set(result.actions)
    assert "mca_2005_s1" in [c.id for c in result.citations]


@packs
def test_family_adult_assessed_as_lacking_capacity_seeks_best_interests_advice(pack: str) -> None:
    result = decide(make_facts(age=60, competent=False, subject_consent="given"), pack)
    assert result.outcome_id == "seek_advice_capacity"
    assert "best interests (Mental Capacity Act 2005)" in result.explanation


@packs
def test_family_young_person_aged_20_stays_a_young_person_unless_said_adult(pack: str) -> None:
    young = decide(make_facts(age=20, subject_consent="given"), pack)
    adult = decide(make_facts(age=20, kind="adult", subject_consent="given"), pack)
    assert young.outcome_id == adult.outcome_id == "share_consent"
    assert young.explanation.startswith("The child or young person is aged 20.")
    assert adult.explanation.startswith("The adult is aged 20.")


@packs
def test_family_sexual_activity_13_to_15_with_risk_factors_seeks_advice_and_considers_referral(
    pack: str,
) -> None:
    facts = make_facts(
        age=14, indicators=[ACTIVE_13_15], sexual_risks=["age_or_power_imbalance", "alcohol_or_drugs"]
    )
    result = decide(facts, pack)
    assert _path(facts, pack) == [
        ("child_protection", "no"),
        ("legal_requirement", "no"),
        ("sexual_activity_13_15", "yes"),
    ]
    assert (result.outcome, result.outcome_id, result.refer_without_delay) == (
        "seek_advice",
        "seek_advice_sexual_activity",
        False,
    )
    assert {
        "discuss_with_designated_lead",
        "consider_child_protection_referral",
        "assess_sexual_activity",
    } <= set(result.actions)
    cited = [c.id for c in result.citations]
    assert "derby_sexual_activity_under_16" in cited and "sexual_activity_risk_factors" in cited
    assert "a big difference in age, power or understanding and alcohol or drugs used" in result.explanation


@packs
def test_family_sexual_activity_13_to_15_without_risk_factors_assesses_and_goes_on(pack: str) -> None:
    facts = make_facts(
        purpose="health_care", age=15, indicators=[ACTIVE_13_15], subject_consent="given", competent=True
    )
    result = decide(facts, pack)
    assert _path(facts, pack)[:3] == [
        ("child_protection", "no"),
        ("legal_requirement", "no"),
        ("sexual_activity_13_15", "no"),
    ]
    assert result.outcome_id == "share_consent"
    assert "assess_sexual_activity" in result.actions
    assert "none of the listed risk factors" in result.explanation


@packs
def test_family_sexual_activity_13_to_15_with_exploitation_is_child_protection(pack: str) -> None:
    facts = make_facts(
        age=14, indicators=[ACTIVE_13_15, "child_sexual_exploitation"], sexual_risks=["coercion_or_bribery"]
    )
    result = decide(facts, pack)
    assert (result.outcome_id, result.refer_without_delay) == ("share_child_protection", True)
    assert "assess_sexual_activity" in result.actions


@packs
def test_family_court_order_still_shares_for_a_young_person_aged_13_to_15(pack: str) -> None:
    facts = make_facts(
        age=13, indicators=[ACTIVE_13_15], sexual_risks=["secrecy_or_going_missing"], legal="court_order"
    )
    assert decide(facts, pack).outcome_id == "share_legal_requirement"


@packs
def test_family_pack_labels_every_new_value(pack: str) -> None:
    rules = load_pack(pack)
    assert set(rules.labels["subject_kind"]) == {"child", "adult"}
    assert set(rules.labels["adult_role"]) == {
        "parent_or_carer",
        "household_member",
        "adult_at_risk",
        "other_adult",
    }
    assert "sexual_activity_13_to_15" in rules.labels["indicators"]
    assert len(rules.labels["sexual_activity_risk_factors"]) == 6
    assert {"care_act_2014_s42", "mca_2005_s1", "derby_sexual_activity_under_16"} <= set(rules.citations)


@packs
def test_family_goldenthread_decide_answers_adult_subjects(pack: str, tmp_path: Path) -> None:
    adults = [
        make_facts(
            purpose="safeguarding", age=34, kind="adult", role="parent_or_carer", concern="significant_harm"
        ),
        make_facts(age=81, role="adult_at_risk", indicators=[ADULT_AT_RISK]),
        make_facts(age=45, role="household_member", subject_consent="refused"),
    ]
    path = tmp_path / "adults.json"
    path.write_text(json.dumps(adults), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert run_decide(str(path), pack, io.StringIO(""), out, err) == 0, err.getvalue()
    answers = json.loads(out.getvalue())
    assert [(a["outcome"], a["refer_without_delay"]) for a in answers] == [
        ("share", True),
        ("share", True),
        ("do_not_share", False),
    ]
    assert all(a["pack"] == {"name": pack, "version": "1.1.0"} for a in answers)


@packs
def test_family_goldenthread_decide_command_answers_an_adult_subject(pack: str, tmp_path: Path) -> None:
    """The installed command itself, as a partner would run it, not only the function behind it."""
    path = tmp_path / "mother.json"
    mother = make_facts(purpose="safeguarding", age=34, kind="adult", role="parent_or_carer", concern=RCS)
    path.write_text(json.dumps(mother), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "goldenthread.cli", "decide", "--facts", str(path), "--pack", pack],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert (answer["outcome"], answer["refer_without_delay"]) == ("share", True)
    assert answer["pack"]["name"] == pack
    assert answer["path"][0] == {"question": "child_protection", "answer": "yes"}
