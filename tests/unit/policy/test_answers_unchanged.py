"""Every facts file that was valid before the family fields (issue 12) gets the same answer from today's
packs: path, outcome, bases, actions, citations and explanation, word for word (recorded on main before
the change, see recorded.py). Only the packs' version moved on, to 1.1.0."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from goldenthread.policy import decide, list_packs, load_pack

from .recorded import RECORDED, answer_digest, recorded_cases

RECORDED_VERSION = "1.0.0"
_recorded: dict[str, Any] = json.loads(RECORDED.read_text(encoding="utf-8"))
packs = pytest.mark.parametrize("pack", list_packs())


def _digest_as_recorded(facts: dict[str, Any], pack: str) -> str:
    """Today's answer, hashed as it was then, with the pack version it was recorded under."""
    answer = decide(facts, pack)

    class _AsThen:
        outcome_id = answer.outcome_id

        @staticmethod
        def to_dict() -> dict[str, Any]:
            body = answer.to_dict()
            body["pack"] = {**body["pack"], "version": RECORDED_VERSION}
            return body

    return answer_digest(_AsThen())


def test_recorded_facts_are_the_ones_answered_then() -> None:
    cases = recorded_cases()
    assert hashlib.sha256(json.dumps(cases, sort_keys=True).encode()).hexdigest() == _recorded["facts_sha256"]
    assert set(_recorded["answers"]) == set(list_packs())


@packs
def test_answers_unchanged_for_every_recorded_facts_file(pack: str) -> None:
    cases = recorded_cases()
    changed = [
        (index, _recorded["outcomes"][pack][index], decide(facts, pack).outcome_id)
        for index, facts in enumerate(cases)
        if _digest_as_recorded(facts, pack) != _recorded["answers"][pack][index]
    ]
    assert changed == [], f"{len(changed)} of {len(cases)} answers changed, e.g. {changed[:5]}"


@packs
def test_answers_unchanged_for_worked_examples_and_one_case_per_outcome(pack: str) -> None:
    changed = [
        name
        for name, case in _recorded["named"].items()
        if _digest_as_recorded(case["facts"], pack) != case["answers"][pack]
    ]
    assert len(_recorded["named"]) >= 18
    assert changed == []


@packs
def test_answers_unchanged_pack_version_moved_on(pack: str) -> None:
    assert load_pack(pack).version == "1.1.0" != RECORDED_VERSION
