"""Property tests over generated valid facts: the safety properties hold in every shipped pack."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goldenthread.policy import CONTRACT_KEYS, decide, list_packs, load_pack
from goldenthread.policy.facts import (
    CONCERNS,
    CONSENT_STATUSES,
    INDICATORS,
    LEGAL_REQUIREMENTS,
    PURPOSES,
    RISKS,
)

HARM = ("reasonable_cause_to_suspect_significant_harm", "significant_harm")
CHILD_INDICATORS = ("child_sexual_exploitation", "sexual_activity_under_13")

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
        "indicators": st.lists(st.sampled_from(INDICATORS), max_size=4),
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
packs = pytest.mark.parametrize("pack", list_packs())


def _child_at_risk(facts: dict[str, Any]) -> bool:
    return facts["concern"] in HARM or bool(set(facts.get("indicators", [])) & set(CHILD_INDICATORS))


def _consent(facts: dict[str, Any], who: str) -> str:
    return str(facts.get("consent", {}).get(who, "not_sought"))


def _decider(facts: dict[str, Any]) -> str:
    """An independent statement of principle 6, to check the pack against."""
    age, competent = facts["subject"]["age"], facts["subject"].get("competent_to_consent")
    if competent is True or (competent is None and age >= 12):
        return "subject"
    return "parent" if age < 18 else "nobody"


@packs
@given(facts=facts_strategy)
def test_legal_requirement_never_yields_do_not_share(pack: str, facts: dict[str, Any]) -> None:
    facts["legal_requirement"] = facts.get("legal_requirement", "court_order")
    if facts["legal_requirement"] == "none":
        facts["legal_requirement"] = "statutory_duty"
    assert decide(facts, pack).outcome == "share"


@packs
@given(facts=facts_strategy)
def test_purpose_none_without_legal_requirement_never_yields_share(pack: str, facts: dict[str, Any]) -> None:
    facts["purpose"] = "none"
    facts["legal_requirement"] = "none"
    result = decide(facts, pack)
    assert result.outcome != "share"
    if _child_at_risk(facts):
        # The conflicting answers go to a safeguarding lead, but the referral still happens now.
        assert (result.outcome, result.refer_without_delay) == ("seek_advice", True)
    else:
        assert result.outcome == "do_not_share"


@packs
@given(facts=facts_strategy, harm=st.sampled_from(HARM))
def test_significant_harm_never_yields_do_not_share_and_always_refers(
    pack: str, facts: dict[str, Any], harm: str
) -> None:
    facts["concern"] = harm
    result = decide(facts, pack)
    assert result.outcome != "do_not_share"
    assert result.refer_without_delay is True


@packs
@given(facts=facts_strategy, indicator=st.sampled_from(CHILD_INDICATORS))
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
@given(facts=facts_strategy, refusal=st.sampled_from(["refused", "withdrawn"]))
def test_refused_consent_with_no_other_reason_never_yields_share(
    pack: str, facts: dict[str, Any], refusal: str
) -> None:
    facts.update(indicators=[], legal_requirement="none")
    facts["concern"] = "none" if facts["concern"] == "none" else "additional_needs"
    facts["information"] = {"identifies_individual": True, "confidential": True}
    if facts["purpose"] == "unsure":
        facts["purpose"] = "early_help"
    who = _decider(facts)
    if who == "nobody":
        facts["subject"]["competent_to_consent"] = None
        who = "subject"
    consent = dict(facts.get("consent", {}))
    consent[who] = refusal
    facts["consent"] = consent
    assert decide(facts, pack).outcome != "share"


@packs
@given(facts=facts_strategy)
def test_share_always_has_lawful_basis_and_records_decision(pack: str, facts: dict[str, Any]) -> None:
    result = decide(facts, pack)
    assert "record_decision" in result.actions
    if result.outcome == "share":
        rules = load_pack(pack)
        assert result.lawful_basis
        assert all(basis in rules.lawful_bases for basis in result.lawful_basis)


@packs
@given(facts=facts_strategy)
def test_seek_consent_only_when_safe_and_quick(pack: str, facts: dict[str, Any]) -> None:
    result = decide(facts, pack)
    if result.seek_consent:
        assert not facts.get("risks_of_seeking_consent")
        assert "be_open_seek_agreement" in result.actions


@packs
@given(facts=facts_strategy)
def test_relies_on_consent_only_when_whoever_counts_gave_it(pack: str, facts: dict[str, Any]) -> None:
    result = decide(facts, pack)
    if result.relies_on_consent:
        assert result.outcome == "share"
        assert _consent(facts, _decider(facts)) == "given"
        assert not _child_at_risk(facts)


@packs
@given(facts=facts_strategy)
def test_refer_without_delay_exactly_when_child_or_adult_at_risk(pack: str, facts: dict[str, Any]) -> None:
    adult = "adult_at_risk_of_serious_harm" in facts.get("indicators", [])
    assert decide(facts, pack).refer_without_delay is (_child_at_risk(facts) or adult)


@packs
@given(facts=facts_strategy)
def test_unsure_purpose_without_overriding_reason_seeks_advice(pack: str, facts: dict[str, Any]) -> None:
    facts.update(purpose="unsure", legal_requirement="none")
    if not _child_at_risk(facts):
        assert decide(facts, pack).outcome == "seek_advice"


@packs
@given(facts=facts_strategy)
def test_decide_is_deterministic(pack: str, facts: dict[str, Any]) -> None:
    reordered = json.loads(json.dumps(facts))
    reordered["indicators"] = list(reversed(facts.get("indicators", [])))
    reordered["risks_of_seeking_consent"] = list(reversed(facts.get("risks_of_seeking_consent", [])))
    assert decide(facts, pack) == decide(facts, pack) == decide(reordered, pack)


@packs
@given(facts=facts_strategy)
@settings(max_examples=50)
def test_output_has_exactly_contract_keys_and_is_json(pack: str, facts: dict[str, Any]) -> None:
    result = decide(facts, pack).to_dict()
    assert tuple(result) == CONTRACT_KEYS
    assert json.loads(json.dumps(result)) == result
    assert all(set(step) == {"question", "answer"} for step in result["path"])
    assert all(set(citation) == {"id", "title", "text"} for citation in result["citations"])
    assert result["pack"]["name"] == pack


@packs
@given(facts=facts_strategy)
def test_path_follows_pack_questions_and_explanation_is_filled_in(pack: str, facts: dict[str, Any]) -> None:
    rules = load_pack(pack)
    result = decide(facts, pack)
    assert result.path[0].question == rules.start
    for step in result.path:
        assert step.answer in {a.value for a in rules.questions[step.question].answers}
    assert result.explanation
    assert "{" not in result.explanation
    assert "None" not in result.explanation
