"""Who has seen this record, and the access alerts waiting for an IG officer: what a user may not see is
a 404. Looking at who has seen a record is itself audited, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404

from goldenthread.accounts.models import User
from goldenthread.agencies.models import Agency
from goldenthread.agencies.permissions import Permission
from goldenthread.audit.actions import audit_record
from goldenthread.audit.models import AuditEvent
from goldenthread.core.actor import Actor
from goldenthread.people.models import (
    AccessAlert,
    Person,
)
from goldenthread.people.selectors.cards import _involved, _require, person_ids_merged_into


@dataclass(frozen=True)
class AccessEntry:
    """One audit event about a person, with the people and agencies named as a reader knows them."""

    seq: int
    occurred_at: Any
    who: str
    agency: str
    action: str
    purpose: str


ACCESS_ACTIONS = {
    "person.viewed": "Viewed the card",
    "person.merged": "Merged records",
    "person.unmerged": "Separated a record",
    "person.access_viewed": "Viewed who has seen this record",
    "person.access_exported": "Downloaded who has seen this record",
    "person.break_glass": "Break-glass: opened every agency's decisions",
    "person.named": "Named in the decision guide",
    "decision.listed": "Listed decisions about them",
    "advice.listed": "Listed advice requests about them",
    "decision.recorded": "Recorded a decision about sharing",
    "decision.viewed": "Read a decision about them",
    "decision.endorsed": "Endorsed a decision about them",
    "decision.endorsement_declined": "Declined to endorse a decision about them",
    "advice.requested": "Asked for advice about them",
    "advice.answered": "Answered advice about them",
    "advice.viewed": "Read advice about them",
    "access_alert.raised": "Unusual access alerted to governance",
    "access_alert.closed": "Unusual access reviewed and closed",
    "exchange.disclosure_listed": "Listed information received about them",
    "exchange.request_sent": "Asked other agencies about them",
    "exchange.information_request_viewed": "Read a request about them",
    "exchange.request_acknowledged": "Acknowledged a request about them",
    "exchange.request_assigned": "Assigned a request about them",
    "exchange.request_answered": "Answered a request about them",
    "exchange.request_withdrawn": "Withdrew a request about them",
    "exchange.escalated": "A request about them escalated",
    "exchange.disclosed": "Disclosed information about them",
    "exchange.disclosure_viewed": "Read a disclosure about them",
    "exchange.disclosure_acknowledged": "Acknowledged a disclosure about them",
    "exchange.disclosure_action_recorded": "Recorded what was done with a disclosure about them",
    "exchange.difference_raised": "Disputed a decline about them",
    "exchange.difference_resolved": "Resolved a dispute about them",
}
# What a card view's event records as unusual (people/actions/alerts.py), added to its line in the trail.
_UNUSUAL = {"outside_need": "their agency not involved", "out_of_hours": "out of hours"}
# Events about a record that names the person in its details (a decision, an advice request): they are in
# the person's trail too. Filtered by action first (indexed), then by the detail.
_NAMING_ACTIONS = [
    "decision.recorded",
    "decision.viewed",
    "decision.endorsed",
    "decision.endorsement_declined",
    "advice.requested",
    "advice.answered",
    "advice.viewed",
    "access_alert.raised",
    "access_alert.closed",
    *(
        action
        for action in ACCESS_ACTIONS
        if action.startswith("exchange.") and action != "exchange.disclosure_listed"
    ),
]


def _entries(events: list[AuditEvent]) -> list[AccessEntry]:
    users = {
        str(u.pk): (u.get_full_name() or u.username)
        for u in User.objects.filter(pk__in={int(e.actor_id) for e in events if e.actor_id.isdigit()})
    }
    agencies = dict(
        Agency.objects.filter(code__in={e.actor_agency for e in events}).values_list("code", "name")
    )
    return [
        AccessEntry(
            e.seq,
            e.occurred_at,
            users.get(e.actor_id, e.actor_username or "The system"),
            agencies.get(e.actor_agency, e.actor_agency or "None"),
            _label(e),
            e.purpose,
        )
        for e in events
    ]


def _label(event: AuditEvent) -> str:
    label = ACCESS_ACTIONS.get(event.action, event.action)
    unusual = [text for key, text in _UNUSUAL.items() if (event.details or {}).get(key)]
    return f"{label} ({', '.join(unusual)})" if unusual else label


@transaction.atomic
def person_access_for_user(
    *, user: Any, agency: Agency | None, person_id: int, export: bool = False
) -> tuple[Person, QuerySet[AuditEvent], Callable[[list[AuditEvent]], list[AccessEntry]]]:
    """Every agency's views and changes of a person, newest first, for a governance officer of an agency
    involved with them (or of the partnership); 404 otherwise. The look itself is audited."""
    _require(user, agency, Permission.VIEW_AUDIT_LOG)
    person = Person.objects.filter(pk=person_id, merged_into__isnull=True).first()
    if person is None or not _involved(agency, person):
        raise Http404
    merged = person_ids_merged_into(person.pk)
    ids = [str(pk) for pk in merged]  # the audit log holds ids as text
    events = AuditEvent.objects.filter(
        Q(object_type="person", object_id__in=ids) | Q(action__in=_NAMING_ACTIONS, details__person__in=merged)
    ).order_by("-seq")
    audit_record(
        by=Actor.of(user, agency),
        action="person.access_exported" if export else "person.access_viewed",
        object_type="person",
        object_id=person.pk,
        purpose="Checking who has seen this record",
    )
    return person, events, _entries


def access_alerts_open_for(*, user: Any, agency: Agency | None) -> QuerySet[AccessAlert]:
    """Unusual access by the agency's people, waiting for one of its IG officers to review."""
    _require(user, agency, Permission.VIEW_AUDIT_LOG)
    return (
        AccessAlert.objects.filter(agency=agency, reviewed_at__isnull=True)
        .select_related("user", "person", "break_glass__agency")
        .order_by("-raised_at", "-pk")
    )


def access_alerts_open_count(*, agency: Agency | None) -> int:
    return AccessAlert.objects.filter(agency=agency, reviewed_at__isnull=True).count()


def access_alert_get_for_user(*, user: Any, agency: Agency | None, alert_id: int) -> AccessAlert:
    alert = access_alerts_open_for(user=user, agency=agency).filter(pk=alert_id).first()
    if alert is None:
        raise Http404
    return alert
