"""Consent records, withdrawal, competence and capacity assessments, and the notice of how we share
(issue 14): each bad input a clear error with nothing saved; a withdrawn consent supports no decision."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from goldenthread.audit.models import AuditEvent
from goldenthread.consent.actions import (
    ConsentError,
    Upload,
    consent_record,
    consent_withdraw,
    notice_given_record,
)
from goldenthread.consent.models import CompetenceAssessment, ConsentRecord, ConsentWithdrawal, NoticeGiven
from goldenthread.consent.selectors import consent_is_current, reviews_due_for
from goldenthread.core.immutable import ImmutableRecordError
from goldenthread.notifications.models import Notification
from goldenthread.people.models import RelationshipKind
from goldenthread.sharing.actions import SharingError
from goldenthread.sharing.models import Decision
from tests.support.consent import (
    actor,
    assessment_make,
    assessment_terms,
    consent_make,
    girl,
    relative,
    terms,
)
from tests.support.personas import client_signed_in, persona_make
from tests.support.sharing import decision_make

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
HEALTH_FACTS: dict[str, Any] = {
    "purpose": "health_care",
    "subject": {"age": 14, "competent_to_consent": True},
    "information": {"identifies_individual": True, "confidential": True},
    "concern": "additional_needs",
    "indicators": [],
    "consent": {"subject": "given", "parent": "not_sought"},
    "risks_of_seeking_consent": [],
    "legal_requirement": "none",
}


def _card(persona: Any, person_id: int) -> str:
    client = client_signed_in(persona)
    response = client.post(f"/children/{person_id}/purpose/", {"purpose": "early_help"}, follow=True)
    assert response.status_code == 200
    return str(response.content.decode())


def _withdraw(persona: Any, record: ConsentRecord, **changes: Any) -> ConsentWithdrawal:
    values: dict[str, Any] = {
        "withdrawn_on": dt.date.today(),
        "how": "verbal",
        "withdrawn_by": "Ruby herself",
        "told": "Nothing more will be shared on your consent; what was shared stays with the school nurse.",
    }
    values.update(changes)
    return consent_withdraw(record_id=record.pk, by=actor(persona), **values)


def _share_on(persona: Any, record: ConsentRecord, **overrides: Any) -> Decision:
    return decision_make(
        persona,
        **overrides,
        facts=dict(HEALTH_FACTS),
        consent_position="given",
        consent_reasons="",
        purpose="Support from the school nurse",
        recipients="School health",
        risks="Without it she goes without support",
        consent_record_id=record.pk,
    )


def test_consent_record_given_by_the_person_is_saved_and_audited() -> None:
    worker = persona_make("social_worker")
    child = girl()
    record = consent_make(worker, child)
    assert (record.answer, record.giver_kind, record.purposes) == ("given", "person", ["health_care"])
    event = AuditEvent.objects.get(action="consent.recorded")
    assert (event.object_id, event.details["person"]) == (str(record.pk), child.pk)
    assert consent_is_current(record_id=record.pk)


def test_consent_record_is_never_changed_in_place() -> None:
    record = consent_make(persona_make("social_worker"), girl())
    record.told = "Something else"
    with pytest.raises(ImmutableRecordError):
        record.save()


def test_consent_record_parent_with_parental_responsibility_is_named() -> None:
    child = girl(9)
    mother = relative(child, RelationshipKind.PARENT_OF, "Dana")
    record = consent_make(
        persona_make("social_worker"), child, giver_kind="parental", giver_relationship_id=mother.pk
    )
    assert record.giver_name == "Dana Ashworth"
    assert record.giver_label == "Dana Ashworth (parental responsibility)"


def test_consent_record_by_someone_without_parental_responsibility_is_refused() -> None:
    child = girl(9)
    carer = relative(child, RelationshipKind.CARER_OF, "Lee")
    with pytest.raises(ConsentError) as refused:
        consent_make(
            persona_make("social_worker"), child, giver_kind="parental", giver_relationship_id=carer.pk
        )
    assert refused.value.problems["giver_relationship"] == [
        "Lee Ashworth does not have parental responsibility for this child in the index"
    ]
    assert not ConsentRecord.objects.exists()


def test_consent_record_parent_of_another_child_is_refused() -> None:
    child, other = girl(9), girl(6)
    parent_of_other = relative(other, RelationshipKind.PARENT_OF)
    with pytest.raises(ConsentError) as refused:
        consent_make(
            persona_make("social_worker"),
            child,
            giver_kind="parental",
            giver_relationship_id=parent_of_other.pk,
        )
    assert "giver_relationship" in refused.value.problems
    assert not ConsentRecord.objects.exists()


def test_consent_record_review_date_in_the_past_is_refused() -> None:
    with pytest.raises(ConsentError) as refused:
        consent_make(
            persona_make("social_worker"), girl(), review_date=dt.date.today() - dt.timedelta(days=1)
        )
    assert refused.value.problems["review_date"] == ["The review date must be in the future"]
    assert not ConsentRecord.objects.exists()
    assert not AuditEvent.objects.filter(action="consent.recorded").exists()


def test_consent_record_scope_naming_an_unknown_agency_is_refused() -> None:
    with pytest.raises(ConsentError) as refused:
        consent_make(persona_make("social_worker"), girl(), recipient_agencies=["no-such-agency"])
    assert refused.value.problems["recipient_agencies"] == ["Unknown agency: no-such-agency"]
    assert not ConsentRecord.objects.exists()


def test_consent_record_without_an_answer_is_refused_never_inferred() -> None:
    with pytest.raises(ConsentError) as refused:
        consent_make(persona_make("social_worker"), girl(), answer="")
    assert refused.value.problems["answer"] == ["Select whether consent was given or refused"]
    assert not ConsentRecord.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("form.pdf", PNG, "The selected file is not what its name says: it is a PNG, not a PDF"),
        ("form.pdf", b"MZ\x90\x00 not a pdf at all", "The selected file must be a PDF, PNG or JPEG"),
        ("form.png", b"%PDF-1.4\n no end of file marker", "The selected file must be a PDF, PNG or JPEG"),
    ],
)
def test_consent_document_not_what_it_claims_is_refused(
    name: str, data: bytes, message: str, settings: Any, tmp_path: Path
) -> None:
    settings.CONSENT_DOCUMENTS_DIR = tmp_path / "docs"
    with pytest.raises(ConsentError) as refused:
        consent_record(
            person_id=girl().pk,
            terms=terms(),
            document=Upload(name, data),
            by=actor(persona_make("social_worker")),
        )
    assert refused.value.problems["document"][0].startswith(message)
    assert not ConsentRecord.objects.exists()
    assert not (tmp_path / "docs").exists()


def test_consent_document_too_large_is_refused(settings: Any, tmp_path: Path) -> None:
    settings.CONSENT_DOCUMENTS_DIR = tmp_path
    settings.CONSENT_DOCUMENT_MAX_BYTES = 32
    with pytest.raises(ConsentError) as refused:
        consent_record(
            person_id=girl().pk,
            terms=terms(),
            document=Upload("a.png", PNG),
            by=actor(persona_make("social_worker")),
        )
    assert "smaller than" in refused.value.problems["document"][0]


def test_consent_document_png_is_stored_privately_with_its_hash(settings: Any, tmp_path: Path) -> None:
    settings.CONSENT_DOCUMENTS_DIR = tmp_path
    record = consent_record(
        person_id=girl().pk,
        terms=terms(),
        document=Upload("signed.png", PNG),
        by=actor(persona_make("social_worker")),
    )
    import hashlib

    stored = tmp_path / f"{hashlib.sha256(PNG).hexdigest()}.png"
    assert (record.document_kind, record.document_sha256) == ("png", stored.stem)
    assert stored.read_bytes() == PNG
    assert stored.stat().st_mode & 0o077 == 0


def test_consent_change_supersedes_and_only_the_newer_is_current_on_the_card() -> None:
    worker = persona_make("social_worker")
    child = girl()
    first = consent_make(worker, child)
    newer = consent_record(
        person_id=child.pk, terms=terms(answer="refused"), supersedes_id=first.pk, by=actor(worker)
    )
    assert newer.supersedes_id == first.pk
    page = _card(worker, child.pk)
    assert f"Consent record {newer.pk}" in page
    assert f"Consent record {first.pk}<" not in page
    with pytest.raises(ConsentError):
        consent_record(person_id=child.pk, terms=terms(), supersedes_id=first.pk, by=actor(worker))


def test_consent_withdraw_twice_is_refused() -> None:
    worker = persona_make("social_worker")
    record = consent_make(worker, girl())
    _withdraw(worker, record)
    with pytest.raises(ConsentError) as refused:
        _withdraw(worker, record, withdrawn_by="Ruby again")
    assert str(refused.value) == "This consent has already been withdrawn"
    assert ConsentWithdrawal.objects.get().withdrawn_by == "Ruby herself"
    assert not consent_is_current(record_id=record.pk)


def test_consent_withdraw_without_what_they_were_told_is_refused() -> None:
    worker = persona_make("social_worker")
    record = consent_make(worker, girl())
    with pytest.raises(ConsentError) as refused:
        _withdraw(worker, record, told=" ")
    assert "told" in refused.value.problems
    assert not ConsentWithdrawal.objects.exists()


def test_decision_on_withdrawn_consent_is_refused() -> None:
    worker = persona_make("social_worker")
    record = consent_make(worker, girl())
    _withdraw(worker, record)
    with pytest.raises(SharingError) as refused:
        _share_on(worker, record)
    assert "was withdrawn on" in str(refused.value)
    assert not Decision.objects.exists()


def test_consent_withdrawal_lists_the_decisions_that_relied_on_it_and_tells_their_deciders() -> None:
    worker = persona_make("social_worker")
    record = consent_make(worker, girl())
    decision = _share_on(worker, record)
    assert decision.consent_record_id == record.pk
    withdrawal = _withdraw(persona_make("manager"), record)
    assert withdrawal.relied == [
        {
            "label": f"Decision {decision.pk} to share (Test test-csc)",
            "href": f"/sharing/decisions/{decision.pk}/",
        }
    ]
    note = Notification.objects.get(kind="consent.withdrawn")
    assert note.recipient_id == worker.user.pk
    assert "Ruby" not in note.message and "Ashworth" not in note.message


def test_assessment_gillick_recorded_with_every_question() -> None:
    assessment = assessment_make(persona_make("school_dsl"), girl())
    assert assessment.competent
    assert len(assessment.answers) == 8
    assert AuditEvent.objects.filter(action="competence.assessed", object_id=str(assessment.pk)).exists()


def test_assessment_fraser_asks_the_fraser_guidelines_too() -> None:
    assessment = assessment_make(persona_make("health_visitor"), girl(15), kind="fraser")
    assert "fraser_best_interests" in assessment.answers and "weigh" in assessment.answers


def test_assessment_mca_two_stage_test_for_an_adult() -> None:
    assessment = assessment_make(
        persona_make("social_worker"), girl(40), kind="mca", conclusion="not_competent"
    )
    assert set(assessment.answers) >= {"impairment", "mca_use_weigh"}
    assert not assessment.competent


def test_assessment_question_without_notes_is_refused() -> None:
    from goldenthread.consent.actions import assessment_record

    answers = dict(assessment_terms().answers)
    answers["weigh"] = ("yes", "")
    with pytest.raises(ConsentError) as refused:
        assessment_record(
            person_id=girl().pk,
            terms=assessment_terms(answers=answers),
            by=actor(persona_make("social_worker")),
        )
    assert refused.value.problems == {"q_weigh_notes": ["Enter notes on how you reached this answer"]}
    assert not CompetenceAssessment.objects.exists()


def test_consent_reviews_due_on_the_recorder_and_overdue_on_their_manager() -> None:
    worker, manager = persona_make("social_worker"), persona_make("manager")
    soon = consent_make(worker, girl(), review_date=dt.date.today() + dt.timedelta(days=3))
    later = consent_make(worker, girl(), review_date=dt.date.today() + dt.timedelta(days=90))
    assert [r.pk for r, _ in reviews_due_for(user=worker.user, agency=worker.agency)] == [soon.pk]
    assert reviews_due_for(user=manager.user, agency=manager.agency) == []
    # An overdue review (recorded long ago: the action refuses a past review date today).
    overdue = ConsentRecord.objects.create(
        **{
            f.name: getattr(later, f.name)
            for f in ConsentRecord._meta.concrete_fields
            if f.name not in ("id", "review_date", "supersedes")
        },
        review_date=dt.date.today() - dt.timedelta(days=1),
    )
    assert [(r.pk, late) for r, late in reviews_due_for(user=manager.user, agency=manager.agency)] == [
        (overdue.pk, True)
    ]
    home = client_signed_in(manager).get("/").content.decode()
    assert f"Review consent record {overdue.pk}: the review is overdue" in home


def test_notice_page_is_public_with_the_agencies_agreements() -> None:
    from tests.support.agreements import agreement_active

    worker, ig = persona_make("social_worker"), persona_make("ig_officer")
    police = persona_make("police_officer")
    agreement_active(persona_make("system_administrator"), [ig, police])
    response = Client().get(f"/consent/how-we-share/{worker.agency.code}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "How Test test-csc shares information about you" in page
    assert "Test test-police" in page


def test_notice_given_is_recorded_on_the_card_and_audited() -> None:
    worker = persona_make("social_worker")
    child = girl()
    client = client_signed_in(worker)
    response = client.post(f"/consent/people/{child.pk}/notice-given/")
    assert response.status_code == 302
    assert NoticeGiven.objects.get().person_id == child.pk
    assert AuditEvent.objects.filter(action="consent.notice_given", object_id=str(child.pk)).exists()
    notice_given_record(person_id=child.pk, by=actor(worker))
    assert NoticeGiven.objects.count() == 2


def test_consent_new_page_with_bad_input_shows_every_error_and_saves_nothing() -> None:
    worker = persona_make("social_worker")
    child = girl()
    response = client_signed_in(worker).post(
        f"/consent/people/{child.pk}/new/",
        {
            "answer": "given",
            "giver_kind": "person",
            "review_date_day": "1",
            "review_date_month": "1",
            "review_date_year": "2001",
            "recipient_agencies": ["nowhere"],
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "The review date must be in the future" in page
    assert "Enter what the person was told" in page
    assert not ConsentRecord.objects.exists()


def test_consent_database_refuses_update_of_a_record() -> None:
    from django.db import DatabaseError, connection, transaction

    record = consent_make(persona_make("social_worker"), girl())
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE consent_consentrecord SET answer = 'refused' WHERE id = %s", [record.pk])
    assert ConsentRecord.objects.get(pk=record.pk).answer == "given"


def test_consent_of_a_shielded_person_is_shown_only_to_the_agency_that_recorded_it() -> None:
    worker, police = persona_make("social_worker"), persona_make("police_officer")
    child = girl()
    child.is_shielded = True
    child.brokered_contact = "Contact through the refuge's duty worker"
    child.save()
    record = consent_make(worker, child)
    assessment = assessment_make(worker, child)
    from goldenthread.consent.selectors import assessments_about, consent_position

    assert [
        row.record.pk for row in consent_position(user=worker.user, agency=worker.agency, person=child)
    ] == [record.pk]
    assert consent_position(user=police.user, agency=police.agency, person=child) == []
    assert assessments_about(user=police.user, agency=police.agency, person=child) == []
    client = client_signed_in(police)
    assert client.get(f"/consent/{record.pk}/").status_code == 404
    assert client.get(f"/consent/competence/{assessment.pk}/").status_code == 404
