"""Access alerts: unusual access put before the agency's IG officers, and their closing."""

from __future__ import annotations

import statistics
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from goldenthread.agencies.models import Agency, AgencyKind, Membership
from goldenthread.agencies.permissions import Permission, Role
from goldenthread.agencies.selectors import users_with_permission
from goldenthread.audit.actions import audit_record
from goldenthread.audit.models import AuditEvent
from goldenthread.core.actor import Actor
from goldenthread.core.errors import ActionError
from goldenthread.notifications.actions import notify
from goldenthread.people.models import AccessAlert, AlertKind, Involvement, Person, SourceRecord
from goldenthread.people.working_hours import is_out_of_hours


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
        details={
            "kind": kind,
            "user_id": user.pk,
            "agency": agency.code,
            **({"person": person.pk} if person is not None else {}),
            **details,
        },
    )
    access_alert_notify(alert=alert, by=by)
    return alert


def access_alert_notify(*, alert: AccessAlert, by: Actor) -> None:
    """Tell the agency's governance officers (who review alerts) that one is waiting; no personal data."""
    notify(
        recipients=users_with_permission(permission=Permission.VIEW_AUDIT_LOG, agency=alert.agency),
        kind="access_alert.raised",
        message="An unusual access to a record is waiting for your review",
        url=reverse("people:alert-close", args=[alert.pk]),
        agency=alert.agency,
        key=f"access-alert-{alert.pk}",
        by=by,
    )


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
        details={
            "kind": locked.kind,
            "user_id": locked.user_id,
            **({"person": locked.person_id} if locked.person_id is not None else {}),
        },
    )
    return locked


def agency_involved(agency: Agency | None, person: Person) -> bool:
    """The agency holds a record of the person, or works with them (the partnership oversees everyone)."""
    if agency is None:
        return False
    if agency.kind == AgencyKind.PARTNERSHIP:
        return True
    return (
        SourceRecord.objects.filter(person=person, agency=agency).exists()
        or Involvement.objects.filter(person=person, agency=agency).exists()
    )


def card_view_unusual(*, user: Any, agency: Agency, person: Person, at: datetime) -> dict[str, bool]:
    """What is unusual about this user opening this card now, for the view's audit event: ``outside_need``
    (their agency neither holds a record of the person nor works with them; not counted for a MASH
    officer, whose work is screening children no agency yet knows) and ``out_of_hours`` (only for the
    agency kinds in ``GOLDENTHREAD_OUT_OF_HOURS_AGENCY_KINDS``)."""
    unusual: dict[str, bool] = {}
    if not agency_involved(agency, person):
        mash = Membership.objects.active().filter(user=user, agency=agency, role=Role.MASH_OFFICER).exists()
        if not mash:
            unusual["outside_need"] = True
    if agency.kind in settings.OUT_OF_HOURS_AGENCY_KINDS and is_out_of_hours(at):
        unusual["out_of_hours"] = True
    return unusual


