"""Every write in the sharing app: advice sought and given, decisions recorded, endorsements given.

Each action checks its own rules whoever calls it (a view, the API, a script) and writes its audit
event in the same transaction, so a decision that cannot be audited is not recorded at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from goldenthread.agencies.models import Agency, AgencyKind, Membership
from goldenthread.agencies.permissions import Permission
from goldenthread.agencies.selectors import user_has_permission
from goldenthread.audit.actions import audit_record
from goldenthread.consent.selectors import consent_problem
from goldenthread.core.actor import Actor
from goldenthread.core.errors import NON_FIELD, ActionError
from goldenthread.core.worktime import one_working_day_after
from goldenthread.notifications.actions import notify
from goldenthread.people.models import Person
from goldenthread.policy import FactsError, PackError, Recommendation, decide, load_pack, parse_facts
from goldenthread.sharing.models import (
    ENDORSING_ROLES,
    AdviceRequest,
    AdviserRole,
    Decision,
    DecisionItem,
    Endorsement,
)
from goldenthread.sharing.rules import DecisionDraft, decision_problems, shares_without_consent


class SharingError(ActionError):
    """The request breaks a sharing rule; ``problems`` maps a form field ("__all__" for none) to messages."""


def _outcome_title(recommendation: Recommendation) -> str:
    outcome = load_pack(recommendation.pack_name).outcomes.get(recommendation.outcome_id)
    return outcome.title[:200] if outcome else ""


def _refuse(message: str, field: str = NON_FIELD) -> SharingError:
    return SharingError(message, field=field)


@transaction.atomic
def advice_request_create(
    *,
    agency: Agency,
    by: Actor,
    adviser_role: str,
    question: str,
    anonymised: bool,
    person: Person | None = None,
    facts: Mapping[str, Any] | None = None,
    pack_name: str = "",
    pack_version: str = "",
    adviser_agency: Agency | None = None,
) -> AdviceRequest:
    """Ask ``adviser_role`` of ``adviser_agency``: the practitioner's own agency (the default) or a
    safeguarding partnership's named advisers."""
    requested_by = by.signed_in_user()
    if not user_has_permission(user=requested_by, permission=Permission.RECORD_DECISION, agency=agency):
        raise _refuse("Only practitioners who record decisions in this agency can seek advice here")
    asked = adviser_agency or agency
    problems: dict[str, list[str]] = {}
    if adviser_role not in AdviserRole.values:
        problems["adviser_role"] = ["Select who you want advice from"]
    elif asked.pk != agency.pk and (asked.kind != AgencyKind.PARTNERSHIP or not asked.is_active):
        problems["adviser_role"] = ["Ask an adviser of your own agency or of the safeguarding partnership"]
    if not question.strip():
        problems["question"] = ["Enter your question"]
    if anonymised and person is not None:
        problems["anonymised"] = ["An anonymised request cannot name a child"]
    if problems:
        raise SharingError(problems)
    advice = AdviceRequest.objects.create(
        agency=agency,
        requested_by=requested_by,
        requested_at=timezone.now(),
        adviser_role=adviser_role,
        adviser_agency=asked,
        anonymised=anonymised,
        person=person,
        question=question.strip(),
        facts=dict(facts) if facts is not None else None,
        pack_name=pack_name,
        pack_version=pack_version,
    )
    audit_record(
        by=by,
        action="advice.requested",
        object_type="advice_request",
        object_id=advice.pk,
        details={
            "adviser_role": adviser_role,
            "adviser_agency": asked.code,
            "anonymised": anonymised,
            "person": advice.person_id,
        },
    )
    return advice


def holds_role(*, user: Any, agency_id: int, role: str) -> bool:
    """Whether the user holds ``role`` in the agency through an active membership."""
    return Membership.objects.active().filter(user=user, agency_id=agency_id, role=role).exists()


