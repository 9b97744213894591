from __future__ import annotations

from django.db.models import CharField, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast

from goldenthread.agencies.models import Agency, Membership
from goldenthread.audit.models import AuditEvent


def audit_events_recent(
    *,
    agency: Agency,
    action_prefix: str = "",
    object_type: str | None = None,
    object_id: str = "",
    username: str = "",
    limit: int = 200,
) -> QuerySet[AuditEvent]:
    """The newest events an agency's governance officers answer for.

    That is what was done for the agency (whoever did it: an administrator based elsewhere granting a
    role in it names the agency in the event's details), what its members did while members before
    choosing an agency to act for (a refused sign-in), and what was done to their accounts meanwhile
    (failed sign-ins against them, a second factor reset by an administrator based elsewhere). What a
    person did for another agency, or before joining or after leaving, belongs to that agency's log;
    unknown and anonymous actors to none.
    """
    members_then = (
        Membership.objects.filter(agency=agency, started_at__lte=OuterRef("occurred_at"))
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=OuterRef("occurred_at")))
        .annotate(member_id=Cast("user_id", output_field=CharField()))
    )
    events = AuditEvent.objects.filter(
        Q(actor_agency=agency.code)
        | Q(details__agency=agency.code)
        | Q(Exists(members_then.filter(member_id=OuterRef("actor_id"))), actor_agency="")
        # Whatever was done to a member's account: failed sign-ins against it, a reset second factor.
        | Q(Exists(members_then.filter(member_id=OuterRef("object_id"))), object_type="user")
    ).order_by("-seq")
    if action_prefix:
        events = events.filter(action__startswith=action_prefix)
    if object_type is not None:
        events = events.filter(object_type=object_type, object_id=object_id)
    if username:
        events = events.filter(actor_username=username)
    return events[:limit]