@transaction.atomic
def card_view_alerts_raise(
    *, user: Any, agency: Agency, person: Person, unusual: dict[str, bool], at: datetime, by: Actor
) -> list[AccessAlert]:
    """Alerts for a card view already audited with ``unusual`` (``card_view_unusual``), in its transaction.

    Outside need: once the user has opened ``OUTSIDE_NEED_OPENS`` different people so within the last
    ``OUTSIDE_NEED_WINDOW_HOURS`` (counted from the audit log), one alert for the window. Out of hours: one
    alert per person and user in 12 hours (a card opened again that night is the same access).
    """
    raised: list[AccessAlert] = []
    if unusual.get("outside_need"):
        since = at - timedelta(hours=settings.OUTSIDE_NEED_WINDOW_HOURS)
        opened = (
            AuditEvent.objects.filter(
                action="person.viewed",
                actor_id=str(user.pk),
                occurred_at__gte=since,
                details__outside_need=True,
            )
            .order_by()  # DISTINCT over the people alone, not the default ordering's seq too
            .values("object_id")
            .distinct()
            .count()
        )
        already = AccessAlert.objects.filter(
            kind=AlertKind.OUTSIDE_NEED, user=user, agency=agency, raised_at__gte=since
        ).exists()
        if opened >= settings.OUTSIDE_NEED_OPENS and not already:
            raised.append(
                access_alert_raise(
                    kind=AlertKind.OUTSIDE_NEED,
                    user=user,
                    agency=agency,
                    by=by,
                    details={"opens": opened, "window_hours": settings.OUTSIDE_NEED_WINDOW_HOURS},
                )
            )
    if unusual.get("out_of_hours"):
        already = AccessAlert.objects.filter(
            kind=AlertKind.OUT_OF_HOURS, user=user, person=person, raised_at__gte=at - timedelta(hours=12)
        ).exists()
        if not already:
            local = timezone.localtime(at)
            raised.append(
                access_alert_raise(
                    kind=AlertKind.OUT_OF_HOURS,
                    user=user,
                    agency=agency,
                    person=person,
                    by=by,
                    details={"opened_at": local.strftime("%a %d %b %Y %H:%M")},
                )
            )
    return raised


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(day, time()), zone)
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time()), zone)


@transaction.atomic
def access_volume_check(*, day: date, by: Actor) -> list[AccessAlert]:
    """Alert each user who opened far more cards on ``day`` than their peers (same agency, same role).

    Far more: more than ``VOLUME_FACTOR`` times the median of the peers who opened any card that day, and
    more than ``VOLUME_FLOOR``; at least two such peers are needed to compare (the hourly ceiling still
    holds for everyone). People opened are counted once each, from the audit log. Safe to run twice: a
    user already alerted for the day is not alerted again.
    """
    start, end = _day_bounds(day)
    rows = (
        AuditEvent.objects.filter(action="person.viewed", occurred_at__gte=start, occurred_at__lt=end)
        .exclude(actor_id="")
        .values("actor_id", "actor_agency")
        .annotate(people=Count("object_id", distinct=True))
    )
    opened = {(int(r["actor_id"]), r["actor_agency"]): r["people"] for r in rows if r["actor_id"].isdigit()}
    agencies = {a.code: a for a in Agency.objects.filter(code__in={code for _, code in opened})}
    roles: dict[tuple[int, str], str] = {}
    for member_id, member_agency, member_role in Membership.objects.filter(
        agency__code__in=agencies, user_id__in={u for u, _ in opened}
    ).values_list("user_id", "agency__code", "role"):
        roles.setdefault((member_id, member_agency), member_role)
    raised: list[AccessAlert] = []
    for (user_id, agency_code), count in sorted(opened.items()):
        role = roles.get((user_id, agency_code))
        if role is None or count <= settings.VOLUME_FLOOR:
            continue
        peers = [
            n
            for (other, code), n in opened.items()
            if code == agency_code and other != user_id and roles.get((other, code)) == role
        ]
        if len(peers) < 2:
            continue
        median = statistics.median(peers)
        if count <= settings.VOLUME_FACTOR * median:
            continue
        agency = agencies[agency_code]
        if AccessAlert.objects.filter(
            kind=AlertKind.VOLUME, user_id=user_id, agency=agency, details__day=day.isoformat()
        ).exists():
            continue
        user = Membership.objects.filter(user_id=user_id, agency=agency).select_related("user").first()
        assert user is not None  # roles came from these memberships
        raised.append(
            access_alert_raise(
                kind=AlertKind.VOLUME,
                user=user.user,
                agency=agency,
                by=by,
                details={
                    "day": day.isoformat(),
                    "cards": count,
                    "peer_median": f"{median:g}",  # the audit log takes no floats
                    "peers": len(peers),
                    "role": role,
                },
            )
        )
    return raised