@transaction.atomic
def advice_request_answer(*, advice: AdviceRequest, by: Actor, answer: str) -> AdviceRequest:
    answered_by = by.signed_in_user()
    if not holds_role(user=answered_by, agency_id=advice.asked_agency_id, role=advice.adviser_role):
        role = AdviserRole(advice.adviser_role).label
        raise _refuse(f"Only the {role} of the agency asked can answer this request")
    if answered_by.pk == advice.requested_by_id:
        raise _refuse("You cannot answer your own request for advice")
    if not answer.strip():
        raise _refuse("Enter your advice", "answer")
    locked = AdviceRequest.objects.select_for_update().get(pk=advice.pk)
    if locked.is_answered:
        raise _refuse("This request has already been answered")
    locked.answer = answer.strip()
    locked.answered_by = answered_by
    locked.answered_at = timezone.now()
    locked.save(update_fields=["answer", "answered_by", "answered_at"])
    audit_record(
        by=by,
        action="advice.answered",
        object_type="advice_request",
        object_id=locked.pk,
        details={"adviser_role": locked.adviser_role, "person": locked.person_id},
    )
    notify(
        recipients=[locked.requested_by],
        kind="advice.answered",
        message=f"Your advice request {locked.pk} has been answered",
        url=reverse("sharing:advice", kwargs={"advice_id": locked.pk}),
        agency=locked.agency,
        key=f"advice.answered:{locked.pk}",
        by=by,
    )
    return locked


@transaction.atomic
def decision_record(
    *,
    agency: Agency,
    by: Actor,
    facts: Mapping[str, Any],
    pack_name: str | None,
    draft: DecisionDraft,
    advice: AdviceRequest | None = None,
    person: Person | None = None,
    supersedes: Decision | None = None,
    consent_record_id: int | None = None,
) -> Decision:
    """Record a practitioner's decision, with the engine's recommendation worked out afresh here.

    With ``consent_record_id`` (the guide read the consent from that record) the record's row is locked
    and checked first: a consent withdrawn, even by a withdrawal committed a moment ago, cannot support
    the decision (consent_withdraw locks the same row, so the two serialise)."""
    decided_by = by.signed_in_user()
    if not user_has_permission(user=decided_by, permission=Permission.RECORD_DECISION, agency=agency):
        raise _refuse("You cannot record decisions for this agency")
    if consent_record_id is not None:
        problem = consent_problem(record_id=consent_record_id, lock=True)
        if problem:
            raise _refuse(problem)
    try:
        checked = parse_facts(facts)
        recommendation = decide(checked, load_pack(pack_name))
    except FactsError as exc:
        raise SharingError({"facts": exc.errors}) from exc
    except PackError as exc:
        raise _refuse(f"The rule pack cannot be used: {exc}", "facts") from exc
    normalised = checked.to_dict()
    problems = decision_problems(facts=normalised, recommended=recommendation.outcome, draft=draft)
    _links_check(problems, agency=agency, decided_by=decided_by, advice=advice, supersedes=supersedes)
    if problems:
        raise SharingError(problems)
    try:
        with transaction.atomic():
            record = _decision_save(
                agency=agency,
                decided_by=decided_by,
                facts=normalised,
                recommendation=recommendation,
                draft=draft,
                advice=advice,
                person=person,
                supersedes=supersedes,
                consent_record_id=consent_record_id,
            )
    except IntegrityError as exc:
        if supersedes is not None and Decision.objects.filter(supersedes=supersedes).exists():
            raise SharingError({NON_FIELD: [ALREADY_CORRECTED]}) from exc
        raise
    audit_record(
        by=by,
        action="decision.recorded",
        object_type="decision",
        object_id=record.pk,
        details={
            "decision": draft.decision,
            "recommended": recommendation.outcome,
            "departs": draft.decision != recommendation.outcome,
            "pack": f"{recommendation.pack_name}@{recommendation.pack_version}",
            "needs_endorsement": record.needs_endorsement,
            "emergency": record.emergency,
            "items": len(draft.items),
            "advice": advice.pk if advice is not None else None,
            "supersedes": supersedes.pk if supersedes is not None else None,
            "person": record.person_id,
            "consent_record": consent_record_id,
        },
    )
    return record


ALREADY_CORRECTED = "That decision has already been corrected"


