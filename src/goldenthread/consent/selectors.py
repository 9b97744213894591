"""Every read about consent: the position on a card, a record's page, what the guide is told, whether a
consent can still be relied on at the moment of sharing (consent_is_current), and reviews due."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from goldenthread.agencies.models import Agency, AgencyKind, Membership
from goldenthread.agencies.permissions import Permission, Role
from goldenthread.agencies.selectors import user_has_permission
from goldenthread.audit.actions import audit_record
from goldenthread.consent.models import CompetenceAssessment, ConsentRecord, ConsentWithdrawal
from goldenthread.consent.vocab import PURPOSE_LABELS, AssessmentKind, ConsentAnswer, GiverKind
from goldenthread.core.actor import Actor
from goldenthread.people.models import Person
from goldenthread.people.selectors import person_ids_merged_into


def _require(user: Any, agency: Agency | None, permission: Permission = Permission.VIEW_CHILD_DATA) -> None:
    if not user_has_permission(user=user, permission=permission, agency=agency):
        raise Http404


def _shielded_from(person: Person, agency_id: int | None) -> Q:
    """A shielded person's records are shown only to the agency that made them (their recipients and
    assessors could say where the person is), as their card lists only the viewer's own records."""
    return Q(agency_id=agency_id) if person.is_shielded else Q()


def _current_records(person: Person, agency_id: int | None) -> QuerySet[ConsentRecord]:
    """Records about the person (and those merged into them) that no newer record has changed."""
    return (
        ConsentRecord.objects.filter(person__in=person_ids_merged_into(person.pk), superseded_by__isnull=True)
        .filter(_shielded_from(person, agency_id))
        .select_related("withdrawal", "recorded_by")
        .order_by("-given_on", "-recorded_at", "-pk")
    )


def _withdrawal(record: ConsentRecord) -> ConsentWithdrawal | None:
    try:
        return record.withdrawal
    except ConsentWithdrawal.DoesNotExist:
        return None


def status_of(record: ConsentRecord) -> str:
    """ "given", "refused" or "withdrawn" (the facts contract's consent statuses)."""
    if _withdrawal(record) is not None:
        return "withdrawn"
    return str(record.answer)


@dataclass(frozen=True)
class PositionRow:
    purpose: str
    recipients: str
    status: str
    giver: str
    record: ConsentRecord


def _recipients(record: ConsentRecord) -> str:
    names = dict(Agency.objects.filter(code__in=record.recipient_agencies).values_list("code", "name"))
    kinds = dict(AgencyKind.choices)
    parts = [names.get(code, code) for code in record.recipient_agencies]
    parts += [f"any {str(kinds.get(kind, kind)).lower()}" for kind in record.recipient_kinds]
    return ", ".join(parts)


def consent_position(*, user: Any, agency: Agency | None, person: Person) -> list[PositionRow]:
    """The current position per purpose and recipient, for the card (whose own read is audited)."""
    _require(user, agency)
    rows = []
    for record in _current_records(person, agency.pk if agency else None):
        for purpose in record.purposes:
            rows.append(
                PositionRow(
                    purpose=PURPOSE_LABELS.get(purpose, purpose),
                    recipients=_recipients(record),
                    status=status_of(record),
                    giver=record.giver_label,
                    record=record,
                )
            )
    return rows


def assessments_about(*, user: Any, agency: Agency | None, person: Person) -> list[CompetenceAssessment]:
    _require(user, agency)
    return list(
        CompetenceAssessment.objects.filter(person__in=person_ids_merged_into(person.pk)).filter(
            _shielded_from(person, agency.pk if agency else None)
        )
    )


def current_assessment(
    person_id: int, agency_id: int | None, kinds: tuple[str, ...]
) -> CompetenceAssessment | None:
    """The newest assessment of these kinds of the person, if its reassess-by date has not passed."""
    today = timezone.localdate()
    person = Person.objects.get(pk=person_id)
    return (
        CompetenceAssessment.objects.filter(
            person__in=person_ids_merged_into(person_id), reassess_by__gte=today, kind__in=kinds
        )
        .filter(_shielded_from(person, agency_id))
        .order_by("-assessed_on", "-recorded_at", "-pk")
        .first()
    )


@transaction.atomic
def consent_record_for_user(*, user: Any, agency: Agency | None, record_id: int) -> ConsentRecord:
    """A consent record's page: anyone who sees child data; audited."""
    _require(user, agency)
    record: ConsentRecord | None = (
        ConsentRecord.objects.select_related("person", "agency", "recorded_by", "supersedes")
        .filter(pk=record_id)
        .first()
    )
    if record is None or (record.person.is_shielded and (agency is None or record.agency_id != agency.pk)):
        raise Http404
    audit_record(
        by=Actor.of(user, agency),
        action="consent.viewed",
        object_type="consent",
        object_id=record.pk,
        details={"person": record.person_id},
    )
    return record


@transaction.atomic
def assessment_for_user(*, user: Any, agency: Agency | None, assessment_id: int) -> CompetenceAssessment:
    _require(user, agency)
    assessment: CompetenceAssessment | None = (
        CompetenceAssessment.objects.select_related("person", "assessed_by").filter(pk=assessment_id).first()
    )
    if assessment is None or (
        assessment.person.is_shielded and (agency is None or assessment.agency_id != agency.pk)
    ):
        raise Http404
    audit_record(
        by=Actor.of(user, agency),
        action="competence.viewed",
        object_type="competence_assessment",
        object_id=assessment.pk,
        details={"person": assessment.person_id},
    )
    return assessment


