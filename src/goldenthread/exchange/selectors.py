"""Every read of requests and disclosures. Only the agencies party to one see it; others get 404.

A request is seen by its requesting agency (with every agency's answer) and by each agency asked (with
its own part only). A disclosure is seen by the agency that made it and the agency that received it.
Reads naming a child are audited here, in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from goldenthread.agencies.models import Agency
from goldenthread.agencies.permissions import Permission
from goldenthread.agencies.selectors import user_has_permission
from goldenthread.audit.actions import audit_record
from goldenthread.core.actor import Actor
from goldenthread.core.worktime import hours_text, working_hours_between
from goldenthread.exchange.models import (
    OPEN_STATUSES,
    DifferenceOfOpinion,
    Disclosure,
    InformationRequest,
    Priority,
    RequestRecipient,
    RequestType,
)
from goldenthread.people.models import Person
from goldenthread.people.selectors import person_ids_merged_into
from goldenthread.sharing.models import Decision


def _reader(user: Any, agency: Agency | None) -> bool:
    return agency is not None and user_has_permission(
        user=user, permission=Permission.VIEW_CHILD_DATA, agency=agency
    )


@dataclass(frozen=True)
class Clock:
    """How a deadline stands now, in working hours: red/amber/green, and the time left or overdue."""

    due: datetime
    left: timedelta
    colour: str
    label: str

    @property
    def overdue(self) -> bool:
        return self.left <= timedelta(0)


def clock_for(due: datetime, priority_hours: int, now: datetime | None = None) -> Clock:
    """Red when overdue or within a quarter of the priority's time; amber within half; green otherwise."""
    left = working_hours_between(now or timezone.now(), due)
    total = timedelta(hours=priority_hours)
    if left <= timedelta(0):
        return Clock(due, left, "red", f"Overdue by {hours_text(left)} (working time)")
    colour = "red" if left <= total / 4 else "yellow" if left <= total / 2 else "green"
    return Clock(due, left, colour, f"{hours_text(left)} left (working time)")


# ---------------------------------------------------------------- configuration (not personal data)


def priorities() -> list[Priority]:
    return list(Priority.objects.prefetch_related("ladder"))


def request_types() -> list[RequestType]:
    return list(RequestType.objects.select_related("default_priority"))


# ---------------------------------------------------------------- requests


def requests_received_for(*, user: Any, agency: Agency | None) -> QuerySet[RequestRecipient]:
    """The agency's part of every request sent to it, newest first."""
    if not _reader(user, agency):
        return RequestRecipient.objects.none()
    return RequestRecipient.objects.filter(agency=agency).select_related(
        "request__priority", "request__agency", "request__request_type", "request__person", "assigned_to"
    )


def requests_sent_for(*, user: Any, agency: Agency | None) -> QuerySet[InformationRequest]:
    if not _reader(user, agency):
        return InformationRequest.objects.none()
    return (
        InformationRequest.objects.filter(agency=agency)
        .select_related("priority", "request_type", "person", "requested_by")
        .prefetch_related("recipients__agency")
    )


@dataclass
class RequestView:
    request: InformationRequest
    # The parts of the request this agency sees: every agency's when it asked, its own when it was asked.
    recipients: list[RequestRecipient]
    is_requester: bool
    mine: RequestRecipient | None


