"""The rule packs as data: discovery, loading errors, precedence order, coverage and load-time checks."""

from __future__ import annotations

import copy
import tomllib
from importlib import resources
from typing import Any

import pytest

from goldenthread.policy import DEFAULT_PACK, PackError, decide, list_packs, load_pack
from goldenthread.policy.pack import parse_pack

from .builders import make_facts

PRECEDENCE = [
    "child_protection",
    "adult_safeguarding",
    "legal_requirement",
    "sexual_activity_13_15",
    "purpose",
    "identifies",
    "confidential",
    "competence",
    "consent",
    "public_interest",
]
RCS = "reasonable_cause_to_suspect_significant_harm"
ADULT_AT_RISK = "adult_at_risk_of_serious_harm"

# One case per outcome box, so no outcome in a pack is dead.
ONE_CASE_PER_OUTCOME = {
    "share_child_protection": make_facts(age=7, concern=RCS),
    "seek_advice_child_protection": make_facts(purpose="none", age=7, concern=RCS),
    "share_legal_requirement": make_facts(legal="court_order"),
    "do_not_share_no_purpose": make_facts(purpose="none"),
    "seek_advice_unsure": make_facts(purpose="unsure"),
    "share_not_identifying": make_facts(identifies=False),
    "share_not_confidential": make_facts(confidential=False),
    "seek_advice_capacity": make_facts(age=21, competent=False),
    "share_consent": make_facts(age=16, subject_consent="given"),
    "share_public_interest": make_facts(age=16, indicators=["serious_crime"]),
    "do_not_share_consent_refused": make_facts(age=16, subject_consent="refused"),
    "seek_consent_first": make_facts(age=16),
    "seek_advice_consent_unsafe": make_facts(age=16, risks=["undue_delay"]),
    "seek_advice_no_consent": make_facts(age=8, parent_consent="not_possible"),
    # The whole family (issue 12).
    "share_adult_safeguarding": make_facts(age=70, role="adult_at_risk", indicators=[ADULT_AT_RISK]),
    "seek_advice_adult_safeguarding": make_facts(purpose="none", age=40, indicators=[ADULT_AT_RISK]),
    "seek_advice_capacity_doubt": make_facts(age=52, capacity_in_doubt=True),
    "seek_advice_sexual_activity": make_facts(
        age=14, indicators=["sexual_activity_13_to_15"], sexual_risks=["age_or_power_imbalance"]
    ),
}
packs = pytest.mark.parametrize("pack_name", list_packs())


def _raw(name: str = DEFAULT_PACK) -> dict[str, Any]:
    text = resources.files("goldenthread.policy.packs").joinpath(f"{name}.toml").read_text("utf-8")
    return tomllib.loads(text)


def test_list_packs_names_both_editions() -> None:
    assert list_packs() == ["england-2015", "england-2024"]
    assert DEFAULT_PACK == "england-2024"


def test_load_pack_default_when_none() -> None:
    assert load_pack().name == DEFAULT_PACK
    assert decide(make_facts()).pack_name == DEFAULT_PACK


def test_load_pack_unknown_names_available_packs() -> None:
    with pytest.raises(
        PackError, match=r"unknown rule pack 'wales-2024'; available packs: england-2015, england-2024"
    ):
        load_pack("wales-2024")


@packs
def test_pack_questions_in_documented_precedence_order(pack_name: str) -> None:
    assert [q.id for q in load_pack(pack_name).question_order()] == PRECEDENCE


@packs
def test_pack_every_outcome_reachable(pack_name: str) -> None:
    pack = load_pack(pack_name)
    reached = {name: decide(facts, pack).outcome_id for name, facts in ONE_CASE_PER_OUTCOME.items()}
    assert reached == {name: name for name in ONE_CASE_PER_OUTCOME}
    assert set(reached) == set(pack.outcomes)