def _links_check(
    problems: dict[str, list[str]],
    *,
    agency: Agency,
    decided_by: Any,
    advice: AdviceRequest | None,
    supersedes: Decision | None,
) -> None:
    """Adds to ``problems`` what is wrong with the advice attached and the decision corrected."""
    if advice is not None and (
        advice.agency_id != agency.pk or advice.requested_by_id != decided_by.pk or not advice.is_answered
    ):
        problems.setdefault("advice", []).append("Attach only answered advice that you asked for here")
    if supersedes is not None:
        if supersedes.agency_id != agency.pk:
            problems.setdefault(NON_FIELD, []).append("You can only correct a decision of your own agency")
        # Locked first, so of two corrections made at the same moment the second waits for the first
        # and is then told, instead of failing on the database's one-correction rule.
        elif Decision.objects.select_for_update().filter(pk=supersedes.pk).exists() and (
            Decision.objects.filter(supersedes=supersedes).exists()
        ):
            problems.setdefault(NON_FIELD, []).append(ALREADY_CORRECTED)


def _decision_save(
    *,
    agency: Agency,
    decided_by: Any,
    facts: dict[str, Any],
    recommendation: Recommendation,
    draft: DecisionDraft,
    advice: AdviceRequest | None,
    person: Person | None,
    supersedes: Decision | None,
    consent_record_id: int | None = None,
) -> Decision:
    """The decision and its items, saved once the draft has no problem.

    When the guide says refer without delay, sharing without consent does not wait for the endorsement:
    it is an emergency share, endorsed afterwards, so the record never tells anyone to hold back.
    """
    now = timezone.now()
    without_consent = shares_without_consent(draft.decision, draft.consent_position)
    emergency = draft.emergency or (recommendation.refer_without_delay and without_consent)
    record = Decision(
        agency=agency,
        decided_by=decided_by,
        decided_at=now,
        person=person,
        supersedes=supersedes,
        facts=facts,
        pack_name=recommendation.pack_name,
        pack_version=recommendation.pack_version,
        recommendation=recommendation.to_dict(),
        recommended_outcome=recommendation.outcome,
        recommendation_title=_outcome_title(recommendation),
        decision=draft.decision,
        departure_reason=draft.departure_reason.strip() if draft.decision != recommendation.outcome else "",
        purpose=draft.purpose.strip(),
        recipients=draft.recipients.strip(),
        consent_position=draft.consent_position,
        consent_reasons=draft.consent_reasons.strip(),
        risks=draft.risks.strip(),
        consulted=draft.consulted.strip(),
        advice=advice,
        consent_record_id=consent_record_id,
        needs_endorsement=without_consent,
        emergency=emergency,
        endorsement_due_at=one_working_day_after(now) if emergency else None,
    )
    record.full_clean()
    record.save()
    DecisionItem.objects.bulk_create(
        DecisionItem(decision=record, position=n, description=item.description.strip(), kind=item.kind)
        for n, item in enumerate(draft.items, start=1)
    )
    return record


@transaction.atomic
def decision_viewed(*, decision: Decision, by: Actor, page: str = "detail") -> None:
    """Reading a decision is recorded like any change to it."""
    audit_record(
        by=by,
        action="decision.viewed",
        object_type="decision",
        object_id=decision.pk,
        details={"page": page, "person": decision.person_id},
    )


def _endorser_role(by: Actor, decision: Decision) -> str:
    """The role the endorser answers in: the one they act through, else the most senior they hold."""
    membership = by.membership
    acting_here = membership is not None and membership.agency_id == decision.agency_id
    if acting_here and membership is not None and membership.role in ENDORSING_ROLES:
        return str(membership.role)
    held = set(
        Membership.objects.active()
        .filter(user=by.user, agency_id=decision.agency_id)
        .values_list("role", flat=True)
    )
    return next((str(role) for role in ENDORSING_ROLES if role in held), "")