def request_get_for_user(*, user: Any, agency: Agency | None, request_id: int) -> RequestView:
    if not _reader(user, agency):
        raise Http404
    request = (
        InformationRequest.objects.select_related(
            "priority", "request_type", "person", "requested_by", "agency", "withdrawn_by"
        )
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise Http404
    rows = RequestRecipient.objects.filter(request=request).select_related(
        "agency", "team", "assigned_to", "acknowledged_by", "answered_by", "decision"
    )
    if request.agency_id == agency.pk:  # type: ignore[union-attr]
        return RequestView(request, list(rows), True, None)
    mine = rows.filter(agency=agency).first()
    if mine is None:
        raise Http404
    return RequestView(request, [mine], False, mine)


def recipient_get_for_user(*, user: Any, agency: Agency | None, recipient_id: int) -> RequestRecipient:
    """The agency's own part of a request (to acknowledge, assign or answer it)."""
    if not _reader(user, agency):
        raise Http404
    row = (
        RequestRecipient.objects.select_related(
            "request__person", "request__agency", "request__priority", "agency"
        )
        .filter(pk=recipient_id, agency=agency)
        .first()
    )
    if row is None:
        raise Http404
    return row


def recipient_of_request_for_requester(
    *, user: Any, agency: Agency | None, recipient_id: int
) -> RequestRecipient:
    """An answer to the agency's own request (to dispute a decline)."""
    if not _reader(user, agency):
        raise Http404
    row = (
        RequestRecipient.objects.select_related("request__person", "request__agency", "agency", "answered_by")
        .filter(pk=recipient_id, request__agency=agency)
        .first()
    )
    if row is None:
        raise Http404
    return row


def differences_for(
    *, user: Any, agency: Agency | None, request: InformationRequest
) -> list[DifferenceOfOpinion]:
    if not _reader(user, agency):
        return []
    parties = Q(recipient__request__agency=agency) | Q(recipient__agency=agency)
    return list(
        DifferenceOfOpinion.objects.filter(parties, recipient__request=request).select_related(
            "raised_by", "resolved_by", "recipient__agency"
        )
    )


def difference_get_for_user(*, user: Any, agency: Agency | None, difference_id: int) -> DifferenceOfOpinion:
    if not _reader(user, agency):
        raise Http404
    parties = Q(recipient__request__agency=agency) | Q(recipient__agency=agency)
    found = (
        DifferenceOfOpinion.objects.filter(parties, pk=difference_id)
        .select_related("recipient__request", "recipient__agency")
        .first()
    )
    if found is None:
        raise Http404
    return found


def decisions_to_answer_with(*, user: Any, agency: Agency | None, person: Person) -> list[Decision]:
    """The agency's current decisions about the person (newest first), to answer a request with one."""
    if not _reader(user, agency):
        return []
    return list(
        Decision.objects.filter(agency=agency, person__in=person_ids_merged_into(person.pk))
        .exclude(superseded_by__isnull=False)
        .prefetch_related("items")
        .order_by("-decided_at", "-pk")[:20]
    )


def decision_for_agency(*, user: Any, agency: Agency | None, decision_id: int) -> Decision | None:
    if not _reader(user, agency):
        return None
    return Decision.objects.select_related("person").filter(pk=decision_id, agency=agency).first()


# ---------------------------------------------------------------- disclosures


def _disclosure_parties(agency: Agency | None) -> Q:
    return Q(from_agency=agency) | Q(to_agency=agency)


def disclosures_received_for(*, user: Any, agency: Agency | None) -> QuerySet[Disclosure]:
    if not _reader(user, agency):
        return Disclosure.objects.none()
    return Disclosure.objects.filter(to_agency=agency).select_related(
        "from_agency", "person", "receipt", "to_team"
    )


def disclosure_get_for_user(*, user: Any, agency: Agency | None, disclosure_id: int) -> Disclosure:
    if not _reader(user, agency):
        raise Http404
    found: Disclosure | None = (
        Disclosure.objects.filter(_disclosure_parties(agency), pk=disclosure_id)
        .select_related(
            "from_agency", "to_agency", "to_team", "to_user", "person", "disclosed_by", "decision", "answers"
        )
        .prefetch_related("items", "withheld")
        .first()
    )
    if found is None:
        raise Http404
    return found


@transaction.atomic
def disclosures_about_person_for_user(
    *, user: Any, agency: Agency | None, person: Person
) -> list[Disclosure]:
    """Information the user's agency received about the person (or anyone merged into them), newest
    first, for the card. Audited as a list."""
    if not _reader(user, agency):
        return []
    rows = list(
        disclosures_received_for(user=user, agency=agency)
        .filter(person__in=person_ids_merged_into(person.pk))
        .prefetch_related("items", "withheld")
        .order_by("-disclosed_at", "-pk")
    )
    audit_record(
        by=Actor.of(user, agency),
        action="exchange.disclosure_listed",
        object_type="person",
        object_id=person.pk,
        details={"rows": len(rows)},
    )
    return rows


def open_received_count(*, agency: Agency | None) -> int:
    return RequestRecipient.objects.filter(agency=agency, status__in=OPEN_STATUSES).count()
