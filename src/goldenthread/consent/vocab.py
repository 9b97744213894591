"""The fixed lists consent is recorded in: how it was given, by whom, and the questions of each assessment.

Categories of information are the agreements' (agreements/vocab.py), so a consent's scope and an
agreement's terms compare like with like. Purposes are those of sharing, the decision guide's (the facts
contract's, policy/facts.py), so the guide reads the consent for the purpose it was asked about; the
agreements' purposes are those of opening the index, another question. The competence questions are the
partnership guidance's (Derby and
Derbyshire s3, Barnet "Consent"); the Fraser guidelines apply where the decision is about contraception or
sexual health; the Mental Capacity Act 2005 test has two stages (ss2-3).
"""

from __future__ import annotations

from django.db import models

from goldenthread.agreements.vocab import CATEGORIES, CATEGORY_LABELS

PURPOSES: tuple[tuple[str, str], ...] = (
    ("safeguarding", "Safeguarding a child or an adult at risk"),
    ("early_help", "Early help and support"),
    ("crime_prevention", "Preventing or detecting crime"),
    ("legal_proceedings", "Legal proceedings"),
    ("health_care", "Health care"),
    ("education", "Education"),
)
PURPOSE_LABELS: dict[str, str] = dict(PURPOSES)

__all__ = [
    "CATEGORIES",
    "CATEGORY_LABELS",
    "PURPOSES",
    "PURPOSE_LABELS",
    "QUESTIONS",
    "AssessmentKind",
    "ConsentAnswer",
    "ConsentHow",
    "GiverKind",
]


class ConsentAnswer(models.TextChoices):
    GIVEN = "given", "Consent given"
    REFUSED = "refused", "Consent refused"


class ConsentHow(models.TextChoices):
    WRITTEN = "written", "Explicitly, in writing"
    VERBAL = "verbal", "Explicitly, spoken"
    IMPLIED = "implied", "Implied by what the person did, having been told what would be shared"


class GiverKind(models.TextChoices):
    PERSON = "person", "The person themselves"
    PARENTAL = "parental", "A person with parental responsibility for them"
    ADVOCATE = "advocate", "A named advocate"


class AssessmentKind(models.TextChoices):
    GILLICK = "gillick", "Gillick competence (a child's capacity to consent)"
    FRASER = "fraser", "Gillick competence with the Fraser guidelines (contraception or sexual health)"
    MCA = "mca", "Mental Capacity Act 2005 two-stage test (an adult whose capacity is in doubt)"


_GILLICK = (
    ("understands_question", "Can the child understand the question being asked of them?"),
    ("understands_what", "Do they have a reasonable understanding of what information might be shared?"),
    ("understands_why", "Do they understand the main reason for sharing the information?"),
    ("understands_implications", "Do they understand the implications of sharing or not sharing it?"),
    ("alternatives", "Can they appreciate and consider alternative courses of action?"),
    ("weigh", "Can they weigh up one aspect of the situation against another?"),
    (
        "own_view",
        "Can they express a clear personal view, as distinct from repeating what someone else thinks?",
    ),
    ("consistent", "Are they reasonably consistent in their view?"),
)
_FRASER = (
    ("fraser_understands_advice", "Do they understand the advice being given?"),
    (
        "fraser_parents",
        "Have they been encouraged to tell their parents, or allow you to, and refused to do so?",
    ),
    ("fraser_likely", "Are they likely to have sexual intercourse with or without the treatment?"),
    ("fraser_health", "Without it, is their physical or mental health likely to suffer?"),
    ("fraser_best_interests", "Is it in their best interests to receive the advice or treatment?"),
)
_MCA = (
    (
        "impairment",
        "Stage 1: is there an impairment of, or disturbance in the functioning of, "
        "the person's mind or brain?",
    ),
    ("mca_understand", "Stage 2: can they understand the information relevant to the decision?"),
    ("mca_retain", "Can they retain that information long enough to make the decision?"),
    ("mca_use_weigh", "Can they use or weigh that information as part of making the decision?"),
    ("mca_communicate", "Can they communicate their decision, by any means?"),
)

QUESTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    AssessmentKind.GILLICK: _GILLICK,
    AssessmentKind.FRASER: _GILLICK + _FRASER,
    AssessmentKind.MCA: _MCA,
}

# What each kind's conclusion may be: (value, label).
CONCLUSIONS: dict[str, tuple[tuple[str, str], ...]] = {
    AssessmentKind.GILLICK: (
        ("competent", "Competent to decide about sharing their information"),
        ("not_competent", "Not competent: a person with parental responsibility decides"),
    ),
    AssessmentKind.FRASER: (
        ("competent", "Competent, and the Fraser guidelines are met"),
        ("not_competent", "Not competent, or the Fraser guidelines are not met"),
    ),
    AssessmentKind.MCA: (
        ("competent", "Has capacity to make this decision"),
        ("not_competent", "Lacks capacity to make this decision"),
    ),
}
