"""Recording decisions: the rules, immutability in the model and the database, endorsement, audit."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from goldenthread.audit.models import AuditEvent
from goldenthread.core.actor import Actor
from goldenthread.core.immutable import ImmutableRecordError
from goldenthread.core.worktime import one_working_day_after
from goldenthread.sharing import actions as sharing_actions
from goldenthread.sharing.actions import SharingError, decision_record, endorsement_record
from goldenthread.sharing.models import Decision, DecisionItem, Endorsement
from goldenthread.sharing.rules import ItemInput
from goldenthread.sharing.worklist import endorsement_items
from tests.support.sharing import REFUSED_FACTS, decision_make, share_without_consent

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def _endorse(decision: Decision, persona: Any) -> Endorsement:
    return endorsement_record(decision=decision, by=Actor.of(persona.user, persona.agency))


def test_decision_record_stores_engine_recommendation_items_and_audit(persona: Any) -> None:
    worker = persona("social_worker")
    decision = decision_make(worker)
    assert decision.recommended_outcome == "share"
    assert decision.recommendation["refer_without_delay"] is True
    assert decision.recommendation["pack"] == {"name": "england-2024", "version": decision.pack_version}
    assert decision.pack_name == "england-2024"
    assert decision.facts["consent"] == {"subject": "not_sought", "parent": "not_sought"}
    assert [(i.position, i.kind) for i in decision.items.all()] == [(1, "fact"), (2, "opinion")]
    # The guide says refer without delay: sharing without consent is an emergency share, endorsed after.
    assert decision.needs_endorsement and decision.emergency and decision.endorsement_due_at is not None
    event = AuditEvent.objects.get(action="decision.recorded", object_id=str(decision.pk))
    assert event.details["decision"] == "share" and event.details["departs"] is False
    assert event.actor_agency == "test-csc"


def test_decision_departure_without_reason_rejected_and_nothing_saved(persona: Any) -> None:
    worker = persona("social_worker")
    with pytest.raises(SharingError) as raised:
        decision_make(worker, decision="do_not_share", consent_reasons="No", departure_reason="  ")
    assert "departure_reason" in raised.value.problems
    assert Decision.objects.count() == 0
    assert DecisionItem.objects.count() == 0
    assert not AuditEvent.objects.filter(action="decision.recorded").exists()


def test_decision_departure_with_reason_recorded(persona: Any) -> None:
    worker = persona("social_worker")
    decision = decision_make(
        worker,
        decision="seek_advice",
        departure_reason="The DSL is in the building and can advise within minutes",
    )
    assert decision.departs_from_recommendation
    assert not decision.needs_endorsement


def test_decision_departure_without_reason_refused_by_database(persona: Any) -> None:
    worker = persona("social_worker")
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            agency=worker.agency,
            decided_by=worker.user,
            decided_at=timezone.now(),
            facts={},
            pack_name="england-2024",
            pack_version="1.0.0",
            recommendation={},
            recommended_outcome="share",
            decision="do_not_share",
            departure_reason="",
            purpose="x",
            consent_position="refused",
            consent_reasons="x",
            risks="x",
        )


def test_decision_share_without_consent_must_need_endorsement_in_database(persona: Any) -> None:
    worker = persona("social_worker")
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            agency=worker.agency,
            decided_by=worker.user,
            decided_at=timezone.now(),
            facts={},
            pack_name="england-2024",
            pack_version="1.0.0",
            recommendation={},
            recommended_outcome="share",
            decision="share",
            purpose="x",
            recipients="x",
            consent_position="not_sought",
            consent_reasons="x",
            risks="x",
            needs_endorsement=False,
        )


def test_decision_share_needs_recipients_and_items(persona: Any) -> None:
    worker = persona("social_worker")
    with pytest.raises(SharingError) as raised:
        decision_make(worker, recipients="", items=[])
    assert {"recipients", "items"} <= raised.value.problems.keys()
    assert Decision.objects.count() == 0


def test_decision_item_without_kind_rejected(persona: Any) -> None:
    worker = persona("social_worker")
    with pytest.raises(SharingError) as raised:
        decision_make(worker, items=[ItemInput("Bruising", "")])
    assert "items" in raised.value.problems


def test_decision_invalid_facts_rejected_with_named_fields(persona: Any) -> None:
    worker = persona("social_worker")
    facts = {**REFUSED_FACTS, "purpose": "curiosity", "shoe_size": 4}
    with pytest.raises(SharingError) as raised:
        decision_make(worker, facts=facts)
    messages = " ".join(raised.value.problems["facts"])
    assert "purpose" in messages and "shoe_size: unknown field" in messages
    assert Decision.objects.count() == 0


def test_decision_consent_not_needed_refused_when_consent_is_needed(persona: Any) -> None:
    worker = persona("social_worker")
    with pytest.raises(SharingError) as raised:
        decision_make(worker, consent_position="not_needed")
    assert "consent_position" in raised.value.problems


def test_decision_outsider_of_agency_cannot_record(persona: Any) -> None:
    analyst = persona("board_analyst")
    with pytest.raises(SharingError):
        decision_make(analyst)
    assert Decision.objects.count() == 0


def test_decision_model_refuses_update_and_delete(persona: Any) -> None:
    decision = decision_make(persona("social_worker"))
    decision.purpose = "rewritten"
    with pytest.raises(ImmutableRecordError):
        decision.save()
    with pytest.raises(ImmutableRecordError):
        decision.delete()
    item = decision.items.first()
    assert item is not None
    item.kind = "fact"
    with pytest.raises(ImmutableRecordError):
        item.save()
    assert Decision.objects.get(pk=decision.pk).purpose != "rewritten"


def test_decision_database_trigger_refuses_update(persona: Any) -> None:
    decision = decision_make(persona("social_worker"))
    with pytest.raises(DatabaseError), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(purpose="rewritten behind the model's back")
    with pytest.raises(DatabaseError), transaction.atomic():
        DecisionItem.objects.filter(decision=decision).update(kind="fact")
    assert Decision.objects.get(pk=decision.pk).purpose.startswith("Refer")


def test_decision_database_trigger_refuses_delete_on_postgresql(persona: Any) -> None:
    if connection.vendor != "postgresql":
        # SQLite keeps DELETE possible for the test flush (see the migration); the model refuses it there.
        assert connection.vendor == "sqlite"
        return
    decision = decision_make(persona("social_worker"))
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM sharing_decisionitem WHERE decision_id = %s", [decision.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM sharing_decision WHERE id = %s", [decision.pk])
    assert Decision.objects.filter(pk=decision.pk).exists()


def test_decision_correction_supersedes_and_keeps_original(persona: Any) -> None:
    worker = persona("social_worker")
    original = decision_make(worker)
    correction = decision_make(worker, purpose="Corrected purpose", supersedes=original)
    assert correction.supersedes_id == original.pk
    assert Decision.objects.get(pk=original.pk).purpose.startswith("Refer")
    with pytest.raises(SharingError):
        decision_make(worker, supersedes=original)
    event = AuditEvent.objects.get(action="decision.recorded", object_id=str(correction.pk))
    assert event.details["supersedes"] == original.pk


def test_decision_audit_failure_rolls_decision_back(persona: Any) -> None:
    worker = persona("social_worker")
    with (
        mock.patch.object(sharing_actions, "audit_record", side_effect=RuntimeError("audit down")),
        pytest.raises(RuntimeError),
    ):
        decision_make(worker)
    assert Decision.objects.count() == 0
    assert DecisionItem.objects.count() == 0


def test_endorsement_by_manager_recorded_and_audited(persona: Any) -> None:
    decision = decision_make(persona("social_worker"))
    endorsement = _endorse(decision, persona("manager"))
    assert endorsement.decision_id == decision.pk
    assert decision.is_endorsed
    assert AuditEvent.objects.filter(action="decision.endorsed", object_id=str(decision.pk)).exists()
    with pytest.raises(ImmutableRecordError):
        endorsement.save()
    with pytest.raises(SharingError):
        _endorse(decision, persona("manager"))


def test_endorsement_decider_cannot_endorse_own(persona: Any) -> None:
    manager = persona("manager")
    decision = decision_make(manager)
    with pytest.raises(SharingError, match="own decision"):
        _endorse(decision, manager)
    assert not Endorsement.objects.exists()


def test_endorsement_practitioner_cannot_endorse(persona: Any) -> None:
    decision = decision_make(persona("manager"))
    with pytest.raises(SharingError, match="manager"):
        _endorse(decision, persona("social_worker"))
    assert not Endorsement.objects.exists()


def test_endorsement_manager_of_other_agency_cannot_endorse(persona: Any) -> None:
    decision = decision_make(persona("social_worker"))
    with pytest.raises(SharingError):
        _endorse(decision, persona("school_dsl"))


def test_endorsement_not_needed_when_sharing_with_consent(persona: Any) -> None:
    facts = {
        "purpose": "early_help",
        "subject": {"age": 14},
        "information": {"identifies_individual": True, "confidential": True},
        "concern": "additional_needs",
        "consent": {"subject": "given", "parent": "refused"},
    }
    decision = decision_make(
        persona("social_worker"), facts=facts, consent_position="given", consent_reasons=""
    )
    assert not decision.needs_endorsement
    with pytest.raises(SharingError, match="does not need"):
        _endorse(decision, persona("manager"))


def test_emergency_only_for_sharing_without_consent(persona: Any) -> None:
    with pytest.raises(SharingError) as raised:
        decision_make(
            persona("social_worker"),
            facts=REFUSED_FACTS,
            decision="do_not_share",
            consent_position="refused",
            emergency=True,
        )
    assert "emergency" in raised.value.problems


def test_working_day_after_friday_is_monday() -> None:
    friday = datetime(2025, 3, 7, 15, 0, tzinfo=LONDON)
    assert one_working_day_after(friday) == datetime(2025, 3, 10, 15, 0, tzinfo=LONDON)
    saturday = datetime(2025, 3, 8, 10, 0, tzinfo=LONDON)
    assert one_working_day_after(saturday) == datetime(2025, 3, 10, 10, 0, tzinfo=LONDON)
    tuesday = datetime(2025, 3, 4, 9, 30, tzinfo=LONDON)
    assert one_working_day_after(tuesday) == datetime(2025, 3, 5, 9, 30, tzinfo=LONDON)


def test_working_day_skips_bank_holidays_of_england_and_wales() -> None:
    # The early May bank holiday, then Good Friday and Easter Monday, with no configuration at all.
    friday = datetime(2025, 5, 2, 12, 0, tzinfo=LONDON)
    assert one_working_day_after(friday) == datetime(2025, 5, 6, 12, 0, tzinfo=LONDON)
    thursday = datetime(2026, 4, 2, 9, 0, tzinfo=LONDON)
    assert one_working_day_after(thursday) == datetime(2026, 4, 7, 9, 0, tzinfo=LONDON)


def test_working_day_skips_extra_closure_days(settings: Any) -> None:
    wednesday = datetime(2026, 12, 23, 10, 0, tzinfo=LONDON)
    # Christmas Day is a Friday and Boxing Day's holiday moves to Monday 28th: Thursday 24th is next.
    assert one_working_day_after(wednesday) == datetime(2026, 12, 24, 10, 0, tzinfo=LONDON)
    settings.GOLDENTHREAD_EXTRA_CLOSURE_DAYS = (date(2026, 12, 24), date(2026, 12, 31))
    assert one_working_day_after(wednesday) == datetime(2026, 12, 29, 10, 0, tzinfo=LONDON)
    assert one_working_day_after(datetime(2026, 12, 30, 10, 0, tzinfo=LONDON)) == datetime(
        2027, 1, 4, 10, 0, tzinfo=LONDON
    )


def test_emergency_endorsement_overdue_after_one_working_day_across_weekend(persona: Any) -> None:
    worker, manager = persona("social_worker"), persona("manager")
    friday = datetime(2025, 3, 7, 15, 0, tzinfo=LONDON)
    with mock.patch("django.utils.timezone.now", return_value=friday):
        decision = decision_make(worker, emergency=True)
    assert decision.endorsement_due_at == datetime(2025, 3, 10, 15, 0, tzinfo=LONDON)

    def tasks_at(moment: datetime) -> list[Any]:
        with mock.patch("django.utils.timezone.now", return_value=moment):
            return endorsement_items(user=manager.user, agency=manager.agency)

    sunday = tasks_at(datetime(2025, 3, 9, 20, 0, tzinfo=LONDON))
    monday_before = tasks_at(datetime(2025, 3, 10, 14, 59, tzinfo=LONDON))
    monday_after = tasks_at(datetime(2025, 3, 10, 15, 1, tzinfo=LONDON))
    assert [t.overdue for t in sunday] == [False]
    assert [t.overdue for t in monday_before] == [False]
    assert [t.overdue for t in monday_after] == [True]
    assert f"/sharing/decisions/{decision.pk}/endorse/" == monday_after[0].href
    # The decider does not see it as their own task; once endorsed it leaves the manager's list.
    assert endorsement_items(user=worker.user, agency=worker.agency) == []
    _endorse(decision, manager)
    assert endorsement_items(user=manager.user, agency=manager.agency) == []


def test_home_page_shows_overdue_emergency_endorsement(persona: Any, signed_in: Any) -> None:
    worker = persona("social_worker")
    long_ago = datetime(2025, 3, 7, 15, 0, tzinfo=LONDON)
    with mock.patch("django.utils.timezone.now", return_value=long_ago):
        decision = decision_make(worker, emergency=True)
    page = signed_in("manager").get("/").content.decode()
    assert f"Endorse decision {decision.pk}" in page
    assert "Overdue" in page


def test_decision_record_on_other_agency_supersedes_refused(persona: Any) -> None:
    original = decision_make(persona("social_worker"))
    with pytest.raises(SharingError):
        decision_record(
            agency=persona("school_dsl").agency,
            by=Actor.of(persona("school_dsl").user, persona("school_dsl").agency),
            **share_without_consent(supersedes=original),
        )
