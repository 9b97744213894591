"""The decision guide and decision pages through the test client, as a practitioner would use them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from goldenthread.agencies.models import AgencyKind
from goldenthread.agencies.permissions import Role
from goldenthread.audit.models import AuditEvent
from goldenthread.people.models import Person
from goldenthread.sharing.models import Decision, Endorsement
from goldenthread.sharing.views.state import SESSION_KEY
from tests.support.personas import client_signed_in, persona_in
from tests.support.sharing import BRUISING_ANSWERS, decision_make

pytestmark = pytest.mark.django_db

GUIDE = "/sharing/guide/"


def _walk(client: Client, answers: dict[str, Any] = BRUISING_ANSWERS, child: str = "") -> None:
    client.post(GUIDE + "start/", {"child": child})
    for step, answer in answers.items():
        response = client.post(f"{GUIDE}questions/{step}/", {"answer": answer})
        assert response.status_code == 302, (step, response.content.decode()[:500])


def _decision_form(**overrides: Any) -> dict[str, Any]:
    data = {
        "decision": "share",
        "purpose": "Refer to children's social care",
        "recipients": "Test CSC, duty social worker",
        "item_1_description": "Bruises seen on both upper arms",
        "item_1_kind": "fact",
        "item_2_description": "The explanation did not fit the injuries",
        "item_2_kind": "opinion",
        "consent_position": "not_sought",
        "consent_reasons": "Asking the parent would increase the risk",
        "risks": "Not sharing leaves the child at risk",
    }
    data.update(overrides)
    return data


def test_guide_walk_through_recommends_share_and_refer_without_delay(signed_in: Any) -> None:
    client = signed_in("social_worker")
    _walk(client)
    check = client.get(GUIDE + "check/").content.decode()
    assert "Check your answers" in check and "See the recommendation" in check
    assert "Asking would create or increase the risk to the child" in check
    page = client.get(GUIDE + "recommendation/").content.decode()
    assert 'data-testid="outcome">Share<' in page
    assert "Refer without delay" in page
    assert "UK GDPR Article 6(1)(e): public task" in page
    assert "Follow child protection procedures without delay" in page
    assert "Rule pack england-2024, version" in page


def test_guide_question_page_uses_pack_wording_and_not_sure(signed_in: Any) -> None:
    client = signed_in("social_worker")
    client.post(GUIDE + "start/")
    page = client.get(GUIDE + "questions/purpose/").content.decode()
    assert "Is there a clear and legitimate purpose for sharing the information?" in page
    assert "Yes: safeguarding" in page and "Not sure" in page
    assert "early_help" not in page.replace('value="early_help"', "")
    assert f'href="{GUIDE}"' in page  # the back link


def test_guide_invalid_answer_shows_error_and_changes_nothing(signed_in: Any) -> None:
    client = signed_in("social_worker")
    client.post(GUIDE + "start/")
    client.post(GUIDE + "questions/purpose/", {"answer": "safeguarding"})
    response = client.post(GUIDE + "questions/purpose/", {"answer": "curiosity"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and "<title>Error: " in page
    assert client.session[SESSION_KEY]["answers"] == {"purpose": "safeguarding"}


def test_guide_age_out_of_range_rejected(signed_in: Any) -> None:
    client = signed_in("social_worker")
    client.post(GUIDE + "start/")
    response = client.post(GUIDE + "questions/age/", {"answer": "140"})
    assert "Enter the age in whole years, from 0 to 120" in response.content.decode()
    assert "age" not in client.session[SESSION_KEY]["answers"]


def test_guide_none_of_these_with_others_rejected(signed_in: Any) -> None:
    client = signed_in("social_worker")
    client.post(GUIDE + "start/")
    response = client.post(GUIDE + "questions/risks/", {"answer": ["none", "undue_delay"]})
    assert "not both" in response.content.decode()


def test_guide_unknown_question_is_404(signed_in: Any) -> None:
    assert signed_in("social_worker").get(GUIDE + "questions/shoe-size/").status_code == 404


def test_guide_incomplete_answers_listed_and_recommendation_refused(signed_in: Any) -> None:
    client = signed_in("social_worker")
    client.post(GUIDE + "start/")
    client.post(GUIDE + "questions/purpose/", {"answer": "safeguarding"})
    check = client.get(GUIDE + "check/").content.decode()
    assert "Answer the question: How old is the person the information is about?" in check
    assert "See the recommendation" not in check
    response = client.get(GUIDE + "recommendation/")
    assert response.status_code == 302 and response.url == GUIDE + "check/"


def test_guide_tampered_answer_reported_by_engine_not_a_crash(signed_in: Any) -> None:
    client = signed_in("social_worker")
    _walk(client)
    session = client.session
    session[SESSION_KEY]["answers"]["concern"] = "mild_worry"
    session.save()
    check = client.get(GUIDE + "check/")
    page = check.content.decode()
    assert check.status_code == 200
    assert "Concern about the child: &#x27;mild_worry&#x27; is not one of" in page
    assert client.get(GUIDE + "recommendation/").status_code == 302
    assert client.get("/sharing/decisions/new/").status_code == 302


def test_guide_change_link_returns_to_check_answers(signed_in: Any) -> None:
    client = signed_in("social_worker")
    _walk(client)
    response = client.post(GUIDE + "questions/age/", {"answer": "8", "return": "check"})
    assert response.url == GUIDE + "check/"
    assert client.session[SESSION_KEY]["answers"]["age"] == "8"


def test_guide_child_from_card_link_is_named_audited_and_carried(signed_in: Any) -> None:
    child = Person.objects.create(given_name="Amelia", family_name="Kowalski")
    client = signed_in("social_worker")
    assert "Amelia Kowalski" in client.get(f"{GUIDE}?child=person-{child.pk}").content.decode()
    named = AuditEvent.objects.get(action="person.named")
    assert (named.object_id, named.purpose) == (str(child.pk), "Deciding whether to share information")
    _walk(client, child=f"person-{child.pk}")
    assert client.session[SESSION_KEY]["person_id"] == child.pk
    assert "Amelia Kowalski" in client.get(GUIDE + "check/").content.decode()


@pytest.mark.parametrize("child", ["bad ref<script>", "C-0042", "person-987654"])
def test_guide_child_malformed_or_unknown_is_dropped(signed_in: Any, child: str) -> None:
    client = signed_in("social_worker")
    page = client.get(GUIDE, {"child": child}).content.decode()
    assert "it is not about a child in the index" in page and "bad ref" not in page
    _walk(client, child=child)
    assert client.session[SESSION_KEY]["person_id"] is None


def test_guide_child_merged_since_the_link_names_the_person_kept(signed_in: Any) -> None:
    kept = Person.objects.create(given_name="Amelia", family_name="Kowalski")
    absorbed = Person.objects.create(given_name="Amelia", family_name="Kowalsky")
    Person.objects.filter(pk=absorbed.pk).update(merged_into=kept, merged_at=timezone.now())
    client = signed_in("social_worker")
    _walk(client, child=f"person-{absorbed.pk}")
    assert client.session[SESSION_KEY]["person_id"] == kept.pk


def test_guide_flowchart_is_an_svg_picture(signed_in: Any) -> None:
    response = signed_in("social_worker").get(GUIDE + "flowchart.svg")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert response.content.startswith(b"<svg") and b"Question 1" in response.content


def test_decision_new_without_guide_redirects_to_check(signed_in: Any) -> None:
    response = signed_in("social_worker").get("/sharing/decisions/new/")
    assert response.status_code == 302 and response.url == GUIDE + "check/"


def test_decision_form_departure_without_reason_shows_error_and_saves_nothing(signed_in: Any) -> None:
    client = signed_in("social_worker")
    _walk(client)
    response = client.post("/sharing/decisions/new/", _decision_form(decision="do_not_share"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Explain why your decision differs from the recommendation" in page
    assert Decision.objects.count() == 0
    assert SESSION_KEY in client.session  # the answers survive for another try


def test_decision_form_records_decision_and_shows_it(signed_in: Any) -> None:
    child = Person.objects.create(given_name="Amelia", family_name="Kowalski")
    client = signed_in("social_worker")
    _walk(client, child=f"person-{child.pk}")
    form_page = client.get("/sharing/decisions/new/").content.decode()
    assert 'data-testid="guide-child">Amelia Kowalski<' in form_page
    response = client.post("/sharing/decisions/new/", _decision_form())
    decision = Decision.objects.get()
    assert response.status_code == 302 and response.url == f"/sharing/decisions/{decision.pk}/"
    assert SESSION_KEY not in client.session
    page = client.get(response.url).content.decode()
    assert "Bruises seen on both upper arms" in page and "Opinion" in page
    assert "Shared in an emergency" in page and "do not share yet" not in page
    assert AuditEvent.objects.filter(action="decision.viewed", object_id=str(decision.pk)).exists()
    assert decision.person == child and decision.legacy_child_ref == ""
    assert f'href="/children/{child.pk}/">Amelia Kowalski</a>' in page
    recorded = AuditEvent.objects.get(action="decision.recorded")
    assert recorded.details["person"] == child.pk


def test_decision_form_without_a_card_names_no_child(signed_in: Any) -> None:
    client = signed_in("social_worker")
    _walk(client)
    assert "will not name a child from the index" in client.get("/sharing/decisions/new/").content.decode()
    client.post("/sharing/decisions/new/", _decision_form())
    assert Decision.objects.get().person is None


def test_decision_detail_other_agency_is_404(persona: Any, signed_in: Any) -> None:
    decision = decision_make(persona("social_worker"))
    assert signed_in("school_dsl").get(f"/sharing/decisions/{decision.pk}/").status_code == 404
    assert signed_in("ig_officer").get(f"/sharing/decisions/{decision.pk}/").status_code == 200
    assert not AuditEvent.objects.filter(action="decision.viewed", actor_username="school_dsl").exists()


def test_decision_list_shows_only_own_agency(persona: Any, signed_in: Any) -> None:
    mine = decision_make(persona("social_worker"))
    theirs = decision_make(persona("school_dsl"))
    page = signed_in("manager").get("/sharing/decisions/").content.decode()
    assert f"/sharing/decisions/{mine.pk}/" in page
    assert f"/sharing/decisions/{theirs.pk}/" not in page


def test_decision_endorse_page_manager_endorses(persona: Any, signed_in: Any) -> None:
    decision = decision_make(persona("social_worker"))
    client = signed_in("manager")
    assert client.get(f"/sharing/decisions/{decision.pk}/endorse/").status_code == 200
    response = client.post(
        f"/sharing/decisions/{decision.pk}/endorse/", {"answer": "endorse", "comment": "Agreed"}
    )
    assert response.status_code == 302
    assert Endorsement.objects.get(decision=decision).comment == "Agreed"
    assert "Endorsed by" in client.get(f"/sharing/decisions/{decision.pk}/").content.decode()


def test_decision_endorse_page_refuses_own_decision(persona: Any, signed_in: Any) -> None:
    decision = decision_make(persona("manager"))
    client = signed_in("manager")
    response = client.post(
        f"/sharing/decisions/{decision.pk}/endorse/", {"answer": "endorse", "comment": "Fine"}
    )
    assert "You cannot endorse your own decision" in response.content.decode()
    assert not Endorsement.objects.exists()


def test_decision_endorse_page_empty_post_on_own_decision_gives_the_refusal_not_a_field_error(
    persona: Any, signed_in: Any
) -> None:
    decision = decision_make(persona("manager"))
    page = signed_in("manager").post(f"/sharing/decisions/{decision.pk}/endorse/", {}).content.decode()
    assert "You cannot endorse your own decision" in page
    assert "Select whether you endorse the decision" not in page and 'href="#id_answer"' not in page
    assert not Endorsement.objects.exists()


def test_decision_endorse_page_empty_post_on_answered_decision_gives_the_refusal_not_a_field_error(
    persona: Any, signed_in: Any
) -> None:
    decision = decision_make(persona("social_worker"))
    assert signed_in("manager").post(f"/sharing/decisions/{decision.pk}/endorse/", {"answer": "endorse"})
    dsl = persona_in("csc_dsl", code="test-csc", kind=AgencyKind.CHILDRENS_SOCIAL_CARE, role=Role.DSL)
    page = client_signed_in(dsl).post(f"/sharing/decisions/{decision.pk}/endorse/", {}).content.decode()
    assert "This decision has already been endorsed or declined" in page
    assert "Select whether you endorse the decision" not in page and 'href="#id_answer"' not in page
    assert Endorsement.objects.count() == 1


def test_decision_correct_records_new_decision_superseding_old(persona: Any, signed_in: Any) -> None:
    child = Person.objects.create(given_name="Amelia", family_name="Kowalski")
    original = decision_make(persona("social_worker"), person=child)
    client = signed_in("social_worker")
    response = client.post(f"/sharing/decisions/{original.pk}/correct/")
    assert response.url == GUIDE + "check/"
    assert "You are correcting decision" in client.get(GUIDE + "check/").content.decode()
    client.post("/sharing/decisions/new/", _decision_form(purpose="Corrected: refer to CSC"))
    correction = Decision.objects.exclude(pk=original.pk).get()
    assert correction.supersedes_id == original.pk
    assert correction.facts == original.facts
    assert correction.person == child  # the correction is about the same child
    assert "has been corrected by" in client.get(f"/sharing/decisions/{original.pk}/").content.decode()
