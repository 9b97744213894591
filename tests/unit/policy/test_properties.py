"""Property tests over generated valid facts: the safety properties hold in every shipped pack.

Two generators: `facts_strategy` writes facts in the contract as it was before the family fields (so
every property of then is still checked against today's packs), `family_strategy` uses every field of
today's contract (adults, their role and capacity, sexual activity aged 13 to 15 and its risk factors).
`any_facts` draws from both."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goldenthread.policy import CONTRACT_KEYS, decide, list_packs, load_pack
from goldenthread.policy.facts import (
    ADULT_ROLES,
    CONCERNS,
    CONSENT_STATUSES,
    INDICATORS,
    LEGAL_REQUIREMENTS,
    PURPOSES,
    RISKS,
    SEXUAL_ACTIVITY_RISK_FACTORS,
)

HARM = ("reasonable_cause_to_suspect_significant_harm", "significant_harm")
CHILD_INDICATORS = ("child_sexual_exploitation", "sexual_activity_under_13")
ADULT_AT_RISK = "adult_at_risk_of_serious_harm"
ACTIVE_13_15 = "sexual_activity_13_to_15"
OLD_INDICATORS = tuple(i for i in INDICATORS if i != ACTIVE_13_15)

facts_strategy = st.fixed_dictionaries(
    {
        "purpose": st.sampled_from(PURPOSES),
        "subject": st.fixed_dictionaries(
            {"age": st.integers(0, 25)},
            optional={"competent_to_consent": st.sampled_from([True, False, None])},
        ),
        "information": st.fixed_dictionaries(
            {"identifies_individual": st.booleans(), "confidential": st.sampled_from([True, False, "unsure"])}
        ),
        "concern": st.sampled_from(CONCERNS),
    },
    optional={
        "indicators": st.lists(st.sampled_from(OLD_INDICATORS), max_size=4),
        "consent": st.fixed_dictionaries(
            {},
            optional={
                "subject": st.sampled_from(CONSENT_STATUSES),
                "parent": st.sampled_from(CONSENT_STATUSES),
            },
        ),
        "risks_of_seeking_consent": st.lists(st.sampled_from(RISKS), max_size=4),
        "legal_requirement": st.sampled_from(LEGAL_REQUIREMENTS),
    },
)


@st.composite
def family_strategy(draw: st.DrawFn, kind: str | None = None) -> dict[str, Any]:
    """Facts using every field of today's contract, consistent with each other."""
    facts = draw(facts_strategy)
    kind = kind or draw(st.sampled_from(["child", "adult"]))
    subject = facts["subject"]
    if kind == "adult":
        subject["age"] = draw(st.integers(18, 120))
        if subject["age"] <= 25 or draw(st.booleans()):
            subject["kind"] = "adult"
        if draw(st.booleans()):
            subject["role"] = draw(st.sampled_from(ADULT_ROLES))
        if draw(st.booleans()):
            subject["capacity_in_doubt"] = draw(st.booleans())
    elif draw(st.booleans()):
        subject["kind"] = "child"
    indicators = list(facts.get("indicators", []))
    if (kind == "adult" or 13 <= subject["age"] <= 15) and draw(st.booleans()):
        indicators.append(ACTIVE_13_15)
        facts["sexual_activity_risk_factors"] = draw(
            st.lists(st.sampled_from(SEXUAL_ACTIVITY_RISK_FACTORS), max_size=3)
        )
    if indicators or "indicators" in facts:
        facts["indicators"] = indicators
    return facts


any_facts = st.one_of(facts_strategy, family_strategy())
packs = pytest.mark.parametrize("pack", list_packs())
# No deadline: speed is measured in bench/ (bench_decide.py), never asserted in a test; on a busy machine
# a single example can take a second, which is no failure of the rules.
untimed = settings(deadline=None)


def _adult(facts: dict[str, Any]) -> bool:
    return str(facts["subject"].get("kind", "child" if facts["subject"]["age"] <= 25 else "adult")) == "adult"


def _child_at_risk(facts: dict[str, Any]) -> bool:
    return facts["concern"] in HARM or bool(set(facts.get("indicators", [])) & set(CHILD_INDICATORS))


def _adult_subject_at_risk(facts: dict[str, Any]) -> bool:
    return _adult(facts) and ADULT_AT_RISK in facts.get("indicators", [])


def _active_with_risks(facts: dict[str, Any]) -> bool:
    return ACTIVE_13_15 in facts.get("indicators", []) and bool(facts.get("sexual_activity_risk_factors"))


def _consent(facts: dict[str, Any], who: str) -> str:
    key = "subject" if who == "adult" else who
    return str(facts.get("consent", {}).get(key, "not_sought"))


def _decider(facts: dict[str, Any]) -> str:
    """An independent statement of principle 6 (and, for an adult, the Mental Capacity Act 2005's
    presumption of capacity), to check the pack against."""
    age, competent = facts["subject"]["age"], facts["subject"].get("competent_to_consent")
    if _adult(facts):
        return "nobody" if competent is False else "adult"
    if competent is True or (competent is None and age >= 12):
        return "subject"
    return "parent" if age < 18 else "nobody"


