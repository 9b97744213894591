"""Every write about consent: a consent recorded (or superseded), withdrawn, a competence or capacity
assessment, and the notice of how we share given to a person."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from goldenthread.agencies.models import Agency, AgencyKind
from goldenthread.agencies.permissions import Permission
from goldenthread.agencies.selectors import user_has_permission
from goldenthread.audit.actions import audit_record
from goldenthread.consent.models import CompetenceAssessment, ConsentRecord, ConsentWithdrawal, NoticeGiven
from goldenthread.consent.vocab import (
    CATEGORY_LABELS,
    CONCLUSIONS,
    PURPOSE_LABELS,
    QUESTIONS,
    ConsentAnswer,
    ConsentHow,
    GiverKind,
)
from goldenthread.consent.withdrawal_hooks import withdrawal_relied
from goldenthread.core.actor import Actor
from goldenthread.core.errors import ActionError
from goldenthread.people.models import Person, Relationship, RelationshipKind
from goldenthread.people.selectors import person_ids_merged_into
from goldenthread.private_files import private_file_write_bytes, upload_kind

PARENTAL = (RelationshipKind.PARENT_OF, RelationshipKind.HAS_PARENTAL_RESPONSIBILITY_FOR)


class ConsentError(ActionError):
    """A consent, withdrawal or assessment refused: nothing is saved."""


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


@dataclass(frozen=True)
class ConsentTerms:
    """What a person agreed (or refused), who answered, how, and what it covers."""

    answer: str
    giver_kind: str
    given_on: dt.date | None
    how: str
    told: str
    review_date: dt.date | None
    purposes: list[str] = field(default_factory=list)
    recipient_agencies: list[str] = field(default_factory=list)
    recipient_kinds: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    giver_relationship_id: int | None = None
    giver_name: str = ""


def _recorder(by: Actor) -> tuple[Any, Agency]:
    user = by.signed_in_user()
    agency = by.agency
    if agency is None or not user_has_permission(
        user=user, permission=Permission.RECORD_DECISION, agency=agency
    ):
        raise ConsentError("Only practitioners who record decisions can record consent")
    return user, agency


def _person(person_id: int) -> Person:
    person = Person.objects.filter(pk=person_id, merged_into__isnull=True).first()
    if person is None:
        raise ConsentError("There is no such person in the index")
    return person


def _parental_problem(person: Person, relationship_id: int | None) -> tuple[str, str]:
    """(problem, giver's name): the relationship must be of someone with parental responsibility for them."""
    if relationship_id is None:
        return "Select the person with parental responsibility who answered", ""
    relationship = (
        Relationship.objects.select_related("from_person")
        .filter(pk=relationship_id, to_person__in=person_ids_merged_into(person.pk))
        .first()
    )
    if relationship is None:
        return "Select someone the index records as related to this person", ""
    name = relationship.from_person.full_name
    if relationship.kind not in PARENTAL:
        return f"{name} does not have parental responsibility for this child in the index", name
    return "", name


def _scope_problems(terms: ConsentTerms, found: dict[str, list[str]]) -> None:
    if not terms.purposes:
        found["purposes"] = ["Select at least one purpose the consent covers"]
    elif unknown := [p for p in terms.purposes if p not in PURPOSE_LABELS]:
        found["purposes"] = [f"Unknown purpose: {', '.join(unknown)}"]
    if terms.categories and (unknown := [c for c in terms.categories if c not in CATEGORY_LABELS]):
        found["categories"] = [f"Unknown category of information: {', '.join(unknown)}"]
    if not terms.categories:
        found["categories"] = ["Select at least one category of information the consent covers"]
    known = set(Agency.objects.filter(code__in=terms.recipient_agencies).values_list("code", flat=True))
    if unknown := [c for c in terms.recipient_agencies if c not in known]:
        found["recipient_agencies"] = [f"Unknown agency: {', '.join(unknown)}"]
    if unknown := [k for k in terms.recipient_kinds if k not in AgencyKind.values]:
        found["recipient_kinds"] = [f"Unknown kind of agency: {', '.join(unknown)}"]
    if not terms.recipient_agencies and not terms.recipient_kinds and "recipient_agencies" not in found:
        found["recipient_agencies"] = ["Select at least one agency, or kind of agency, it may be shared with"]


def _terms_problems(person: Person, terms: ConsentTerms, today: dt.date) -> tuple[dict[str, list[str]], str]:
    found: dict[str, list[str]] = {}
    if terms.answer not in ConsentAnswer.values:
        found["answer"] = ["Select whether consent was given or refused"]
    name = ""
    if terms.giver_kind == GiverKind.PARENTAL:
        problem, name = _parental_problem(person, terms.giver_relationship_id)
        if problem:
            found["giver_relationship"] = [problem]
    elif terms.giver_kind == GiverKind.ADVOCATE:
        name = terms.giver_name.strip()
        if not name:
            found["giver_name"] = ["Enter the advocate's name"]
    elif terms.giver_kind != GiverKind.PERSON:
        found["giver_kind"] = ["Select who answered"]
    if terms.given_on is None:
        found["given_on"] = ["Enter the date the answer was given"]
    elif terms.given_on > today:
        found["given_on"] = ["The date the answer was given must be today or in the past"]
    if terms.how not in ConsentHow.values:
        found["how"] = ["Select how the answer was given"]
    if not terms.told.strip():
        found["told"] = ["Enter what the person was told about what would be shared, with whom and why"]
    if terms.review_date is None:
        found["review_date"] = ["Enter the date to review this consent"]
    elif terms.review_date <= today:
        found["review_date"] = ["The review date must be in the future"]
    _scope_problems(terms, found)
    return found, name


def _document_problem(upload: Upload) -> str:
    limit = settings.CONSENT_DOCUMENT_MAX_BYTES
    if not upload.data:
        return "The selected file is empty"
    if len(upload.data) > limit:
        return f"The selected file must be smaller than {limit // (1024 * 1024)} MB"
    kind = upload_kind(upload.data)
    if not kind:
        return "The selected file must be a PDF, PNG or JPEG (checked by its content, not its name)"
    claimed = Path(upload.name).suffix.lower().lstrip(".")
    if claimed and {"jpg": "jpeg"}.get(claimed, claimed) != kind:
        return f"The selected file is not what its name says: it is a {kind.upper()}, not a {claimed.upper()}"
    return ""


def document_path(sha256: str, kind: str) -> Path:
    return Path(settings.CONSENT_DOCUMENTS_DIR) / f"{sha256}.{kind}"


def _current(record_id: int) -> ConsentRecord:
    record: ConsentRecord | None = ConsentRecord.objects.select_for_update().filter(pk=record_id).first()
    if record is None:
        raise ConsentError("There is no such consent record")
    return record


@transaction.atomic
def consent_record(
    *,
    person_id: int,
    terms: ConsentTerms,
    document: Upload | None = None,
    supersedes_id: int | None = None,
    by: Actor,
) -> ConsentRecord:
    """Record a person's answer about sharing; with ``supersedes_id``, a change to an earlier record."""
    user, agency = _recorder(by)
    person = _person(person_id)
    today = timezone.localdate()
    found, giver_name = _terms_problems(person, terms, today)
    if document is not None and (problem := _document_problem(document)):
        found["document"] = [problem]
    supersedes = None
    if supersedes_id is not None:
        supersedes = _current(supersedes_id)
        if supersedes.person_id not in person_ids_merged_into(person.pk):
            found["supersedes"] = ["The record changed is about someone else"]
        elif ConsentRecord.objects.filter(supersedes=supersedes).exists():
            found["supersedes"] = ["That consent record has already been changed by a newer one"]
    if found or terms.given_on is None or terms.review_date is None:
        raise ConsentError(found)
    stored: dict[str, Any] = {}
    if document is not None:
        kind = upload_kind(document.data)
        digest = hashlib.sha256(document.data).hexdigest()
        private_file_write_bytes(document_path(digest, kind), document.data)
        stored = {
            "document_name": Path(document.name).name[:200] or f"document.{kind}",
            "document_sha256": digest,
            "document_kind": kind,
            "document_size": len(document.data),
        }
    record = ConsentRecord.objects.create(
        person=person,
        agency=agency,
        recorded_by=user,
        recorded_at=timezone.now(),
        supersedes=supersedes,
        answer=terms.answer,
        giver_kind=terms.giver_kind,
        giver_relationship_id=terms.giver_relationship_id if terms.giver_kind == GiverKind.PARENTAL else None,
        giver_name="" if terms.giver_kind == GiverKind.PERSON else giver_name,
        given_on=terms.given_on,
        how=terms.how,
        told=terms.told.strip(),
        purposes=list(terms.purposes),
        recipient_agencies=list(terms.recipient_agencies),
        recipient_kinds=list(terms.recipient_kinds),
        categories=list(terms.categories),
        review_date=terms.review_date,
        **stored,
    )
    audit_record(
        by=by,
        action="consent.recorded",
        object_type="consent",
        object_id=record.pk,
        details={
            "person": person.pk,
            "answer": record.answer,
            "giver": record.giver_kind,
            "supersedes": supersedes_id,
            "document": stored.get("document_sha256", ""),
        },
    )
    return record


@transaction.atomic
def consent_withdraw(
    *, record_id: int, withdrawn_on: dt.date | None, how: str, withdrawn_by: str, told: str, by: Actor
) -> ConsentWithdrawal:
    """Withdraw a consent. The consent's row is locked first, as a decision to share on it locks it, so a
    withdrawal and a share serialise: the share either committed before, or sees the withdrawal."""
    user, _ = _recorder(by)
    record = _current(record_id)
    if ConsentWithdrawal.objects.filter(record=record).exists():
        raise ConsentError("This consent has already been withdrawn")
    found: dict[str, list[str]] = {}
    if record.answer != ConsentAnswer.GIVEN:
        found["__all__"] = ["Only a consent that was given can be withdrawn"]
    if ConsentRecord.objects.filter(supersedes=record).exists():
        found["__all__"] = ["This record has been changed by a newer one: withdraw the newer record"]
    today = timezone.localdate()
    if withdrawn_on is None:
        found["withdrawn_on"] = ["Enter the date consent was withdrawn"]
    elif withdrawn_on > today:
        found["withdrawn_on"] = ["The date consent was withdrawn must be today or in the past"]
    elif withdrawn_on < record.given_on:
        found["withdrawn_on"] = ["The date consent was withdrawn must be on or after the date it was given"]
    if how not in (ConsentHow.WRITTEN, ConsentHow.VERBAL):
        found["how"] = ["Select how consent was withdrawn"]
    if not withdrawn_by.strip():
        found["withdrawn_by"] = ["Enter who withdrew consent"]
    if not told.strip():
        found["told"] = ["Enter what the person was told about what withdrawing means"]
    if found or withdrawn_on is None:
        raise ConsentError(found)
    relied = withdrawal_relied(record=record, by=by)
    withdrawal = ConsentWithdrawal.objects.create(
        record=record,
        withdrawn_on=withdrawn_on,
        how=how,
        withdrawn_by=withdrawn_by.strip(),
        told=told.strip(),
        recorded_by=user,
        recorded_at=timezone.now(),
        relied=[{"label": item.label, "href": item.href} for item in relied],
    )
    audit_record(
        by=by,
        action="consent.withdrawn",
        object_type="consent",
        object_id=record.pk,
        details={"person": record.person_id, "relied": len(relied)},
    )
    return withdrawal


@dataclass(frozen=True)
class AssessmentTerms:
    kind: str
    decision_about: str
    # {question id: (answer "yes" | "no", notes)}
    answers: dict[str, tuple[str, str]]
    conclusion: str
    reasons: str
    assessed_on: dt.date | None
    reassess_by: dt.date | None


@transaction.atomic
def assessment_record(*, person_id: int, terms: AssessmentTerms, by: Actor) -> CompetenceAssessment:
    """A child's competence (Gillick, Fraser) or an adult's capacity (the Mental Capacity Act's test)."""
    user, agency = _recorder(by)
    person = _person(person_id)
    today = timezone.localdate()
    found: dict[str, list[str]] = {}
    questions = QUESTIONS.get(terms.kind)
    if questions is None:
        raise ConsentError({"kind": ["Select the kind of assessment"]})
    for qid, text in questions:
        answer, notes = terms.answers.get(qid, ("", ""))
        if answer not in ("yes", "no"):
            found[f"q_{qid}"] = [f"Answer: {text}"]
        elif not notes.strip():
            found[f"q_{qid}_notes"] = ["Enter notes on how you reached this answer"]
    if not terms.decision_about.strip():
        found["decision_about"] = ["Enter the decision the assessment is about"]
    if terms.conclusion not in dict(CONCLUSIONS[terms.kind]):
        found["conclusion"] = ["Select your conclusion"]
    if not terms.reasons.strip():
        found["reasons"] = ["Enter the reasons for your conclusion"]
    if terms.assessed_on is None:
        found["assessed_on"] = ["Enter the date of the assessment"]
    elif terms.assessed_on > today:
        found["assessed_on"] = ["The date of the assessment must be today or in the past"]
    if terms.reassess_by is None:
        found["reassess_by"] = ["Enter the date to reassess by"]
    elif terms.reassess_by <= today:
        found["reassess_by"] = ["The date to reassess by must be in the future"]
    if found or terms.assessed_on is None or terms.reassess_by is None:
        raise ConsentError(found)
    assessment = CompetenceAssessment.objects.create(
        person=person,
        agency=agency,
        assessed_by=user,
        recorded_at=timezone.now(),
        kind=terms.kind,
        decision_about=terms.decision_about.strip(),
        answers={
            qid: {"answer": terms.answers[qid][0], "notes": terms.answers[qid][1].strip()}
            for qid, _ in questions
        },
        conclusion=terms.conclusion,
        reasons=terms.reasons.strip(),
        assessed_on=terms.assessed_on,
        reassess_by=terms.reassess_by,
    )
    audit_record(
        by=by,
        action="competence.assessed",
        object_type="competence_assessment",
        object_id=assessment.pk,
        details={"person": person.pk, "kind": terms.kind, "conclusion": terms.conclusion},
    )
    return assessment


@transaction.atomic
def notice_given_record(*, person_id: int, by: Actor) -> NoticeGiven:
    """The practitioner gave the person their agency's notice of how it shares information."""
    user, agency = _recorder(by)
    person = _person(person_id)
    given = NoticeGiven.objects.create(person=person, agency=agency, given_by=user, given_at=timezone.now())
    audit_record(
        by=by,
        action="consent.notice_given",
        object_type="person",
        object_id=person.pk,
        details={"agency": agency.code},
    )
    return given
