"""Facts in the contract as it stood before the family fields (issue 12), with the answers recorded then.

`recorded_cases()` draws the same facts every time (a seeded generator over every field and value the
old contract allowed, ages 0-25, optional fields present or absent); `answer_digest` is the SHA-256 of a
recommendation's JSON (every contract key, plus the outcome box reached). The file
`data/answers_before_family.json` was written by running `python -m tests.unit.policy.recorded` with the
engine and tests of main before the packs changed (it also keeps, facts and all, the worked examples and
the one case per outcome the tests had then); the test compares today's packs with it.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from pathlib import Path
from typing import Any

RECORDED = Path(__file__).with_name("data") / "answers_before_family.json"
SEED = 20261206
CASES = 3000

# The old contract's values, written out here so that new values added since cannot leak in.
PURPOSES = (
    "safeguarding", "early_help", "crime_prevention", "legal_proceedings",
    "health_care", "education", "none", "unsure",
)  # fmt: skip
CONCERNS = ("none", "additional_needs", "reasonable_cause_to_suspect_significant_harm", "significant_harm")
INDICATORS = (
    "child_sexual_exploitation", "sexual_activity_under_13", "serious_crime", "adult_at_risk_of_serious_harm",
)  # fmt: skip
CONSENT = ("given", "refused", "withdrawn", "not_sought", "not_possible")
RISKS = ("increase_risk_to_child", "serious_harm_to_adult", "prejudice_crime_investigation", "undue_delay")
LEGAL = ("none", "court_order", "statutory_duty")


def _subset(rng: random.Random, values: tuple[str, ...]) -> list[str]:
    # Mostly short lists, sometimes with a repeat, in any order: order and repeats carry no meaning.
    picked = [rng.choice(values) for _ in range(rng.choice((0, 0, 1, 1, 2, 3)))]
    return picked


def recorded_cases() -> list[dict[str, Any]]:
    rng = random.Random(SEED)
    cases: list[dict[str, Any]] = []
    for _ in range(CASES):
        subject: dict[str, Any] = {"age": rng.randint(0, 25)}
        if rng.random() < 0.7:
            subject["competent_to_consent"] = rng.choice((True, False, None))
        facts: dict[str, Any] = {
            "purpose": rng.choice(PURPOSES),
            "subject": subject,
            "information": {
                "identifies_individual": rng.random() < 0.85,
                "confidential": rng.choice((True, True, False, "unsure")),
            },
            # Harm less often, so the later questions of the flowchart are reached too.
            "concern": rng.choice(("none", "additional_needs", "none", "additional_needs", *CONCERNS[2:])),
        }
        if rng.random() < 0.6:
            facts["indicators"] = [i for i in _subset(rng, INDICATORS) if rng.random() < 0.6]
        if rng.random() < 0.85:
            consent: dict[str, str] = {}
            if rng.random() < 0.8:
                consent["subject"] = rng.choice(CONSENT)
            if rng.random() < 0.8:
                consent["parent"] = rng.choice(CONSENT)
            facts["consent"] = consent
        if rng.random() < 0.6:
            facts["risks_of_seeking_consent"] = [r for r in _subset(rng, RISKS) if rng.random() < 0.5]
        if rng.random() < 0.5:
            facts["legal_requirement"] = rng.choice(("none", "none", "none", "court_order", "statutory_duty"))
        cases.append(facts)
    return cases


def answer_digest(recommendation: Any) -> str:
    """The answer in full: every contract key and the outcome box, as canonical JSON, hashed."""
    body = {**recommendation.to_dict(), "outcome_id": recommendation.outcome_id}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def named_cases() -> dict[str, dict[str, Any]]:
    """The worked examples and one case per outcome from the tests of the time, by name."""
    from tests.unit.policy import builders, test_packs

    named = {name: getattr(builders, name) for name in dir(builders) if name.startswith("EXAMPLE_")}
    named.update({f"outcome:{name}": facts for name, facts in test_packs.ONE_CASE_PER_OUTCOME.items()})
    return named


def record() -> dict[str, Any]:
    from goldenthread.policy import decide, list_packs

    named = {
        name: {"facts": facts, "answers": {pack: answer_digest(decide(facts, pack)) for pack in list_packs()}}
        for name, facts in named_cases().items()
    }
    cases = recorded_cases()
    answers = {pack: [answer_digest(decide(facts, pack)) for facts in cases] for pack in list_packs()}
    outcomes = {pack: [decide(facts, pack).outcome_id for facts in cases] for pack in list_packs()}
    facts_digest = hashlib.sha256(json.dumps(cases, sort_keys=True).encode()).hexdigest()
    return {
        "seed": SEED,
        "cases": CASES,
        "facts_sha256": facts_digest,
        "outcomes": outcomes,
        "answers": answers,
        "named": named,
    }


if __name__ == "__main__":
    RECORDED.write_text(json.dumps(record(), indent=0, sort_keys=True) + "\n", encoding="utf-8")
    sys.stdout.write(f"recorded {CASES} cases in {RECORDED}\n")
