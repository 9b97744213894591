"""The practitioner's journey through a decision (issue 12): the form starts from the guide's answers and
shows every error in one round; refer without delay means share now, endorsed after; an endorser may
decline with reasons; advice may be asked of the partnership's named advisers, answered only by the role
asked; the practitioner is told when advice is answered or a decision endorsed or declined."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import DatabaseError, transaction
from django.test import Client

from goldenthread.agencies.models import AgencyKind
from goldenthread.agencies.permissions import Role
from goldenthread.audit.models import AuditEvent
from goldenthread.core.actor import Actor
from goldenthread.notifications.models import Notification
from goldenthread.sharing.actions import (
    SharingError,
    advice_request_answer,
    advice_request_create,
    endorsement_decline,
    endorsement_record,
)
from goldenthread.sharing.models import AdviceRequest, Decision, Endorsement
from goldenthread.sharing.rules import consent_position_from_facts
from goldenthread.sharing.worklist import advice_items, declined_items
from tests.support.personas import client_signed_in, persona_in
from tests.support.sharing import BRUISING_ANSWERS, BRUISING_FACTS, REFUSED_FACTS, decision_make

pytestmark = pytest.mark.django_db

GUIDE = "/sharing/guide/"


def _walk(client: Client, answers: dict[str, Any] = BRUISING_ANSWERS) -> None:
    client.post(GUIDE + "start/", {"child": ""})
    for step, answer in answers.items():
        response = client.post(f"{GUIDE}questions/{step}/", {"answer": answer})
        assert response.status_code == 302, step


def _by(persona: Any) -> Actor:
    return Actor.of(persona.user, persona.agency)


def _errors(page: str) -> list[str]:
    summary = page.split("govuk-error-summary__list", 1)[1].split("</ul>", 1)[0]
    return re.findall(r"<a [^>]*>([^<]+)</a>", summary)


# --- decide and record in one step ------------------------------------------------------------------


def test_decision_form_empty_post_shows_every_error_in_one_round(signed_in: Any) -> None:
    client = signed_in("social_worker")
    _walk(client)
    response = client.post("/sharing/decisions/new/", {})
    errors = _errors(response.content.decode())
    assert Decision.objects.count() == 0
    # The fields' own errors and the decision's rules together, each once.
    assert "Select what you have decided" in errors
    assert "Select the consent position" in errors
    assert "Enter the purpose of sharing, or of the decision not to share" in errors
    assert len(errors) == len(set(errors))
    # Share was posted nowhere, so the rules about sharing are not in; a second round adds nothing new:
    posted = client.post(
        "/sharing/decisions/new/", {"decision": "share", "consent_position": "not_sought", "purpose": "Refer"}
    )
    second = _errors(posted.content.decode())
    assert {
        "Enter who will receive the information: the agency and the person or role",
        "Add at least one item of information to be shared, marked as fact or opinion",
        "Weigh the risks of sharing against the risks of not sharing",
        "Enter your reasons for sharing without consent",
    } <= set(second)


def test_decision_form_missing_decision_still_reports_the_rules_of_the_rest(signed_in: Any) -> None:
    client = signed_in("social_worker")
    _walk(client)
    response = client.post("/sharing/decisions/new/", {"consent_position": "not_needed", "purpose": ""})
    errors = _errors(response.content.decode())
    # Before, the rule about "consent not needed" waited for a second round behind the missing decision.
    assert "Select what you have decided" in errors
    assert any(e.startswith("Consent is needed unless") for e in errors)


def test_decision_form_starts_from_the_guides_answers(signed_in: Any) -> None:
    client = signed_in("social_worker")
    _walk(client)
    page = client.get("/sharing/decisions/new/").content.decode()
    # The consent position is the guide's, not typed again; so are the purpose and the reasons.
    assert re.search(r'name="consent_position" type="radio" value="not_sought" checked', page)
    assert re.search(r'name="decision" type="radio" value="share" checked', page)
    assert "Safeguarding</textarea>" in page
    assert "Asking would create or increase the risk to the child" in page


def test_consent_position_from_facts_follows_whose_consent_counts() -> None:
    assert consent_position_from_facts(BRUISING_FACTS) == "not_sought"
    assert consent_position_from_facts(REFUSED_FACTS) == "refused"
    competent = {**REFUSED_FACTS, "subject": {"age": 15, "competent_to_consent": True}}
    competent["consent"] = {"subject": "given", "parent": "refused"}
    assert consent_position_from_facts(competent) == "given"
    public = {**BRUISING_FACTS, "information": {"identifies_individual": False, "confidential": True}}
    assert consent_position_from_facts(public) == "not_needed"


def test_refer_without_delay_form_defaults_to_share_now_and_names_endorsers(
    persona: Any, signed_in: Any
) -> None:
    persona("manager")
    guardian = persona_in(
        "csc_guardian", code="test-csc", kind=AgencyKind.CHILDRENS_SOCIAL_CARE, role=Role.CALDICOTT_GUARDIAN
    )
    client = signed_in("social_worker")
    _walk(client)
    page = client.get("/sharing/decisions/new/").content.decode()
    assert re.search(r'name="emergency" type="checkbox" checked', page)
    assert 'data-testid="share-now"' in page
    endorsers = page.split('data-testid="endorsers"', 1)[1].split("</div>", 1)[0]
    assert "Manager Tester, Manager" in endorsers
    assert f"{guardian.user.get_full_name()}, Caldicott Guardian" in endorsers
    assert "Social Worker Tester" not in endorsers  # the decider cannot endorse their own decision


def test_refer_without_delay_record_says_shared_never_do_not_share_yet(signed_in: Any) -> None:
    client = signed_in("social_worker")
    _walk(client)
    form = {
        "decision": "share",
        "purpose": "Refer to children's social care",
        "recipients": "Test CSC, duty social worker",
        "item_1_description": "Bruises seen on both upper arms",
        "item_1_kind": "fact",
        "consent_position": "not_sought",
        "consent_reasons": "Asking the parent would increase the risk",
        "risks": "Not sharing leaves the child at risk",
        # The emergency box left unticked: refer without delay still means share now.
    }
    response = client.post("/sharing/decisions/new/", form)
    decision = Decision.objects.get()
    assert response.status_code == 302
    assert decision.emergency and decision.endorsement_due_at is not None
    page = client.get(response.url).content.decode()
    assert "do not share yet" not in page.lower()
    assert "Shared in an emergency" in page and "Endorsement due by" in page


def test_decision_without_refer_without_delay_still_waits_for_endorsement(persona: Any) -> None:
    # Early help for a 9-year-old whose parent refused: the engine says do not share, no referral.
    decision = decision_make(
        persona("social_worker"),
        facts=dict(REFUSED_FACTS),
        decision="share",
        departure_reason="The school has new information",
        consent_position="refused",
    )
    assert decision.needs_endorsement and not decision.emergency


# --- endorsement: given or declined, labelled by role, decider told -------------------------------------


def test_endorsement_declined_with_reasons_tells_the_decider_and_waits_on_her_worklist(persona: Any) -> None:
    worker, manager = persona("social_worker"), persona("manager")
    decision = decision_make(worker)
    with pytest.raises(SharingError) as refused:
        endorsement_decline(decision=decision, by=_by(manager), reasons="  ")
    assert "reasons" in str(refused.value.problems)
    endorsement_decline(decision=decision, by=_by(manager), reasons="The items go beyond what is needed")
    answer = Endorsement.objects.get(decision=decision)
    assert answer.declined and answer.role == Role.MANAGER
    note = Notification.objects.get(recipient=worker.user)
    assert note.kind == "decision.declined" and note.url == f"/sharing/decisions/{decision.pk}/"
    assert "Bruises" not in note.message  # no personal data in a notification
    assert AuditEvent.objects.filter(
        action="decision.endorsement_declined", object_id=str(decision.pk)
    ).exists()
    items = declined_items(user=worker.user, agency=worker.agency)
    assert [i.href for i in items] == [f"/sharing/decisions/{decision.pk}/"]
    assert "Record a new decision" in items[0].label
    # A new decision correcting it clears the item; the declined one is not owed an endorsement any more.
    decision_make(worker, supersedes=decision)
    assert declined_items(user=worker.user, agency=worker.agency) == []
    with pytest.raises(SharingError):
        endorsement_record(decision=decision, by=_by(manager))


def test_endorsement_given_tells_the_decider_and_names_the_endorsers_role(
    persona: Any, signed_in: Any
) -> None:
    worker = persona("social_worker")
    guardian = persona_in(
        "csc_guardian", code="test-csc", kind=AgencyKind.CHILDRENS_SOCIAL_CARE, role=Role.CALDICOTT_GUARDIAN
    )
    decision = decision_make(worker)
    endorsement_record(decision=decision, by=_by(guardian), comment="Necessary and proportionate")
    assert Endorsement.objects.get(decision=decision).role == Role.CALDICOTT_GUARDIAN
    note = Notification.objects.get(recipient=worker.user)
    assert note.kind == "decision.endorsed"
    page = signed_in("social_worker").get(f"/sharing/decisions/{decision.pk}/").content.decode()
    label = page.split('data-testid="endorsement-label">', 1)[1].split("<", 1)[0]
    assert label == "Caldicott Guardian's endorsement"
    home = signed_in("social_worker").get("/").content.decode()
    assert f"Decision {decision.pk} has been endorsed" in home


def test_endorse_page_decline_without_reasons_is_refused_in_the_form(persona: Any, signed_in: Any) -> None:
    decision = decision_make(persona("social_worker"))
    client = signed_in("manager")
    response = client.post(f"/sharing/decisions/{decision.pk}/endorse/", {"answer": "decline", "comment": ""})
    assert "Give your reasons for declining to endorse the decision" in response.content.decode()
    assert not Endorsement.objects.exists()
    response = client.post(
        f"/sharing/decisions/{decision.pk}/endorse/", {"answer": "decline", "comment": "Share less"}
    )
    assert response.status_code == 302 and Endorsement.objects.get().declined


# --- advice across the partnership ------------------------------------------------------------------


def _partnership_guardian() -> Any:
    return persona_in(
        "partnership_guardian", code="test-lscp", kind=AgencyKind.PARTNERSHIP, role=Role.CALDICOTT_GUARDIAN
    )


def test_advice_to_the_partnerships_caldicott_guardian_is_answered_only_by_that_role(persona: Any) -> None:
    school = persona("school_dsl")
    guardian = _partnership_guardian()
    ig_of_partnership = persona_in(
        "partnership_ig", code="test-lscp", kind=AgencyKind.PARTNERSHIP, role=Role.IG_OFFICER
    )
    advice = advice_request_create(
        agency=school.agency,
        by=_by(school),
        adviser_role="caldicott_guardian",
        adviser_agency=guardian.agency,
        question="May the school share a pupil's disclosure with the police?",
        anonymised=True,
    )
    # Another adviser role of the partnership, and the school's own adviser, cannot answer.
    for wrong in (ig_of_partnership, persona("ig_officer")):
        with pytest.raises(SharingError) as refused:
            advice_request_answer(advice=advice, by=_by(wrong), answer="Yes")
        assert "Only the Caldicott Guardian of the agency asked" in str(refused.value.problems)
    assert advice_items(user=ig_of_partnership.user, agency=ig_of_partnership.agency) == []
    assert [i.href for i in advice_items(user=guardian.user, agency=guardian.agency)] == [
        f"/sharing/advice/{advice.pk}/"
    ]
    advice_request_answer(advice=advice, by=_by(guardian), answer="Yes, under the crime and disorder duty")
    note = Notification.objects.get(recipient=school.user)
    assert note.kind == "advice.answered" and note.url == f"/sharing/advice/{advice.pk}/"


def test_advice_to_another_agency_that_is_not_the_partnership_is_refused(persona: Any) -> None:
    school, worker = persona("school_dsl"), persona("social_worker")
    with pytest.raises(SharingError):
        advice_request_create(
            agency=school.agency,
            by=_by(school),
            adviser_role="dsl",
            adviser_agency=worker.agency,
            question="Can I ask CSC's safeguarding lead?",
            anonymised=True,
        )
    assert not AdviceRequest.objects.exists()


def test_advice_page_offers_the_partnership_and_only_the_role_asked_sees_the_form(
    persona: Any, signed_in: Any
) -> None:
    guardian = _partnership_guardian()
    client = signed_in("school_dsl")
    page = client.get("/sharing/advice/new/").content.decode()
    assert "Test test-lscp: Caldicott Guardian" in page
    response = client.post(
        "/sharing/advice/new/",
        {"adviser_role": "test-lscp:caldicott_guardian", "question": "Can I share?", "anonymised": "on"},
    )
    advice = AdviceRequest.objects.get()
    assert response.status_code == 302
    assert advice.adviser_agency == guardian.agency and advice.agency == persona("school_dsl").agency
    # The partnership's guardian reads and answers it; the school's other advisers do not see it.
    guardian_client = client_signed_in(guardian)
    answer_page = guardian_client.get(f"/sharing/advice/{advice.pk}/")
    assert answer_page.status_code == 200 and 'name="answer"' in answer_page.content.decode()
    answered = guardian_client.post(f"/sharing/advice/{advice.pk}/", {"answer": "Yes, share"})
    assert answered.status_code == 302
    mine = client.get("/sharing/advice/mine/").content.decode()
    assert f"Request {advice.pk}" in mine and "Answered" in mine


def test_advice_detail_shows_the_guides_answers_in_words_not_codes(persona: Any, signed_in: Any) -> None:
    worker = persona("social_worker")
    advice = advice_request_create(
        agency=worker.agency,
        by=_by(worker),
        adviser_role="ig_officer",
        question="Can I share?",
        anonymised=True,
        facts={**REFUSED_FACTS, "purpose": "health_care"},
        pack_name="england-2024",
    )
    page = signed_in("ig_officer").get(f"/sharing/advice/{advice.pk}/").content.decode()
    answers = page.split('data-testid="guide-answers"', 1)[1].split("</dd>", 1)[0]
    assert "health_care" not in answers and "additional_needs" not in answers
    assert "Health care" in answers


# --- notifications and the menu ---------------------------------------------------------------------


def test_menu_links_to_my_advice_requests_and_my_decisions(persona: Any, signed_in: Any) -> None:
    worker = persona("social_worker")
    mine = decision_make(worker)
    other = decision_make(persona("manager"))
    client = signed_in("social_worker")
    home = client.get("/").content.decode()
    assert 'href="/sharing/advice/mine/"' in home and ">My advice requests<" in home
    assert 'href="/sharing/decisions/mine/"' in home and ">My decisions<" in home
    page = client.get("/sharing/decisions/mine/").content.decode()
    assert f"/sharing/decisions/{mine.pk}/" in page and f"/sharing/decisions/{other.pk}/" not in page


def test_endorsement_answer_refused_update_by_database_after_migration_0004(persona: Any) -> None:
    # Migration 0004 rebuilds the endorsement table on SQLite and puts its trigger back: a declined
    # endorsement cannot be turned into an agreement behind the model's back, on either database.
    decision = decision_make(persona("social_worker"))
    endorsement_decline(decision=decision, by=_by(persona("manager")), reasons="Share less")
    with pytest.raises(DatabaseError), transaction.atomic():
        Endorsement.objects.filter(decision=decision).update(declined=False)
    assert Endorsement.objects.get(decision=decision).declined
