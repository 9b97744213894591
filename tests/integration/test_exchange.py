"""The exchange: priorities, requests, answers through decisions, disclosures and their receipts.

Every refused step leaves the database as it was; every step is timestamped and audited; only the agencies
party to a request or a disclosure see it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from goldenthread.agencies.models import Agency, AgencyKind, Membership
from goldenthread.agencies.permissions import Role
from goldenthread.audit.models import AuditEvent
from goldenthread.core.immutable import ImmutableRecordError
from goldenthread.core.worktime import add_working_hours
from goldenthread.exchange.actions import (
    Addressee,
    ExchangeError,
    ItemChoice,
    SubjectNotice,
    disclosure_acknowledge,
    disclosure_action_record,
    disclosure_send,
    priorities_update,
    recipient_acknowledge,
    recipient_assign,
    request_answer,
    request_withdraw,
)
from goldenthread.exchange.defaults import defaults_ensure
from goldenthread.exchange.models import (
    Disclosure,
    EscalationStep,
    InformationRequest,
    Priority,
    RecipientStatus,
    RequestRecipient,
    RequestType,
)
from goldenthread.exchange.selectors import disclosure_get_for_user, request_get_for_user
from goldenthread.notifications.models import Notification
from tests.support.exchange import (
    NOT_TOLD,
    all_items,
    by,
    child_make,
    decline_decision,
    recipient_of,
    request_make,
    share_decision,
)
from tests.support.personas import client_signed_in, persona_make

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _defaults() -> None:
    defaults_ensure()


def _counts() -> tuple[int, ...]:
    return (
        InformationRequest.objects.count(),
        RequestRecipient.objects.count(),
        Disclosure.objects.count(),
        Notification.objects.count(),
        AuditEvent.objects.count(),
    )


# ---------------------------------------------------------------- priorities and types


def test_priorities_seeded_with_the_common_mash_scheme() -> None:
    assert [(p.code, p.hours) for p in Priority.objects.all()] == [("red", 4), ("amber", 24), ("green", 72)]
    ladder = EscalationStep.objects.filter(priority__code="red").order_by("position")
    assert [(s.after_hours, s.target) for s in ladder] == [
        (0, "assigned"),
        (2, "manager"),
        (4, "dsl"),
        (8, "governance"),
    ]
    assert RequestType.objects.count() == 6
    assert RequestType.objects.get(code="strategy_discussion").default_priority.code == "red"


def test_priorities_update_by_the_administrator_is_audited(persona: Any) -> None:
    admin = persona("system_administrator")
    changed = priorities_update(
        hours={"red": 3, "amber": 24, "green": 72},
        type_priorities={"police_la_material": "red"},
        by=by(admin),
    )
    assert changed == ["Red: 4 to 3 working hours", "police_la_material: default red"]
    assert Priority.objects.get(code="red").hours == 3
    event = AuditEvent.objects.get(action="exchange.priorities_changed")
    assert event.details["changes"] == changed


def test_priorities_update_refused_to_anyone_else(persona: Any) -> None:
    with pytest.raises(ExchangeError, match="partnership's administrator"):
        priorities_update(hours={"red": 1}, type_priorities={}, by=by(persona("ig_officer")))
    assert Priority.objects.get(code="red").hours == 4


def test_priorities_update_bad_hours_change_nothing(persona: Any) -> None:
    with pytest.raises(ExchangeError) as raised:
        priorities_update(
            hours={"red": 0, "amber": 12}, type_priorities={}, by=by(persona("system_administrator"))
        )
    assert "hours_red" in raised.value.problems
    assert [p.hours for p in Priority.objects.all()] == [4, 24, 72]


def test_priorities_page_shown_to_every_user_and_saved_by_the_administrator(signed_in: Any) -> None:
    page = signed_in("health_visitor").get(reverse("exchange:priorities")).content.decode()
    assert "4 working hours" in page and "Save priorities" not in page
    admin = signed_in("system_administrator")
    data = {"hours_red": "5", "hours_amber": "24", "hours_green": "72"}
    data |= {f"type_{t.code}": t.default_priority.code for t in RequestType.objects.all()}
    for step in EscalationStep.objects.select_related("priority"):
        data[f"ladder_{step.priority.code}_{step.position}"] = str(step.after_hours)
    data["ladder_red_2"] = "1"
    response = admin.post(reverse("exchange:priorities"), data)
    assert response.status_code == 302
    assert Priority.objects.get(code="red").hours == 5
    assert EscalationStep.objects.get(priority__code="red", position=2).after_hours == 1
    # A ladder whose rungs go backwards is refused, with the reason, and nothing changes.
    data["ladder_red_3"] = "0"
    response = admin.post(reverse("exchange:priorities"), data)
    assert response.status_code == 200
    assert "each rung comes no earlier than the one before" in response.content.decode()
    assert EscalationStep.objects.get(priority__code="red", position=3).after_hours == 4


# ---------------------------------------------------------------- requests


def test_request_send_sets_deadline_in_working_hours_and_tells_the_receivers(persona: Any) -> None:
    mash, school, health = persona("social_worker"), persona("school_dsl"), persona("health_visitor")
    child = child_make()
    before = timezone.now()
    sent = request_make(mash, child, school, health, priority="red")
    assert add_working_hours(before, 4) <= sent.deadline_at <= add_working_hours(timezone.now(), 4)
    assert sorted(r.agency.code for r in sent.recipients.all()) == ["test-health", "test-school"]
    assert {n.recipient_id for n in Notification.objects.filter(kind="exchange.request")} == {
        school.user.pk,
        health.user.pk,
    }
    assert child.given_name not in "".join(Notification.objects.values_list("message", flat=True))
    event = AuditEvent.objects.get(action="exchange.request_sent")
    assert event.details["priority"] == "red" and event.details["person"] == child.pk
    # One escalation run queued per agency asked, for the deadline.
    tasks = DBTaskResult.objects.filter(task_path__endswith="exchange_escalate")
    assert tasks.count() == 2 and {t.run_after for t in tasks} == {sent.deadline_at}


def test_request_type_default_priority_used_when_none_chosen(persona: Any) -> None:
    sent = request_make(
        persona("social_worker"),
        child_make(),
        persona("school_dsl"),
        priority="",
        request_type="strategy_discussion",
    )
    assert sent.priority.code == "red"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"addressees": [Addressee(agency_id=999999)]}, "addressees", "does not exist"),
        ({"addressees": []}, "addressees", "at least one agency"),
        ({"deadline": "past"}, "deadline", "must be in the future"),
        ({"purpose": " "}, "purpose", "purpose"),
        ({"lawful_basis": ""}, "lawful_basis", "lawful basis"),
        ({"priority": "purple"}, "priority", "Select a priority"),
    ],
)
def test_request_send_bad_input_changes_nothing(
    persona: Any, overrides: dict[str, Any], field: str, message: str
) -> None:
    mash, school = persona("social_worker"), persona("school_dsl")
    child = child_make()
    if overrides.get("deadline") == "past":
        overrides["deadline"] = timezone.now() - timedelta(hours=1)
    before = _counts()
    with pytest.raises(ExchangeError) as raised:
        request_make(mash, child, school, **overrides)
    assert message in " ".join(raised.value.problems[field])
    assert _counts() == before


def test_request_send_to_agency_with_no_one_to_receive_is_refused(persona: Any) -> None:
    mash = persona("social_worker")
    empty = Agency.objects.create(code="empty-school", name="Empty School", kind=AgencyKind.SCHOOL)
    before = _counts()
    with pytest.raises(ExchangeError, match="Empty School has no team able to receive"):
        request_make(mash, child_make(), addressees=[Addressee(agency_id=empty.pk)])
    assert _counts() == before


def test_request_send_to_own_agency_is_refused(persona: Any) -> None:
    mash = persona("social_worker")
    with pytest.raises(ExchangeError, match="another agency"):
        request_make(mash, child_make(), mash)


def test_request_send_about_shielded_person_is_refused(persona: Any) -> None:
    child = child_make(is_shielded=True, brokered_contact="Safe Harbour duty line")
    with pytest.raises(ExchangeError, match="shielded"):
        request_make(persona("social_worker"), child, persona("school_dsl"))
    assert InformationRequest.objects.count() == 0


def test_police_request_for_la_material_needs_its_own_fields(persona: Any) -> None:
    police, csc = persona("police_officer"), persona("social_worker")
    with pytest.raises(ExchangeError) as raised:
        request_make(police, child_make(), csc, request_type="police_la_material", priority="")
    assert set(raised.value.problems) >= {
        "detail_crime_reference",
        "detail_offence",
        "detail_material_sought",
    }
    sent = request_make(
        police,
        child_make(),
        csc,
        request_type="police_la_material",
        priority="",
        details={"crime_reference": "NS/123/26", "offence": "Assault", "material_sought": "Case file"},
    )
    assert sent.priority.code == "amber" and sent.details["crime_reference"] == "NS/123/26"


def test_police_request_for_la_material_only_to_the_local_authority(persona: Any) -> None:
    with pytest.raises(ExchangeError, match="cannot receive this type"):
        request_make(
            persona("police_officer"),
            child_make(),
            persona("school_dsl"),
            request_type="police_la_material",
            details={"crime_reference": "N1", "offence": "Assault", "material_sought": "File"},
        )


def test_investigation_notice_with_live_proceedings_must_reach_the_court(persona: Any) -> None:
    police, csc = persona("police_officer"), persona("social_worker")
    details = {
        "crime_reference": "N1",
        "offence": "Neglect",
        "proceedings_live": "yes",
        "court_case_number": "NS26C1",
    }
    with pytest.raises(ExchangeError, match="send the notice to the family court as well"):
        request_make(police, child_make(), csc, request_type="investigation_notice", details=details)


def test_request_from_the_wrong_kind_of_agency_is_refused(persona: Any) -> None:
    with pytest.raises(ExchangeError, match="cannot send this type"):
        request_make(
            persona("social_worker"),
            child_make(),
            persona("police_officer"),
            request_type="family_court_police_material",
            details={"court_case_number": "NS26C1"},
        )


# ---------------------------------------------------------------- answers and disclosures


def test_answer_share_part_makes_a_disclosure_the_requester_sees(persona: Any) -> None:
    mash, school, health = persona("social_worker"), persona("school_dsl"), persona("health_visitor")
    child = child_make()
    sent = request_make(mash, child, school, health)
    row = recipient_of(sent, health)
    recipient_acknowledge(recipient=row, by=by(health))
    decision = share_decision(health, child)
    request_answer(
        recipient=row,
        by=by(health),
        decision=decision,
        outcome="share_part",
        items=all_items(decision, withhold=2),
        lawful_basis="UK GDPR 6(1)(e), 9(2)(g); Children Act 2004 s11",
        notice=NOT_TOLD,
    )
    row.refresh_from_db()
    assert (row.status, row.outcome, row.decision_id, row.answered_by_id) == (
        RecipientStatus.ANSWERED,
        "share_part",
        decision.pk,
        health.user.pk,
    )
    disclosure = Disclosure.objects.get()
    assert (disclosure.to_agency_id, disclosure.to_user_id, disclosure.answers_id) == (
        mash.agency.pk,
        mash.user.pk,
        row.pk,
    )
    assert [i.description for i in disclosure.items.all()] == ["Bruises seen on both upper arms on 3 March"]
    assert [w.reason for w in disclosure.withheld.all()] == [
        "Third-party information about the mother's health"
    ]
    assert Notification.objects.filter(recipient=mash.user, kind="exchange.disclosure").count() == 1
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions.index("exchange.request_acknowledged") < actions.index("exchange.request_answered")
    assert "exchange.disclosed" in actions
    # The requester reads it; the school, party to the request but not to this disclosure, cannot.
    assert (
        disclosure_get_for_user(user=mash.user, agency=mash.agency, disclosure_id=disclosure.pk) == disclosure
    )
    with pytest.raises(Http404):
        disclosure_get_for_user(user=school.user, agency=school.agency, disclosure_id=disclosure.pk)
    # The school sees its own part of the request only.
    view = request_get_for_user(user=school.user, agency=school.agency, request_id=sent.pk)
    assert [r.agency_id for r in view.recipients] == [school.agency.pk]


def test_request_unseen_by_agencies_not_party_to_it(persona: Any) -> None:
    sent = request_make(persona("social_worker"), child_make(), persona("school_dsl"))
    police = persona("police_officer")
    with pytest.raises(Http404):
        request_get_for_user(user=police.user, agency=police.agency, request_id=sent.pk)
    response = client_signed_in(police).get(reverse("exchange:request", args=[sent.pk]))
    assert response.status_code == 404


def test_answer_share_all_with_an_item_withheld_is_refused(persona: Any) -> None:
    mash, health = persona("social_worker"), persona("health_visitor")
    child = child_make()
    row = recipient_of(request_make(mash, child, health), health)
    decision = share_decision(health, child)
    with pytest.raises(ExchangeError, match="Sharing all"):
        request_answer(
            recipient=row,
            by=by(health),
            decision=decision,
            outcome="share_all",
            items=all_items(decision, withhold=1),
            lawful_basis="s47",
            notice=NOT_TOLD,
        )


def test_answer_with_an_item_the_decider_left_out_changes_nothing(persona: Any) -> None:
    mash, health = persona("social_worker"), persona("health_visitor")
    child = child_make()
    row = recipient_of(request_make(mash, child, health), health)
    decision = share_decision(health, child)
    other = share_decision(health, child)
    smuggled = [
        *all_items(decision),
        ItemChoice(decision_item_id=other.items.first().pk, include=True, source="x"),
    ]
    before = _counts()
    with pytest.raises(ExchangeError, match="did not include that item"):
        request_answer(
            recipient=row,
            by=by(health),
            decision=decision,
            outcome="share_all",
            items=smuggled,
            lawful_basis="s47",
            notice=NOT_TOLD,
        )
    assert _counts() == before
    row.refresh_from_db()
    assert row.status == RecipientStatus.WAITING


def test_answer_after_withdrawal_is_refused(persona: Any) -> None:
    mash, health = persona("social_worker"), persona("health_visitor")
    child = child_make()
    sent = request_make(mash, child, health)
    request_withdraw(request=sent, by=by(mash), reason="The family moved out of the area")
    decision = share_decision(health, child)
    with pytest.raises(ExchangeError, match=r"withdrawn on .*: it can no longer be answered"):
        request_answer(
            recipient=recipient_of(sent, health),
            by=by(health),
            decision=decision,
            outcome="share_all",
            items=all_items(decision),
            lawful_basis="s47",
            notice=NOT_TOLD,
        )
    assert Disclosure.objects.count() == 0
    assert recipient_of(sent, health).status == RecipientStatus.WITHDRAWN


def test_answer_twice_tells_the_second_who_answered(persona: Any) -> None:
    mash, health = persona("social_worker"), persona("health_visitor")
    child = child_make()
    row = recipient_of(request_make(mash, child, health), health)
    decision = share_decision(health, child)
    answer = {
        "decision": decision,
        "outcome": "share_all",
        "items": all_items(decision),
        "lawful_basis": "s47",
        "notice": NOT_TOLD,
    }
    request_answer(recipient=row, by=by(health), **answer)
    with pytest.raises(ExchangeError, match="already been answered by Health Visitor Tester"):
        request_answer(recipient=row, by=by(health), **answer)
    assert Disclosure.objects.count() == 1


def test_decline_needs_a_decision_not_to_share_and_reasons(persona: Any) -> None:
    mash, health = persona("social_worker"), persona("health_visitor")
    child = child_make()
    row = recipient_of(request_make(mash, child, health), health)
    with pytest.raises(ExchangeError) as raised:
        request_answer(
            recipient=row, by=by(health), decision=share_decision(health, child), outcome="decline"
        )
    assert set(raised.value.problems) == {"decision", "decline_reason"}
    request_answer(
        recipient=row,
        by=by(health),
        decision=decline_decision(health, child),
        outcome="decline",
        decline_reason="Consent refused; no safeguarding threshold met",
    )
    assert recipient_of(row.request, health).status == RecipientStatus.DECLINED
    assert Disclosure.objects.count() == 0


def test_answer_with_another_agency_decision_is_refused(persona: Any) -> None:
    mash, health, school = persona("social_worker"), persona("health_visitor"), persona("school_dsl")
    child = child_make()
    row = recipient_of(request_make(mash, child, health), health)
    with pytest.raises(ExchangeError, match="your own agency recorded"):
        request_answer(
            recipient=row, by=by(health), decision=share_decision(school, child), outcome="share_all"
        )


def test_assign_gives_the_request_to_one_practitioner(persona: Any) -> None:
    mash, health = persona("social_worker"), persona("health_visitor")
    row = recipient_of(request_make(mash, child_make(), health), health)
    with pytest.raises(ExchangeError, match="practitioner of"):
        recipient_assign(recipient=row, assignee=persona("school_dsl").user, by=by(health))
    recipient_assign(recipient=row, assignee=health.user, by=by(health))
    row.refresh_from_db()
    assert row.assigned_to_id == health.user.pk and row.status == RecipientStatus.ACKNOWLEDGED


# ---------------------------------------------------- proactive disclosures, receipts, corrections


def _proactive(health: Any, mash: Any, child: Any, **overrides: Any) -> Disclosure:
    decision = share_decision(health, child)
    arguments: dict[str, Any] = {
        "agency": health.agency,
        "by": by(health),
        "decision": decision,
        "to_agency": mash.agency,
        "purpose": "Refer a concern to children's social care",
        "lawful_basis": "Children Act 1989 s47",
        "items": all_items(decision),
        "notice": SubjectNotice(told="told", told_on=timezone.localdate()),
    }
    arguments.update(overrides)
    return disclosure_send(**arguments)


def test_proactive_disclosure_is_delivered_and_acknowledged(persona: Any) -> None:
    health, mash = persona("health_visitor"), persona("social_worker")
    child = child_make()
    disclosure = _proactive(health, mash, child)
    assert disclosure.answers_id is None and disclosure.items.count() == 2
    assert Notification.objects.filter(recipient=mash.user, kind="exchange.disclosure").exists()
    receipt = disclosure_acknowledge(disclosure=disclosure, by=by(mash))
    assert receipt.acknowledged_by_id == mash.user.pk and receipt.acknowledged_at is not None
    receipt = disclosure_action_record(
        disclosure=disclosure, by=by(mash), action_taken="Strategy discussion held"
    )
    assert receipt.action_taken == "Strategy discussion held" and receipt.action_recorded_at is not None
    with pytest.raises(ExchangeError, match="Only members of"):
        disclosure_acknowledge(disclosure=disclosure, by=by(persona("school_dsl")))


def test_disclosure_is_immutable(persona: Any) -> None:
    disclosure = _proactive(persona("health_visitor"), persona("social_worker"), child_make())
    disclosure.purpose = "Something else"
    with pytest.raises(ImmutableRecordError):
        disclosure.save()
    with pytest.raises(ImmutableRecordError):
        Disclosure.objects.filter(pk=disclosure.pk).update(purpose="x")
    # The database refuses it too, past the model (a trigger on PostgreSQL and on SQLite).
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE exchange_disclosure SET purpose = 'changed' WHERE id = %s", [disclosure.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE exchange_disclosureitem SET source = 'changed' WHERE disclosure_id = %s", [disclosure.pk]
        )


def test_disclosure_correction_supersedes_and_tells_the_recipient(persona: Any) -> None:
    health, mash = persona("health_visitor"), persona("social_worker")
    child = child_make()
    first = _proactive(health, mash, child)
    decision = first.decision
    corrected = disclosure_send(
        agency=health.agency,
        by=by(health),
        decision=decision,
        to_agency=mash.agency,
        purpose=first.purpose,
        lawful_basis=first.lawful_basis,
        items=all_items(decision, withhold=2),
        notice=NOT_TOLD,
        supersedes=first,
        correction_reason="The second item was about a different child",
    )
    assert corrected.supersedes_id == first.pk
    assert Notification.objects.filter(
        recipient=mash.user, message__contains=f"corrected disclosure {first.pk}"
    )
    with pytest.raises(ExchangeError, match="already been corrected"):
        disclosure_send(
            agency=health.agency,
            by=by(health),
            decision=decision,
            to_agency=mash.agency,
            purpose="x",
            lawful_basis="x",
            items=all_items(decision),
            notice=NOT_TOLD,
            supersedes=first,
            correction_reason="again",
        )


def test_proactive_disclosure_item_from_another_decision_changes_nothing(persona: Any) -> None:
    health, mash = persona("health_visitor"), persona("social_worker")
    child = child_make()
    other = share_decision(health, child)
    before = _counts()
    with pytest.raises(ExchangeError, match="only what the decider included"):
        _proactive(health, mash, child, items=all_items(other))
    assert _counts()[2:4] == before[2:4]


def test_disclosure_subject_told_needs_when_or_why_not(persona: Any) -> None:
    with pytest.raises(ExchangeError) as raised:
        _proactive(
            persona("health_visitor"),
            persona("social_worker"),
            child_make(),
            notice=SubjectNotice(told="not_told"),
        )
    assert "subject_not_told_reason" in raised.value.problems


def test_card_shows_information_received_with_its_origin(persona: Any) -> None:
    health, mash = persona("health_visitor"), persona("social_worker")
    child = child_make()
    _proactive(health, mash, child)
    client = client_signed_in(mash)
    client.post(reverse("people:purpose", args=[child.pk]), {"purpose": "mash_screening"})
    page = client.get(reverse("people:card", args=[child.pk])).content.decode()
    assert "Information received" in page
    assert "From Test test-health" in page and "Bruises seen on both upper arms" in page
    assert AuditEvent.objects.filter(action="exchange.disclosure_listed", object_id=str(child.pk)).exists()
    # The school's card of the same child lists nothing it was not given.
    school = client_signed_in(persona("school_dsl"))
    school.post(reverse("people:purpose", args=[child.pk]), {"purpose": "mash_screening"})
    assert "Bruises seen" not in school.get(reverse("people:card", args=[child.pk])).content.decode()


def test_disclosure_to_an_agency_with_no_one_to_receive_is_refused(persona: Any) -> None:
    empty = Agency.objects.create(code="empty-gp", name="Empty Practice", kind=AgencyKind.GP_PRACTICE)
    with pytest.raises(ExchangeError, match="Empty Practice has no team able to receive"):
        _proactive(persona("health_visitor"), persona("social_worker"), child_make(), to_agency=empty)


def test_receivers_are_the_team_when_a_team_is_named(persona: Any) -> None:
    from goldenthread.agencies.models import Team
    from goldenthread.exchange.ladder import receivers_of

    health = persona("health_visitor")
    team = Team.objects.create(agency=health.agency, code="hv", name="Health Visiting")
    other = persona_make("manager")  # a member of another agency: never a receiver here
    Membership.objects.filter(user=health.user).update(team=team)
    assert receivers_of(health.agency, team) == [health.user]
    assert other.user not in receivers_of(health.agency)
    assert Role.PRACTITIONER in [m.role for m in Membership.objects.filter(user=health.user)]


# ---------------------------------------------------- pages: bad input is a clear message, nothing changes


def _new_request_url(child: Any) -> str:
    return reverse("exchange:request-new") + f"?child=person-{child.pk}&type=general_safeguarding"


def _request_form(**overrides: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "purpose": "MASH screening",
        "needed": "Attendance and concerns",
        "lawful_basis": "Children Act 1989 s47",
        "priority": "red",
    }
    data.update(overrides)
    return data


def test_request_page_past_deadline_shows_the_problem_and_saves_nothing(persona: Any, signed_in: Any) -> None:
    school = persona("school_dsl")
    child = child_make()
    client = signed_in("social_worker")
    response = client.post(
        _new_request_url(child),
        _request_form(addressees=f"a{school.agency.pk}", deadline="2020-01-01T09:00"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and "The deadline must be in the future" in page
    assert InformationRequest.objects.count() == 0


def test_request_page_unknown_agency_shows_the_problem(persona: Any, signed_in: Any) -> None:
    child = child_make()
    response = signed_in("social_worker").post(_new_request_url(child), _request_form(addressees="a999999"))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert InformationRequest.objects.count() == 0


def test_request_page_sends_and_shows_the_request(persona: Any, signed_in: Any) -> None:
    school = persona("school_dsl")
    child = child_make()
    client = signed_in("social_worker")
    response = client.post(_new_request_url(child), _request_form(addressees=f"a{school.agency.pk}"))
    sent = InformationRequest.objects.get()
    assert response.status_code == 302 and response.url == reverse("exchange:request", args=[sent.pk])
    page = client.get(response.url).content.decode()
    assert "Maisie Ward" in page and "Test test-school" in page
    assert AuditEvent.objects.filter(
        action="exchange.information_request_viewed", object_id=str(sent.pk)
    ).exists()


def test_answer_page_after_withdrawal_says_so(persona: Any, signed_in: Any) -> None:
    mash, health = persona("social_worker"), persona("health_visitor")
    child = child_make()
    sent = request_make(mash, child, health)
    decision = share_decision(health, child)
    request_withdraw(request=sent, by=by(mash), reason="No longer needed")
    url = (
        reverse("exchange:recipient-answer", args=[recipient_of(sent, health).pk])
        + f"?decision={decision.pk}"
    )
    items = {f"source_{i.pk}": "Records" for i in decision.items.all()}
    response = signed_in("health_visitor").post(
        url,
        {
            "outcome": "share_all",
            "lawful_basis": "s47",
            "subject_told": "not_told",
            "subject_not_told_reason": "Risk",
        }
        | items,
    )
    assert response.status_code == 200
    assert "it can no longer be answered" in response.content.decode()
    assert Disclosure.objects.count() == 0


def test_card_of_shielded_child_offers_no_request(persona: Any, signed_in: Any) -> None:
    child = child_make(is_shielded=True, brokered_contact="Safe Harbour duty line 01234 000111")
    client = signed_in("social_worker")
    client.post(reverse("people:purpose", args=[child.pk]), {"purpose": "mash_screening"})
    page = client.get(reverse("people:card", args=[child.pk])).content.decode()
    assert "Information received" in page and 'data-testid="card-ask-agency"' not in page
    school = persona("school_dsl")
    response = client.post(_new_request_url(child), _request_form(addressees=f"a{school.agency.pk}"))
    assert "This person is shielded" in response.content.decode()
    assert InformationRequest.objects.count() == 0


def test_person_trail_lists_requests_and_disclosures_about_them(persona: Any, signed_in: Any) -> None:
    from tests.integration.people_support import AMELIA, import_rows, record, row

    import_rows("test-csc", [AMELIA | {"local_id": "CSC-1"}])
    import_rows("test-health", [row(local_id="H-1")])
    child = record("test-csc", "CSC-1").person
    mash, health = persona("social_worker"), persona("health_visitor")
    sent = request_make(mash, child, health)
    decision = share_decision(health, child)
    request_answer(
        recipient=recipient_of(sent, health),
        by=by(health),
        decision=decision,
        outcome="share_all",
        items=all_items(decision),
        lawful_basis="s47",
        notice=NOT_TOLD,
    )
    response = signed_in("ig_officer").get(reverse("people:access", args=[child.pk]))
    actions = {(e.who, e.action) for e in response.context["entries"]}
    assert ("Social Worker Tester", "Asked other agencies about them") in actions
    assert ("Health Visitor Tester", "Answered a request about them") in actions
    assert ("Health Visitor Tester", "Disclosed information about them") in actions


def test_disclosure_items_refuse_bulk_change(persona: Any) -> None:
    from goldenthread.exchange.models import DisclosureItem, WithheldItem

    disclosure = _proactive(persona("health_visitor"), persona("social_worker"), child_make())
    with pytest.raises(ImmutableRecordError):
        DisclosureItem.objects.filter(disclosure=disclosure).update(source="changed")
    with pytest.raises(ImmutableRecordError):
        WithheldItem.objects.all().delete()
