"""Break-glass: a user whose role allows it opens what they normally could not about one person.

Normally a practitioner sees only their own agency's decisions about a child (the card is open to all; the
deeper records only to the agencies that are party to them). In an emergency a MASH officer, manager or
designated safeguarding lead may open every agency's decisions about one person, for the rest of their
session only, after stating a reason and entering their second factor again. The governance officers of
every agency involved with the person, and of the user's own agency, are alerted at once; each alert stays
in their unusual-access list until one of them reviews it, and the access is in the person's trail.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from goldenthread.agencies.models import Agency
from goldenthread.agencies.permissions import Permission
from goldenthread.agencies.selectors import user_has_permission
from goldenthread.audit.actions import audit_record
from goldenthread.core.actor import Actor
from goldenthread.core.errors import ActionError
from goldenthread.people.actions.alerts import access_alert_notify
from goldenthread.people.models import AccessAlert, AlertKind, BreakGlass, Involvement, Person, SourceRecord

MIN_REASON = 10


class BreakGlassError(ActionError):
    """A break-glass refused: no permission, no real reason, or the second factor not given again."""


def _session_hash(session_key: str) -> str:
    return hashlib.sha256(session_key.encode()).hexdigest()


def agencies_involved(person: Person, merged: list[int]) -> list[Agency]:
    """Every agency holding a record of the person (or of anyone merged into them) or working with them."""
    ids = set(SourceRecord.objects.filter(person__in=merged).values_list("agency_id", flat=True))
    ids |= set(Involvement.objects.filter(person__in=merged).values_list("agency_id", flat=True))
    return list(Agency.objects.filter(pk__in=ids).order_by("name"))


@transaction.atomic
def break_glass_open(
    *, person: Person, reason: str, session_key: str, stepped_up: bool, merged: list[int], by: Actor
) -> BreakGlass:
    """Open every agency's decisions about ``person`` for this session, alerting governance at once.

    ``stepped_up``: the view has just checked the user's second factor again (they must prove it is them,
    not someone at an unlocked screen). ``merged``: the person and everyone merged into them.
    """
    user = by.signed_in_user()
    agency = by.agency
    if agency is None or not user_has_permission(user=user, permission=Permission.BREAK_GLASS, agency=agency):
        raise BreakGlassError("Your role does not allow break-glass access")
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        raise BreakGlassError(
            "Say why you need this now, in a sentence the IG officer can check", field="reason"
        )
    if not stepped_up:
        raise BreakGlassError("Enter the current code from your authenticator app", field="token")
    opened = BreakGlass.objects.create(
        user=user,
        agency=agency,
        person=person,
        reason=reason[:2000],
        opened_at=timezone.now(),
        session_hash=_session_hash(session_key),
    )
    audit_record(
        by=by,
        action="person.break_glass",
        object_type="person",
        object_id=person.pk,
        purpose=reason[:200],
        details={"break_glass": opened.pk},
    )
    alerted = {agency.pk: agency, **{a.pk: a for a in agencies_involved(person, merged)}}
    for to in alerted.values():
        alert = AccessAlert.objects.create(
            kind=AlertKind.BREAK_GLASS,
            user=user,
            agency=to,
            person=person,
            raised_at=opened.opened_at,
            details={"acting_agency": agency.code},
            break_glass=opened,
        )
        audit_record(
            by=by,
            action="access_alert.raised",
            object_type="access_alert",
            object_id=alert.pk,
            details={
                "kind": AlertKind.BREAK_GLASS,
                "user_id": user.pk,
                "agency": to.code,
                "person": person.pk,
            },
        )
        access_alert_notify(alert=alert, by=by)
    return opened


def break_glass_active(
    *, user: Any, agency: Agency | None, person: Person, session_key: str | None
) -> BreakGlass | None:
    """The break-glass this user opened on this person in this session, acting for this agency, if any."""
    if agency is None or not session_key or not getattr(user, "is_authenticated", False):
        return None
    return (
        BreakGlass.objects.filter(
            Q(user=user, agency=agency, person=person, session_hash=_session_hash(session_key))
        )
        .order_by("-opened_at")
        .first()
    )


def break_glass_person_for_user(*, user: Any, agency: Agency | None, person_id: int) -> Person:
    """The person a break-glass would open, for a user whose role allows it; 404 otherwise."""
    from django.http import Http404

    if not user_has_permission(user=user, permission=Permission.BREAK_GLASS, agency=agency):
        raise Http404
    person = Person.objects.filter(pk=person_id, merged_into__isnull=True).first()
    if person is None or person.is_shielded:
        raise Http404  # a shielded person's records are reached through their brokered contact only
    return person
