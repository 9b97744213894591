"""The decision guide's questions: one page per fact, worded from the rule pack, mapped to the facts contract.

The pack's own questions are the flowchart's decision points (several facts each, answered by the
engine); a practitioner instead answers one plain question at a time about the case. Where a pack
question asks the same thing, its text, hint and answer labels are used, and the pack's label tables
word every choice, so a new pack edition rewords the guide without a code change.
"""

from __future__ import annotations

from dataclasses import dataclass

from goldenthread.policy import Pack
from goldenthread.policy.facts import (
    ADULT_ROLES,
    CONCERNS,
    CONSENT_STATUSES,
    INDICATORS,
    LEGAL_REQUIREMENTS,
    MAX_ADULT_AGE,
    MIN_AGE,
    PURPOSES,
    RISKS,
    SEXUAL_ACTIVITY_RISK_FACTORS,
)

# The answers and facts mapping lives in guide_facts; imported here for the callers of before.
from goldenthread.sharing.guide_facts import NONE_OF_THESE, Answers, answers_from_facts, facts_from_answers

__all__ = [
    "NONE_OF_THESE",
    "Answers",
    "Choice",
    "Step",
    "answers_from_facts",
    "facts_from_answers",
    "guide_steps",
]

RADIOS = "radios"
CHECKBOXES = "checkboxes"
NUMBER = "number"


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    hint: str = ""
    # Drawn after an "or" divider; for checkboxes it also clears the other boxes (GOV.UK "none" option).
    exclusive: bool = False


@dataclass(frozen=True)
class Step:
    id: str
    kind: str
    question: str
    hint: str
    summary: str
    choices: tuple[Choice, ...] = ()
    # Which facts-contract field an engine error on this step's answer is reported against.
    fact_paths: tuple[str, ...] = ()
    error: str = "Select an answer"

    def label_for(self, value: str | list[str]) -> str:
        if self.kind == NUMBER:
            return str(value)
        labels = {c.value: c.label for c in self.choices}
        values = value if isinstance(value, list) else [value]
        return "; ".join(labels.get(v, v) for v in values)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _label(pack: Pack, label_set: str, value: str) -> str:
    return _cap(pack.labels.get(label_set, {}).get(value, value.replace("_", " ")))


def _question(pack: Pack, qid: str, fallback_text: str, fallback_hint: str = "") -> tuple[str, str]:
    question = pack.questions.get(qid)
    return (question.text, question.hint) if question else (fallback_text, fallback_hint)


def _answer_label(pack: Pack, qid: str, value: str, fallback: str) -> str:
    question = pack.questions.get(qid)
    for answer in question.answers if question else ():
        if answer.value == value:
            return answer.label
    return fallback


def _with_none(choices: list[Choice]) -> tuple[Choice, ...]:
    return (*choices, Choice(NONE_OF_THESE, "None of these", exclusive=True))


@dataclass(frozen=True)
class _Words:
    """The pack's own words for the answers yes, no and not sure."""

    yes: str
    no: str
    not_sure: str


def guide_steps(pack: Pack) -> list[Step]:
    """Every question page the guide has, in the order a practitioner meets them; which of them a case
    asks, and what the others' answers are, is `guide_plan.guide_plan`'s job."""
    words = _Words(
        yes=_answer_label(pack, "purpose", "yes", "Yes"),
        no=_answer_label(pack, "purpose", "no", "No"),
        not_sure=_answer_label(pack, "purpose", "not_sure", "Not sure"),
    )
    return [
        *_purpose_steps(pack, words),
        *_child_steps(pack),
        *_information_steps(pack, words),
        *_consent_steps(pack),
    ]