def _endorsement_answer(*, decision: Decision, by: Actor, comment: str, declined: bool) -> Endorsement:
    """The endorser's answer, endorsed or declined, audited, and the decider told."""
    endorsed_by = by.signed_in_user()
    if not user_has_permission(
        user=endorsed_by, permission=Permission.ENDORSE_DECISION, agency=decision.agency
    ):
        raise _refuse(
            "Only a manager, designated safeguarding lead or Caldicott Guardian of the deciding agency "
            "can endorse this decision"
        )
    if endorsed_by.pk == decision.decided_by_id:
        raise _refuse("You cannot endorse your own decision: another endorser must answer it")
    if not decision.needs_endorsement:
        raise _refuse("This decision does not need an endorsement")
    if declined and not comment.strip():
        raise _refuse("Give your reasons for declining to endorse the decision", "comment")
    # Lock the decision row so two endorsers answering at once get one answer and one clear refusal.
    Decision.objects.select_for_update().get(pk=decision.pk)
    if Endorsement.objects.filter(decision=decision).exists():
        raise _refuse("This decision has already been endorsed or declined")
    now = timezone.now()
    endorsement = Endorsement.objects.create(
        decision=decision,
        endorsed_by=endorsed_by,
        endorsed_at=now,
        comment=comment.strip(),
        declined=declined,
        role=_endorser_role(by, decision),
    )
    due = decision.endorsement_due_at
    audit_record(
        by=by,
        action="decision.endorsement_declined" if declined else "decision.endorsed",
        object_type="decision",
        object_id=decision.pk,
        details={
            "endorsement": endorsement.pk,
            "person": decision.person_id,
            "emergency": decision.emergency,
            "late": bool(due and now > due),
            "role": endorsement.role,
        },
    )
    if declined:
        message = f"Decision {decision.pk} was not endorsed: record a new decision"
    else:
        message = f"Decision {decision.pk} has been endorsed"
    notify(
        recipients=[decision.decided_by],
        kind="decision.declined" if declined else "decision.endorsed",
        message=message,
        url=reverse("sharing:decision", kwargs={"decision_id": decision.pk}),
        agency=decision.agency,
        key=f"decision.endorsement:{decision.pk}",
        by=by,
    )
    return endorsement


@transaction.atomic
def endorsement_record(*, decision: Decision, by: Actor, comment: str = "") -> Endorsement:
    """Endorse a decision to share without consent; the decider is told."""
    return _endorsement_answer(decision=decision, by=by, comment=comment, declined=False)


@transaction.atomic
def endorsement_decline(*, decision: Decision, by: Actor, reasons: str) -> Endorsement:
    """Decline to endorse, with reasons: the decider is told and must record a new decision."""
    return _endorsement_answer(decision=decision, by=by, comment=reasons, declined=True)


@transaction.atomic
def decisions_listed(*, by: Actor, rows: int) -> None:
    """Reading the list of decisions is recorded, with how many were shown."""
    audit_record(by=by, action="decision.listed", details={"rows": rows})


@transaction.atomic
def advice_requests_listed(*, by: Actor, rows: int) -> None:
    """Reading the lists of advice requests is recorded, with how many were shown."""
    audit_record(by=by, action="advice.listed", details={"rows": rows})


@transaction.atomic
def advice_request_viewed(*, advice: AdviceRequest, by: Actor) -> None:
    """Reading an advice request is recorded like any change to it."""
    audit_record(
        by=by,
        action="advice.viewed",
        object_type="advice_request",
        object_id=advice.pk,
        details={"person": advice.person_id},
    )


@transaction.atomic
def guide_answer_correct(
    *, person: Person, step_id: str, recorded: str, corrected: str, reason: str, by: Actor
) -> None:
    """The practitioner corrects an answer the guide read from a consent record or an assessment: the
    correction, with its reason, is audited (the record itself is never changed)."""
    if not reason.strip():
        raise _refuse("Enter why the recorded answer is not right for this decision", "reason")
    if corrected == recorded:
        raise _refuse("Select an answer different from the recorded one, or go back", "answer")
    audit_record(
        by=by,
        action="guide.recorded_answer_corrected",
        object_type="person",
        object_id=person.pk,
        details={
            "step": step_id,
            "recorded": recorded,
            "corrected": corrected,
            "reason": reason.strip()[:300],
        },
    )