def withdrawal_of(record: ConsentRecord) -> ConsentWithdrawal | None:
    return _withdrawal(record)


def superseded_by(record: ConsentRecord) -> ConsentRecord | None:
    return ConsentRecord.objects.filter(supersedes=record).first()


# ---------------------------------------------------------------- the guide and the moment of sharing


@dataclass(frozen=True)
class Recorded:
    """An answer the guide takes from a record instead of asking: the value, why, and the record."""

    value: str
    reason: str
    record_id: int | None = None


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def guide_competence(person_id: int, agency_id: int | None) -> Recorded | None:
    """Whose consent counts, for a child: the guide's competence answer from the current Gillick (or
    Fraser) assessment, if any."""
    kinds = (AssessmentKind.GILLICK.value, AssessmentKind.FRASER.value)
    return _from_assessment(person_id, agency_id, kinds, ("yes", "no"))


def guide_capacity(person_id: int, agency_id: int | None) -> Recorded | None:
    """An adult's capacity for the guide, from the current Mental Capacity Act assessment, if any."""
    return _from_assessment(person_id, agency_id, (AssessmentKind.MCA.value,), ("presumed", "lacks"))


def _from_assessment(
    person_id: int, agency_id: int | None, kinds: tuple[str, ...], answers: tuple[str, str]
) -> Recorded | None:
    assessment = current_assessment(person_id, agency_id, kinds)
    if assessment is None:
        return None
    return Recorded(
        answers[0] if assessment.competent else answers[1],
        f"From the {assessment.get_kind_display().split(' (')[0]} assessment of "
        f"{_day(assessment.assessed_on)}"
        f" (reassess by {_day(assessment.reassess_by)})",
        assessment.pk,
    )


def guide_consents(person_id: int, agency_id: int | None) -> dict[str, dict[str, Recorded]]:
    """For each purpose, the person's own answer ("consent-child") and a parent's ("consent-parent")
    from the newest current record covering it. A purpose no record covers is not here: the guide asks."""
    person = Person.objects.get(pk=person_id)
    found: dict[str, dict[str, Recorded]] = {}
    for record in _current_records(person, agency_id):
        step = "consent-child" if record.giver_kind == GiverKind.PERSON else "consent-parent"
        status = status_of(record)
        when = f"withdrawn {_day(record.withdrawal.withdrawn_on)}" if status == "withdrawn" else ""
        said = {"given": "given", "refused": "refused", "withdrawn": when}[status]
        reason = f"From consent record {record.pk} ({record.giver_label}, {said}; {_day(record.given_on)})"
        for purpose in record.purposes:
            found.setdefault(purpose, {}).setdefault(step, Recorded(status, reason, record.pk))
    return found


def consent_problem(*, record_id: int, lock: bool = False) -> str:
    """Why a consent record cannot support sharing now ("" when it can). With ``lock`` (inside the
    transaction that shares) its row is locked, as consent_withdraw locks it, so the two serialise."""
    query = ConsentRecord.objects.all()
    if lock:
        query = query.select_for_update()
    record = query.filter(pk=record_id).first()
    if record is None:
        return "The consent this relies on is not recorded"
    withdrawal = ConsentWithdrawal.objects.filter(record_id=record_id).first()
    if withdrawal is not None:
        return (
            f"Consent (record {record_id}) was withdrawn on {_day(withdrawal.withdrawn_on)}: "
            "it cannot support "
            "sharing. Run the guide again from the card to decide without it."
        )
    if ConsentRecord.objects.filter(supersedes_id=record_id).exists():
        return (
            f"Consent record {record_id} has been changed by a newer record: "
            "run the guide again from the card"
        )
    if record.answer != ConsentAnswer.GIVEN:
        return f"Consent record {record_id} records a refusal, not consent"
    return ""


def consent_is_current(*, record_id: int, lock: bool = False) -> bool:
    """The hook for the moment of sharing (a decision, a disclosure): whether the consent still stands."""
    return not consent_problem(record_id=record_id, lock=lock)


# ---------------------------------------------------------------- reviews on the home page


def reviews_due_for(
    *, user: Any, agency: Agency | None, within_days: int = 14
) -> list[tuple[ConsentRecord, bool]]:
    """Consents due for review: those this user recorded (due within ``within_days``), and, for a
    manager, those their agency's practitioners recorded whose review is overdue. (record, overdue)."""
    if agency is None or not user_has_permission(
        user=user, permission=Permission.RECORD_DECISION, agency=agency
    ):
        return []
    today = timezone.localdate()
    live = ConsentRecord.objects.filter(
        superseded_by__isnull=True, withdrawal__isnull=True, answer=ConsentAnswer.GIVEN
    )
    mine = live.filter(recorded_by=user, review_date__lte=today + dt.timedelta(days=within_days))
    found = {record.pk: record for record in mine}
    is_manager = Membership.objects.active().filter(user=user, agency=agency, role=Role.MANAGER).exists()
    if is_manager:
        for record in live.filter(agency=agency, review_date__lt=today).exclude(recorded_by=user):
            found[record.pk] = record
    return [
        (record, record.review_date < today) for record in sorted(found.values(), key=lambda r: r.review_date)
    ]