@packs
@given(facts=any_facts)
@untimed
def test_legal_requirement_never_yields_do_not_share(pack: str, facts: dict[str, Any]) -> None:
    facts["legal_requirement"] = facts.get("legal_requirement", "court_order")
    if facts["legal_requirement"] == "none":
        facts["legal_requirement"] = "statutory_duty"
    assert decide(facts, pack).outcome == "share"


@packs
@given(facts=any_facts)
@untimed
def test_purpose_none_without_legal_requirement_never_yields_share(pack: str, facts: dict[str, Any]) -> None:
    facts["purpose"] = "none"
    facts["legal_requirement"] = "none"
    result = decide(facts, pack)
    assert result.outcome != "share"
    if _child_at_risk(facts) or _adult_subject_at_risk(facts):
        # The conflicting answers go to a safeguarding lead, but the referral still happens now.
        assert (result.outcome, result.refer_without_delay) == ("seek_advice", True)
    elif _active_with_risks(facts):
        assert result.outcome == "seek_advice"
    else:
        assert result.outcome == "do_not_share"


@packs
@given(facts=any_facts, harm=st.sampled_from(HARM))
@untimed
def test_significant_harm_never_yields_do_not_share_and_always_refers(
    pack: str, facts: dict[str, Any], harm: str
) -> None:
    facts["concern"] = harm
    result = decide(facts, pack)
    assert result.outcome != "do_not_share"
    assert result.refer_without_delay is True


@packs
@given(facts=any_facts, indicator=st.sampled_from(CHILD_INDICATORS))
@untimed
def test_cse_or_under_13_always_shares_and_refers(pack: str, facts: dict[str, Any], indicator: str) -> None:
    facts["indicators"] = [*facts.get("indicators", []), indicator]
    result = decide(facts, pack)
    expected = (
        "seek_advice"
        if facts["purpose"] == "none" and facts.get("legal_requirement", "none") == "none"
        else "share"
    )
    assert (result.outcome, result.refer_without_delay, result.relies_on_consent) == (expected, True, False)


@packs
@given(facts=any_facts, refusal=st.sampled_from(["refused", "withdrawn"]))
@untimed
def test_refused_consent_with_no_other_reason_never_yields_share(
    pack: str, facts: dict[str, Any], refusal: str
) -> None:
    facts.update(indicators=[], legal_requirement="none")
    facts["concern"] = "none" if facts["concern"] == "none" else "additional_needs"
    facts["information"] = {"identifies_individual": True, "confidential": True}
    if facts["purpose"] == "unsure":
        facts["purpose"] = "early_help"
    facts.pop("sexual_activity_risk_factors", None)
    facts["subject"].pop("capacity_in_doubt", None)
    who = _decider(facts)
    if who == "nobody":
        facts["subject"]["competent_to_consent"] = None
        who = _decider(facts)
    consent = dict(facts.get("consent", {}))
    consent["subject" if who == "adult" else who] = refusal
    facts["consent"] = consent
    assert decide(facts, pack).outcome != "share"


@packs
@given(facts=any_facts)
@untimed
def test_share_always_has_lawful_basis_and_records_decision(pack: str, facts: dict[str, Any]) -> None:
    result = decide(facts, pack)
    assert "record_decision" in result.actions
    if result.outcome == "share":
        rules = load_pack(pack)
        assert result.lawful_basis
        assert all(basis in rules.lawful_bases for basis in result.lawful_basis)


@packs
@given(facts=any_facts)
@untimed
def test_seek_consent_only_when_safe_and_quick(pack: str, facts: dict[str, Any]) -> None:
    result = decide(facts, pack)
    if result.seek_consent:
        assert not facts.get("risks_of_seeking_consent")
        assert "be_open_seek_agreement" in result.actions


@packs
@given(facts=any_facts)
@untimed
def test_relies_on_consent_only_when_whoever_counts_gave_it(pack: str, facts: dict[str, Any]) -> None:
    result = decide(facts, pack)
    if result.relies_on_consent:
        assert result.outcome == "share"
        assert _consent(facts, _decider(facts)) == "given"
        assert not _child_at_risk(facts)


@packs
@given(facts=any_facts)
@untimed
def test_refer_without_delay_exactly_when_child_or_adult_at_risk(pack: str, facts: dict[str, Any]) -> None:
    adult = ADULT_AT_RISK in facts.get("indicators", [])
    assert decide(facts, pack).refer_without_delay is (_child_at_risk(facts) or adult)


@packs
@given(facts=any_facts)
@untimed
def test_unsure_purpose_without_overriding_reason_seeks_advice(pack: str, facts: dict[str, Any]) -> None:
    facts.update(purpose="unsure", legal_requirement="none")
    if not (_child_at_risk(facts) or _adult_subject_at_risk(facts)):
        assert decide(facts, pack).outcome == "seek_advice"


