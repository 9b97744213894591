"""People, consents and assessments for the consent tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from goldenthread.agencies.models import AgencyKind
from goldenthread.consent.actions import AssessmentTerms, ConsentTerms, assessment_record, consent_record
from goldenthread.consent.models import CompetenceAssessment, ConsentRecord
from goldenthread.consent.vocab import QUESTIONS
from goldenthread.core.actor import Actor
from goldenthread.people.models import Person, Relationship
from tests.support.personas import Persona, agency_get_or_make

# A 14-year-old's own consent to share her health information with the school health service.
SCHOOL_HEALTH = "test-school-health"


def born_years_ago(years: int) -> dt.date:
    today = dt.date.today()
    return (
        dt.date(today.year - years, 1, 1)
        if (today.month, today.day) != (1, 1)
        else today.replace(year=today.year - years) - dt.timedelta(days=40)
    )


def girl(years: int = 14) -> Person:
    return Person.objects.create(
        given_name="Ruby", family_name="Ashworth", date_of_birth=born_years_ago(years), dob_precision="day"
    )


def relative(child: Person, kind: str, given_name: str = "Dana") -> Relationship:
    adult = Person.objects.create(given_name=given_name, family_name="Ashworth")
    return Relationship.objects.create(from_person=adult, to_person=child, kind=kind)


def actor(persona: Persona) -> Actor:
    return Actor.of(persona.user, persona.agency)


def terms(**changes: Any) -> ConsentTerms:
    agency_get_or_make(SCHOOL_HEALTH, AgencyKind.HEALTH_TRUST)
    values: dict[str, Any] = {
        "answer": "given",
        "giver_kind": "person",
        "given_on": dt.date.today(),
        "how": "written",
        "told": "Your health notes would go to the school nurse, so she can support you; you can say stop.",
        "review_date": dt.date.today() + dt.timedelta(days=180),
        "purposes": ["health_care"],
        "recipient_agencies": [SCHOOL_HEALTH],
        "recipient_kinds": [],
        "categories": ["health"],
    }
    values.update(changes)
    return ConsentTerms(**values)


def consent_make(persona: Persona, person: Person, **changes: Any) -> ConsentRecord:
    return consent_record(person_id=person.pk, terms=terms(**changes), by=actor(persona))


def assessment_terms(kind: str = "gillick", **changes: Any) -> AssessmentTerms:
    values: dict[str, Any] = {
        "kind": kind,
        "decision_about": "Sharing her health information with the school nurse",
        "answers": {qid: ("yes", "She explained it back in her own words") for qid, _ in QUESTIONS[kind]},
        "conclusion": "competent",
        "reasons": "She understood what would be shared, why, and what could follow; her view was her own.",
        "assessed_on": dt.date.today(),
        "reassess_by": dt.date.today() + dt.timedelta(days=180),
    }
    values.update(changes)
    return AssessmentTerms(**values)


def assessment_make(persona: Persona, person: Person, **changes: Any) -> CompetenceAssessment:
    return assessment_record(person_id=person.pk, terms=assessment_terms(**changes), by=actor(persona))