@packs
def test_pack_every_question_has_hint_and_plain_text(pack_name: str) -> None:
    for question in load_pack(pack_name).question_order():
        assert question.text.endswith("?")
        assert "_" not in question.text
        assert len(question.hint) > 40


@packs
def test_pack_unsure_answers_offered_where_facts_allow_it(pack_name: str) -> None:
    questions = load_pack(pack_name).questions
    for qid in ("purpose", "confidential"):
        assert "not_sure" in {a.value for a in questions[qid].answers}


def test_pack_2024_bases_are_uk_gdpr_era() -> None:
    bases = load_pack("england-2024").lawful_bases
    for identifier in (
        "uk_gdpr_6_1_e",
        "uk_gdpr_6_1_c",
        "uk_gdpr_6_1_a",
        "uk_gdpr_9_2_g_sch1_para18",
        "dpa_2018_sch8",
    ):
        assert identifier in bases
    assert "paragraph 18" in bases["uk_gdpr_9_2_g_sch1_para18"]
    assert not any("1998 Schedule" in title for title in bases.values())


def test_pack_2015_bases_are_dpa_1998() -> None:
    bases = load_pack("england-2015").lawful_bases
    assert {"dpa_1998_sch2_para1", "dpa_1998_sch2_para5", "dpa_1998_sch3_para1"} <= set(bases)
    assert not any("GDPR" in title or "2018" in title for title in bases.values())


@packs
def test_pack_has_seven_golden_rules_with_unverified_ones_marked(pack_name: str) -> None:
    citations = load_pack(pack_name).citations
    rules = [citations[f"golden_rule_{n}"] for n in range(1, 8)]
    assert all(pack_name[-4:] in rule.title for rule in rules)
    assert all(rule.status in {"V", "P", "M"} for rule in rules)
    assert all("summarised" in rule.title for rule in rules if rule.status == "M")


def _broken(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(_raw())
    change(data)
    return data


BROKEN = [
    pytest.param(
        lambda d: d["questions"][0]["answers"][-1].update(next="purpose_of_life"),
        "unknown 'purpose_of_life'",
        id="dangling",
    ),
    pytest.param(
        lambda d: d["questions"][2]["answers"][-1].update(next="child_protection"), "loops", id="loop"
    ),
    pytest.param(
        lambda d: d["questions"][0]["answers"][0].update(when={"fact": "shoe_size", "eq": 1}),
        "unknown fact",
        id="unknown-fact",
    ),
    pytest.param(
        lambda d: d["questions"][0]["answers"][0].update(when={"fact": "concern", "like": "x"}),
        "unknown operator",
        id="unknown-operator",
    ),
    pytest.param(
        lambda d: d["questions"][0]["answers"][-1].update(when={"ref": "child_at_risk"}),
        "last answer",
        id="no-fallback",
    ),
    pytest.param(
        lambda d: d["outcomes"]["share_consent"].update(lawful_basis=["magic"]),
        "unknown lawful basis",
        id="unknown-basis",
    ),
    pytest.param(
        lambda d: d["outcomes"]["share_consent"].update(lawful_basis=[]),
        "unconditional lawful basis",
        id="share-without-basis",
    ),
    pytest.param(
        lambda d: d["outcomes"]["share_consent"].update(explanation=["{shoe_size}"]),
        "unknown placeholder",
        id="bad-template",
    ),
    pytest.param(lambda d: d.update(always_actions=[]), "records the decision", id="no-record-action"),
    pytest.param(
        lambda d: d["outcomes"]["share_consent"].update(outcome="maybe"), "is not one of", id="bad-outcome"
    ),
]


@pytest.mark.parametrize(("change", "message"), BROKEN)
def test_parse_pack_rejects_broken_pack(change: Any, message: str) -> None:
    with pytest.raises(PackError, match=message):
        parse_pack(_broken(change))


def test_parse_pack_accepts_shipped_data_unchanged() -> None:
    assert parse_pack(_raw()).name == DEFAULT_PACK
