"""Access alerts: unusual access put before the agency's IG officers, and their closing."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from goldenthread.agencies.models import Agency
from goldenthread.audit.actions import audit_record
from goldenthread.core.actor import Actor
from goldenthread.core.errors import ActionError
from goldenthread.people.models import AccessAlert, Person


class AlertError(ActionError):
    """An alert that cannot be closed as asked."""


@transaction.atomic
def access_alert_raise(
    *, kind: str, user: Any, agency: Agency, by: Actor, person: Person | None = None, details: dict[str, Any]
) -> AccessAlert:
    """Put an unusual access before the agency's IG officers (their home page lists it until closed)."""
    alert = AccessAlert.objects.create(
        kind=kind, user=user, agency=agency, person=person, raised_at=timezone.now(), details=details
    )
    audit_record(
        by=by,
        action="access_alert.raised",
        object_type="access_alert",
        object_id=alert.pk,
        details={"kind": kind, "user_id": user.pk, "agency": agency.code, **details},
    )
    return alert


@transaction.atomic
def access_alert_close(*, alert: AccessAlert, note: str, by: Actor) -> AccessAlert:
    """An IG officer has looked into it: closed with what they found."""
    by_user = by.signed_in_user()
    note = note.strip()
    if not note:
        raise AlertError("Say what you found, or what was done, before closing the alert", field="note")
    locked = AccessAlert.objects.select_for_update().get(pk=alert.pk)
    if locked.reviewed_at is not None:
        raise AlertError("This alert has already been closed")
    locked.reviewed_at, locked.reviewed_by, locked.review_note = timezone.now(), by_user, note[:2000]
    locked.save(update_fields=["reviewed_at", "reviewed_by", "review_note"])
    audit_record(
        by=by,
        action="access_alert.closed",
        object_type="access_alert",
        object_id=locked.pk,
        details={"kind": locked.kind, "user_id": locked.user_id},
    )
    return locked
