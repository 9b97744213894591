from __future__ import annotations

from django.db.models import Q, QuerySet

from goldenthread.agencies.models import Agency, Membership
from goldenthread.audit.models import AuditEvent


def audit_events_recent(*, agency: Agency, action_prefix: str = "", limit: int = 200) -> QuerySet[AuditEvent]:
    """The newest events done by the agency's people, for its governance officers.

    An officer answers for what their agency's people did: events done for the agency, and events of its
    members (past or present) before they chose an agency, such as signing in. What a person did for
    another agency belongs to that agency's log, and events of unknown or anonymous actors to none.
    """
    members = Membership.objects.filter(agency=agency).values_list("user_id", flat=True)
    member_ids = [str(pk) for pk in members]
    events = AuditEvent.objects.filter(
        Q(actor_agency=agency.code) | Q(actor_agency="", actor_id__in=member_ids)
    ).order_by("-seq")
    if action_prefix:
        events = events.filter(action__startswith=action_prefix)
    return events[:limit]
