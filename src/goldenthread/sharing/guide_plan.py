"""Which of the guide's questions a case asks, and the answers of those it does not.

A question that cannot apply is not asked: the age when the child index knows the date of birth, who
the information is about when the age settles it, whether a very young child can decide for themselves
(or give their own answer), a parent's answer for an adult, the adult's capacity for a child, the risk
factors of sexual activity aged 13 to 15 when that was not indicated. Each answer not asked is given
here with the reason, and "check your answers" shows both.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from goldenthread.policy import Pack
from goldenthread.policy.facts import ADULT_AGE, ADULT_ROLES, MAX_AGE
from goldenthread.sharing.guide import Step, guide_steps
from goldenthread.sharing.guide_facts import Answers, facts_from_answers

# Below this age a child is not asked about: no child this young can be assessed as able to decide about
# sharing their information, or give an answer of their own (the guide then goes by the parent's).
YOUNGEST_ASKED = 5
ACTIVE_13_15 = "sexual_activity_13_to_15"


@dataclass(frozen=True)
class Known:
    """What the child index says about the person the guide was started from."""

    age: int | None = None
    born: str = ""
    # From the consent records and the current competence assessment (issue 14): (answer, where from).
    competence: tuple[str, str] | None = None
    capacity: tuple[str, str] | None = None  # an adult's, from a Mental Capacity Act assessment
    # purpose -> {"consent-child" | "consent-parent": (status, where from)}
    consents: Mapping[str, Mapping[str, tuple[str, str]]] = field(default_factory=dict)
    # What the practitioner corrected of those, with their reason: step id -> (answer, reason).
    corrections: Mapping[str, tuple[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Given:
    """An answer the guide did not ask for, and why."""

    step: Step
    value: str | list[str]
    reason: str
    # What "check your answers" says, where the step's own label for the value would mislead.
    shown: str = ""
    # Read from a consent record or an assessment: the practitioner may correct it, with a reason.
    recorded: bool = False

    @property
    def label(self) -> str:
        return self.shown or self.step.label_for(self.value)


@dataclass(frozen=True)
class Plan:
    steps: list[Step]
    given: list[Given]
    answers: dict[str, Any]

    def facts(self) -> dict[str, Any]:
        return facts_from_answers(self.answers)


def age_from_birth(born: dt.date | None, precision: str, today: dt.date) -> int | None:
    """The age in whole years when the date of birth settles it: known to the day, or to the month
    outside the birth month; a year alone, or nothing, does not."""
    if born is None or precision not in ("day", "month"):
        return None
    if precision == "month" and (today.year, today.month) == (born.year, born.month):
        return 0
    if precision == "month" and today.month == born.month:
        return None
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return age if age >= 0 else None


def _age(answers: Answers, known: Known) -> int | None:
    if known.age is not None:
        return known.age
    raw = answers.get("age")
    return int(raw) if isinstance(raw, str) and raw.isdigit() else None


def guide_plan(pack: Pack, answers: Answers, known: Known) -> Plan:
    """The questions to ask for these answers so far, and the answers given without asking."""
    steps = {step.id: step for step in guide_steps(pack)}
    age = _age(answers, known)
    given: dict[str, tuple[str | list[str], str]] = {}
    shown: dict[str, str] = {}
    if known.age is not None:
        given["age"] = (str(known.age), f"From the child index: born {known.born}")
    if age is not None and age < ADULT_AGE:
        given["who"] = ("child", f"Aged {age}: a child or young person")
    who = given["who"][0] if "who" in given else answers.get("who")
    adult = who in ADULT_ROLES
    skipped: set[str] = set()
    if adult:
        skipped.add("competence")
        given["consent-parent"] = ("not_sought", "Not asked: an adult decides for themselves")
        shown["consent-parent"] = "Does not apply"
    else:
        skipped.add("capacity")
        if age is not None and age < YOUNGEST_ASKED:
            too_young = f"Not asked: a child aged {age} is too young"
            given["competence"] = ("not_assessed", f"{too_young} to be assessed as able to decide")
            given["consent-child"] = ("not_possible", f"{too_young} to give an answer of their own")
            shown["competence"] = "No: a person with parental responsibility decides for them"
            shown["consent-child"] = "Too young to give their own answer"
    recorded = _recorded(answers, known, adult, given)
    given.update(recorded)
    indicators = answers.get("indicators")
    if not (isinstance(indicators, list) and ACTIVE_13_15 in indicators):
        skipped.add("sexual-risks")
    asked = [
        _fitted(step, age, adult)
        for step_id, step in steps.items()
        if step_id not in given and step_id not in skipped
    ]
    kept = {step.id: answers[step.id] for step in asked if step.id in answers}
    return Plan(
        steps=asked,
        given=[
            Given(steps[step_id], value, reason, shown.get(step_id, ""), step_id in recorded)
            for step_id, (value, reason) in given.items()
        ],
        answers={**kept, **{step_id: value for step_id, (value, _) in given.items()}},
    )


def _recorded(
    answers: Answers, known: Known, adult: bool, given: Mapping[str, Any]
) -> dict[str, tuple[str | list[str], str]]:
    """The answers read from the records (not asked), each as the practitioner corrected it, if they did."""
    found: dict[str, tuple[str | list[str], str]] = {}
    if known.competence is not None and not adult and "competence" not in given:
        found["competence"] = known.competence
    if known.capacity is not None and adult:
        found["capacity"] = known.capacity
    purpose = answers.get("purpose")
    for step_id, value in known.consents.get(purpose, {}).items() if isinstance(purpose, str) else ():
        if step_id not in given:
            found[step_id] = value
    for step_id in found:
        if step_id in known.corrections:
            answer, reason = known.corrections[step_id]
            found[step_id] = (answer, f"Corrected by you from the record: {reason}")
    return found


def _fitted(step: Step, age: int | None, adult: bool) -> Step:
    """A step's choices without those that cannot apply at this age."""
    if step.id == "who" and age is not None and age > MAX_AGE:
        return dataclasses.replace(step, choices=tuple(c for c in step.choices if c.value != "child"))
    if step.id == "indicators" and age is not None and not adult:
        unfit = set()
        if age >= 13:
            unfit.add("sexual_activity_under_13")
        if not 13 <= age <= 15:
            unfit.add(ACTIVE_13_15)
        return dataclasses.replace(step, choices=tuple(c for c in step.choices if c.value not in unfit))
    return step