def _family_steps(pack: Pack) -> tuple[Step, Step]:
    """Who the information is about, and an adult's capacity to decide (the whole family, issue 12)."""
    roles = [Choice(r, _label(pack, "adult_role", r)) for r in ADULT_ROLES]
    who = Step(
        "who",
        RADIOS,
        "Who is the information about?",
        "A young person up to 25 (a care leaver, or with special educational needs) can be a young "
        "person here. Choose an adult for a parent, carer or household member whose circumstances affect "
        "a child, or for an adult at risk.",
        "Who it is about",
        (Choice("child", "A child or young person"), *roles),
        ("subject.kind", "subject.role"),
        "Select who the information is about",
    )
    capacity = Step(
        "capacity",
        RADIOS,
        "Can the adult decide about sharing their information for themselves?",
        "An adult is presumed to have capacity to decide unless it is established that they lack it "
        "(Mental Capacity Act 2005). If you doubt it, say so: the guide will say to seek advice.",
        "Able to decide for themselves",
        (
            Choice("presumed", "Yes: their capacity is presumed, and nothing gives cause to doubt it"),
            Choice("in_doubt", "Their capacity to make this decision is in doubt"),
            Choice("lacks", "They have been assessed as lacking capacity to make this decision"),
        ),
        ("subject.competent_to_consent", "subject.capacity_in_doubt"),
        "Select whether the adult can decide for themselves",
    )
    return who, capacity


def _sexual_activity_step(pack: Pack) -> Step:
    _, hint = _question(pack, "sexual_activity_13_15", "")
    return Step(
        "sexual-risks",
        CHECKBOXES,
        "Which of these risk factors are there in the young person's sexual activity?",
        "Select all that apply. " + hint,
        "Risk factors in the sexual activity",
        _with_none(
            [Choice(r, _label(pack, "sexual_activity_risk_factors", r)) for r in SEXUAL_ACTIVITY_RISK_FACTORS]
        ),
        ("sexual_activity_risk_factors",),
        "Select which of these apply, or None of these",
    )


def _purpose_steps(pack: Pack, words: _Words) -> list[Step]:
    """Why share, and the child's age."""
    yes, no, not_sure = words.yes, words.no, words.not_sure
    purpose_text, purpose_hint = _question(pack, "purpose", "Why do you want to share the information?")
    purposes = [Choice(p, f"{yes}: {_label(pack, 'purpose', p).lower()}") for p in PURPOSES[:-2]]
    purposes += [Choice("none", no, exclusive=True), Choice("unsure", not_sure)]
    return [
        Step(
            "purpose",
            RADIOS,
            purpose_text,
            purpose_hint,
            "Purpose",
            tuple(purposes),
            ("purpose",),
            "Select the purpose, or No or Not sure",
        ),
        Step(
            "age",
            NUMBER,
            "How old is the person the information is about?",
            "In whole years. Enter 0 for a baby under one. The person can be a child, a young person up to "
            "25 (a care leaver, for example), or an adult: a parent, carer or household member, or an adult "
            "at risk.",
            "Age",
            fact_paths=("subject.age",),
            error=f"Enter the age in whole years, from {MIN_AGE} to {MAX_ADULT_AGE}",
        ),
        *_family_steps(pack),
    ]


def _child_steps(pack: Pack) -> list[Step]:
    """Whether the child can decide, and the concern about them."""
    competence_text, competence_hint = _question(
        pack, "competence", "Can the child or young person decide for themselves?"
    )
    harm_text, harm_hint = _question(pack, "child_protection", "What is your concern about the child?")
    return [
        Step(
            "competence",
            RADIOS,
            competence_text,
            competence_hint,
            "Able to decide for themselves",
            (
                Choice("yes", "Yes, they have been assessed as able to decide"),
                Choice("no", "No, they have been assessed as not able to decide"),
                Choice(
                    "not_assessed",
                    "They have not been assessed, or I am not sure",
                    hint="The guide then goes by their age, as the hint above describes.",
                    exclusive=True,
                ),
            ),
            ("subject.competent_to_consent",),
            "Select whether they can decide for themselves",
        ),
        Step(
            "concern",
            RADIOS,
            harm_text,
            harm_hint,
            "Concern about the child",
            tuple(
                Choice(c, _label(pack, "concern", c), exclusive=c == "none")
                for c in reversed(CONCERNS)  # the most serious first, "no concern" after the divider
            ),
            ("concern",),
            "Select your concern about the child",
        ),
        Step(
            "indicators",
            CHECKBOXES,
            "Do any of these also apply?",
            "Select all that apply. A teenager at risk of sexual exploitation is a child at risk of "
            "significant harm.",
            "Also applies",
            _with_none([Choice(i, _label(pack, "indicators", i)) for i in INDICATORS]),
            ("indicators",),
            "Select which of these apply, or None of these",
        ),
        _sexual_activity_step(pack),
    ]


