from __future__ import annotations

from django.db.models import QuerySet

from goldenthread.audit.models import AuditEvent


def audit_events_recent(*, action_prefix: str = "", limit: int = 200) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.order_by("-seq")
    if action_prefix:
        events = events.filter(action__startswith=action_prefix)
    return events[:limit]
