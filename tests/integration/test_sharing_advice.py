"""Seeking advice from the agency's advisers, answering it, and attaching it to a decision."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from goldenthread.audit.models import AuditEvent
from goldenthread.core.actor import Actor
from goldenthread.people.models import Person
from goldenthread.sharing.actions import SharingError, advice_request_answer, advice_request_create
from goldenthread.sharing.models import AdviceRequest
from goldenthread.sharing.worklist import advice_items
from tests.support.sharing import decision_make

pytestmark = pytest.mark.django_db


def _ask(persona: Any, **overrides: Any) -> AdviceRequest:
    arguments: dict[str, Any] = {
        "adviser_role": "ig_officer",
        "question": "May I share a 7-year-old's injuries with CSC without asking the parent?",
        "anonymised": True,
    }
    arguments.update(overrides)
    return advice_request_create(
        agency=persona.agency,
        by=Actor.of(persona.user, persona.agency),
        **arguments,
    )


def _answer(advice: AdviceRequest, persona: Any, text: str = "Yes: share now and refer.") -> AdviceRequest:
    return advice_request_answer(advice=advice, by=Actor.of(persona.user, persona.agency), answer=text)


def test_advice_request_and_answer_audited(persona: Any) -> None:
    advice = _ask(persona("social_worker"))
    answered = _answer(advice, persona("ig_officer"))
    assert answered.is_answered and answered.answered_by == persona("ig_officer").user
    actions = list(AuditEvent.objects.filter(object_type="advice_request").values_list("action", flat=True))
    assert actions == ["advice.requested", "advice.answered"]
    requested = AuditEvent.objects.get(action="advice.requested")
    assert requested.details == {
        "adviser_role": "ig_officer",
        "adviser_agency": "test-csc",
        "anonymised": True,
        "person": None,
    }


def test_advice_anonymised_request_cannot_name_child(persona: Any) -> None:
    with pytest.raises(SharingError) as raised:
        _ask(persona("social_worker"), person=Person.objects.create(given_name="Amelia"))
    assert "anonymised" in raised.value.problems
    assert not AdviceRequest.objects.exists()


def test_advice_requester_cannot_answer_own_and_answer_is_final(persona: Any) -> None:
    dsl = persona("school_dsl")
    advice = _ask(dsl, adviser_role="dsl")
    with pytest.raises(SharingError, match="own request"):
        _answer(advice, dsl)
    other = _ask(persona("social_worker"))
    _answer(other, persona("ig_officer"))
    with pytest.raises(SharingError, match="already been answered"):
        _answer(other, persona("ig_officer"), "Changed my mind")


def test_advice_answered_request_refused_update_by_database_on_postgresql(persona: Any) -> None:
    advice = _answer(_ask(persona("social_worker")), persona("ig_officer"))
    if connection.vendor != "postgresql":
        assert connection.vendor == "sqlite"  # the answer-once rule is the action's there
        return
    with pytest.raises(DatabaseError), transaction.atomic():
        AdviceRequest.objects.filter(pk=advice.pk).update(answer="rewritten")


def test_advice_practitioner_cannot_answer(persona: Any) -> None:
    advice = _ask(persona("manager"))
    with pytest.raises(SharingError):
        _answer(advice, persona("social_worker"))


def test_advice_visible_to_requester_and_advisers_only(persona: Any, signed_in: Any) -> None:
    advice = _ask(persona("social_worker"))
    url = f"/sharing/advice/{advice.pk}/"
    assert signed_in("social_worker").get(url).status_code == 200
    assert signed_in("ig_officer").get(url).status_code == 200
    assert signed_in("manager").get(url).status_code == 404
    assert signed_in("school_dsl").get(url).status_code == 404


def test_advice_new_page_sends_anonymised_request(signed_in: Any) -> None:
    client = signed_in("social_worker")
    page = client.get("/sharing/advice/new/").content.decode()
    assert "do not write names" in page
    response = client.post(
        "/sharing/advice/new/",
        {"adviser_role": "dsl", "anonymised": "on", "question": "Can I share a sibling's school report?"},
    )
    advice = AdviceRequest.objects.get()
    assert response.url == f"/sharing/advice/{advice.pk}/"
    assert advice.anonymised and advice.person is None and advice.adviser_role == "dsl"


def test_advice_new_page_without_question_shows_error(signed_in: Any) -> None:
    response = signed_in("social_worker").post("/sharing/advice/new/", {"adviser_role": "dsl"})
    assert "Enter your question" in response.content.decode()
    assert not AdviceRequest.objects.exists()


def test_advice_adviser_answers_through_page_and_task_clears(persona: Any, signed_in: Any) -> None:
    advice = _ask(persona("social_worker"))
    ig = persona("ig_officer")
    assert [t.href for t in advice_items(user=ig.user, agency=ig.agency)] == [f"/sharing/advice/{advice.pk}/"]
    client = signed_in("ig_officer")
    response = client.post(f"/sharing/advice/{advice.pk}/", {"answer": "Share and refer now."})
    assert response.status_code == 302
    assert AdviceRequest.objects.get().answer == "Share and refer now."
    assert advice_items(user=ig.user, agency=ig.agency) == []
    requester = signed_in("social_worker")
    assert requester.post(f"/sharing/advice/{advice.pk}/", {"answer": "self"}).status_code == 403


def test_advice_answered_attaches_to_decision(persona: Any) -> None:
    worker = persona("social_worker")
    advice = _answer(_ask(worker), persona("ig_officer"))
    decision = decision_make(worker, advice=advice, consulted="IG officer: share now")
    assert decision.advice_id == advice.pk
    unanswered = _ask(worker)
    with pytest.raises(SharingError) as raised:
        decision_make(worker, advice=unanswered)
    assert "advice" in raised.value.problems


@pytest.mark.parametrize("anonymised", [False, True])
def test_advice_new_page_from_a_card_names_the_child_unless_anonymised(
    signed_in: Any, anonymised: bool
) -> None:
    child = Person.objects.create(given_name="Amelia", family_name="Kowalski")
    client = signed_in("social_worker")
    client.post("/sharing/guide/start/", {"child": f"person-{child.pk}"})
    assert "it names <strong" in client.get("/sharing/advice/new/").content.decode()
    form = {"adviser_role": "dsl", "question": "May I share the bruising with school?"}
    client.post("/sharing/advice/new/", {**form, "anonymised": "on"} if anonymised else form)
    advice = AdviceRequest.objects.get()
    assert advice.person == (None if anonymised else child)
    page = client.get(f"/sharing/advice/{advice.pk}/").content.decode()
    assert ("Amelia Kowalski" in page) is not anonymised