def _information_steps(pack: Pack, words: _Words) -> list[Step]:
    """Whether the law requires sharing, and what kind of information it is."""
    yes, no, not_sure = words.yes, words.no, words.not_sure
    legal_text, legal_hint = _question(pack, "legal_requirement", "Does the law require you to share?")
    identifies_text, identifies_hint = _question(pack, "identifies", "Does the information identify anyone?")
    confidential_text, confidential_hint = _question(pack, "confidential", "Is the information confidential?")
    return [
        Step(
            "legal-requirement",
            RADIOS,
            legal_text,
            legal_hint,
            "Required by law",
            (
                *(
                    Choice(r, f"{yes}: {_label(pack, 'legal_requirement', r).lower()}")
                    for r in LEGAL_REQUIREMENTS[1:]
                ),
                Choice("none", no, exclusive=True),
            ),
            ("legal_requirement",),
            "Select whether a court order or statutory duty requires sharing",
        ),
        Step(
            "identifies",
            RADIOS,
            identifies_text,
            identifies_hint,
            "Identifies a living person",
            (Choice("yes", yes), Choice("no", no)),
            ("information.identifies_individual",),
            "Select whether the information identifies a living person",
        ),
        Step(
            "confidential",
            RADIOS,
            confidential_text,
            confidential_hint,
            "Confidential",
            (Choice("yes", yes), Choice("no", no), Choice("not_sure", not_sure, exclusive=True)),
            ("information.confidential",),
            "Select whether the information is confidential",
        ),
    ]


def _consent_steps(pack: Pack) -> list[Step]:
    """The child's and the parent's answers about consent, and the risks of asking."""
    _, consent_hint = _question(pack, "consent", "")
    _, public_hint = _question(pack, "public_interest", "")

    def consent_choices() -> tuple[Choice, ...]:
        return tuple(Choice(s, _label(pack, "consent_status", s)) for s in CONSENT_STATUSES)

    return [
        Step(
            "consent-child",
            RADIOS,
            "What is the person's own answer about sharing?",
            consent_hint,
            "Their own consent",
            consent_choices(),
            ("consent.subject",),
            "Select the person's own answer",
        ),
        Step(
            "consent-parent",
            RADIOS,
            "What is the answer of a person with parental responsibility?",
            "For example a parent or a carer with a court order. " + consent_hint,
            "Parent's consent",
            consent_choices(),
            ("consent.parent",),
            "Select the answer of a person with parental responsibility",
        ),
        Step(
            "risks",
            CHECKBOXES,
            "Would asking for consent do any of these?",
            "Select all that apply. " + public_hint,
            "Risks of asking for consent",
            _with_none([Choice(r, _label(pack, "risks", r)) for r in RISKS]),
            ("risks_of_seeking_consent",),
            "Select which of these apply, or None of these",
        ),
    ]


def step_for_path(steps: list[Step], error: str) -> Step | None:
    """The step whose answer an engine error message ("subject.age: ...") is about."""
    path = error.split(":", 1)[0].split("[", 1)[0]
    return next((s for s in steps if any(path == p or path.startswith(p + ".") for p in s.fact_paths)), None)