@packs
@given(facts=any_facts)
@untimed
def test_decide_is_deterministic(pack: str, facts: dict[str, Any]) -> None:
    reordered = json.loads(json.dumps(facts))
    reordered["indicators"] = list(reversed(facts.get("indicators", [])))
    reordered["risks_of_seeking_consent"] = list(reversed(facts.get("risks_of_seeking_consent", [])))
    assert decide(facts, pack) == decide(facts, pack) == decide(reordered, pack)


@packs
@given(facts=any_facts)
@settings(max_examples=50, deadline=None)
def test_output_has_exactly_contract_keys_and_is_json(pack: str, facts: dict[str, Any]) -> None:
    result = decide(facts, pack).to_dict()
    assert tuple(result) == CONTRACT_KEYS
    assert json.loads(json.dumps(result)) == result
    assert all(set(step) == {"question", "answer"} for step in result["path"])
    assert all(set(citation) == {"id", "title", "text"} for citation in result["citations"])
    assert result["pack"]["name"] == pack


@packs
@given(facts=any_facts)
@untimed
def test_path_follows_pack_questions_and_explanation_is_filled_in(pack: str, facts: dict[str, Any]) -> None:
    rules = load_pack(pack)
    result = decide(facts, pack)
    assert result.path[0].question == rules.start
    for step in result.path:
        assert step.answer in {a.value for a in rules.questions[step.question].answers}
    assert result.explanation
    assert "{" not in result.explanation
    assert "None" not in result.explanation


@packs
@given(facts=family_strategy(kind="adult"))
@untimed
def test_adult_at_risk_of_serious_harm_always_refers_without_delay(pack: str, facts: dict[str, Any]) -> None:
    facts["indicators"] = [*facts.get("indicators", []), ADULT_AT_RISK]
    result = decide(facts, pack)
    assert result.refer_without_delay is True
    assert result.outcome != "do_not_share"
    assert "follow_adult_safeguarding_procedures" in result.actions


@packs
@given(
    facts=family_strategy(kind="adult"),
    refusal=st.sampled_from(["refused", "withdrawn"]),
    concern=st.sampled_from(["none", "additional_needs"]),
    purpose=st.sampled_from([p for p in PURPOSES if p not in ("none", "unsure")]),
)
@untimed
def test_adult_refusal_with_no_risk_to_anyone_never_overridden(
    pack: str, facts: dict[str, Any], refusal: str, concern: str, purpose: str
) -> None:
    # No risk to anyone: no concern about a child, no indicator, nothing the law requires; the adult has
    # capacity (presumed, or assessed) and the information is personal and confidential.
    facts.update(purpose=purpose, concern=concern, indicators=[], legal_requirement="none")
    facts.pop("sexual_activity_risk_factors", None)
    facts["subject"]["capacity_in_doubt"] = False
    if facts["subject"].get("competent_to_consent") is False:
        facts["subject"]["competent_to_consent"] = None
    facts["information"] = {"identifies_individual": True, "confidential": True}
    facts["consent"] = {**facts.get("consent", {}), "subject": refusal}
    result = decide(facts, pack)
    assert (result.outcome, result.outcome_id) == ("do_not_share", "do_not_share_consent_refused")
    assert "respect_refusal" in result.actions


@packs
@given(facts=family_strategy(kind="adult"))
@untimed
def test_adult_whose_capacity_is_in_doubt_never_decides_by_consent(pack: str, facts: dict[str, Any]) -> None:
    facts["subject"]["capacity_in_doubt"] = True
    result = decide(facts, pack)
    assert not result.relies_on_consent
    if result.outcome_id == "share_consent":
        raise AssertionError("an adult whose capacity is in doubt was taken to consent")


@packs
@given(facts=family_strategy(kind="child"), age=st.integers(13, 15))
@untimed
def test_sexual_activity_13_to_15_with_risk_factors_seeks_advice_and_considers_referral(
    pack: str, facts: dict[str, Any], age: int
) -> None:
    facts["subject"]["age"] = age
    facts["indicators"] = [i for i in facts.get("indicators", []) if i not in CHILD_INDICATORS]
    facts["indicators"].append(ACTIVE_13_15)
    facts["sexual_activity_risk_factors"] = ["coercion_or_bribery"]
    facts["legal_requirement"] = "none"
    result = decide(facts, pack)
    assert "assess_sexual_activity" in result.actions
    if facts["concern"] in HARM:
        assert (result.outcome, result.refer_without_delay) in {("share", True), ("seek_advice", True)}
    else:
        assert result.outcome_id == "seek_advice_sexual_activity"
        assert "consider_child_protection_referral" in result.actions


@packs
@given(facts=family_strategy(kind="child"), age=st.integers(0, 12))
@untimed
def test_sexual_activity_under_13_always_refers_whatever_else(
    pack: str, facts: dict[str, Any], age: int
) -> None:
    facts["subject"]["age"] = age
    facts["indicators"] = [i for i in facts.get("indicators", []) if i != ACTIVE_13_15]
    facts["indicators"].append("sexual_activity_under_13")
    facts.pop("sexual_activity_risk_factors", None)
    result = decide(facts, pack)
    assert result.refer_without_delay is True
    assert "follow_child_protection_procedures" in result.actions
