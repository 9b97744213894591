"""The guide's answers in progress, kept in the session (never the database) until a decision is recorded."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

from goldenthread.policy import DEFAULT_PACK, FactsError, Pack, PackError, Recommendation, decide, load_pack
from goldenthread.sharing.guide import Step, facts_from_answers, guide_steps, step_for_path

SESSION_KEY = "gt_guide"


@dataclass
class GuideState:
    pack: str = DEFAULT_PACK
    answers: dict[str, Any] = field(default_factory=dict)
    # The child from the index whose card the guide was started from, named on its pages; none if not.
    person_id: int | None = None
    person_name: str = ""
    supersedes: int | None = None


@dataclass
class GuideResult:
    pack: Pack
    steps: list[Step]
    facts: dict[str, Any]
    problems: list[tuple[Step | None, str]]
    recommendation: Recommendation | None


def state_get(request: HttpRequest) -> GuideState:
    raw = request.session.get(SESSION_KEY)
    if not isinstance(raw, dict):
        return GuideState()
    answers = raw.get("answers")
    supersedes = raw.get("supersedes")
    person_id = raw.get("person_id")
    return GuideState(
        pack=str(raw.get("pack") or DEFAULT_PACK),
        answers=dict(answers) if isinstance(answers, dict) else {},
        person_id=person_id if isinstance(person_id, int) else None,
        person_name=str(raw.get("person_name") or "") if isinstance(person_id, int) else "",
        supersedes=supersedes if isinstance(supersedes, int) else None,
    )


def state_put(request: HttpRequest, state: GuideState) -> None:
    request.session[SESSION_KEY] = {
        "pack": state.pack,
        "answers": state.answers,
        "person_id": state.person_id,
        "person_name": state.person_name,
        "supersedes": state.supersedes,
    }


def state_clear(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def pack_for(state: GuideState) -> Pack:
    try:
        return load_pack(state.pack)
    except PackError:
        return load_pack(None)


def guide_result(state: GuideState) -> GuideResult:
    """The facts from the answers so far and, when they are complete and valid, the recommendation."""
    pack = pack_for(state)
    steps = guide_steps(pack)
    facts = facts_from_answers(state.answers)
    problems: list[tuple[Step | None, str]] = [
        (step, f"Answer the question: {step.question}") for step in steps if step.id not in state.answers
    ]
    recommendation = None
    if not problems:
        try:
            recommendation = decide(facts, pack)
        except FactsError as exc:
            for message in exc.errors:
                step = step_for_path(steps, message)
                detail = message.split(":", 1)[-1].strip()
                problems.append((step, f"{step.summary}: {detail}" if step else message))
    return GuideResult(pack, steps, facts, problems, recommendation)
