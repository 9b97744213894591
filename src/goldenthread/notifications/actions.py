"""Every write to notifications: raising them (inside the action whose event they report) and reading them."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from goldenthread.audit.actions import audit_record
from goldenthread.core.actor import Actor
from goldenthread.core.errors import ActionError
from goldenthread.notifications.channels import channels
from goldenthread.notifications.email import Email, kind_label, sender
from goldenthread.notifications.models import EmailChoice, Notification
from goldenthread.notifications.selectors import email_wanted

MAX_MESSAGE = 200


class NotificationError(ActionError):
    """A notification that cannot be raised or read as asked."""


@transaction.atomic
def notify(
    *,
    recipients: Iterable[Any],
    kind: str,
    message: str,
    url: str = "",
    agency: Any = None,
    key: str = "",
    by: Actor,
) -> list[Notification]:
    """Tell each recipient (a user) that ``kind`` happened; ``message`` must hold no personal data.

    Call it inside the action that makes the change, so the notification and the change commit together.
    With ``key``, a recipient already told of that event is not told again (idempotent retries).
    """
    if not kind or not message.strip():
        raise NotificationError("A notification needs a kind and a message")
    if len(message) > MAX_MESSAGE:
        raise NotificationError(f"A notification message must be at most {MAX_MESSAGE} characters")
    if url and (not url.startswith("/") or url.startswith("//")):
        raise NotificationError("A notification links only to a page of this service")
    made: list[Notification] = []
    seen: set[int] = set()
    for recipient in recipients:
        if recipient is None or recipient.pk in seen:
            continue
        seen.add(recipient.pk)
        if key and Notification.objects.filter(recipient=recipient, key=key).exists():
            continue
        try:
            with transaction.atomic():
                note = Notification.objects.create(
                    recipient=recipient, agency=agency, kind=kind, message=message, url=url, key=key
                )
        except IntegrityError:  # the same key raised at the same moment by another worker: told once
            continue
        audit_record(
            by=by,
            action="notification.sent",
            object_type="notification",
            object_id=note.pk,
            details={"kind": kind, "recipient": recipient.pk},
        )
        made.append(note)
    for note in made:
        for deliver in channels():
            transaction.on_commit(partial(deliver, note.pk))
    return made


@transaction.atomic
def notification_open(*, notification_id: int, by: Actor) -> Notification:
    """Mark the user's own notification read (opening it) and return it, to follow its link."""
    user = by.signed_in_user()
    note = Notification.objects.select_for_update().filter(pk=notification_id, recipient=user).first()
    if note is None:
        raise NotificationError("That notification does not exist or is not yours")
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
        audit_record(by=by, action="notification.read", object_type="notification", object_id=note.pk)
    return note


@transaction.atomic
def notifications_mark_all_read(*, by: Actor) -> int:
    """Mark every unread notification of the user read; returns how many."""
    user = by.signed_in_user()
    count = Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
    if count:
        audit_record(by=by, action="notification.read_all", details={"count": count})
    return count


@transaction.atomic
def notification_email_choose(*, by_email: bool, by: Actor) -> EmailChoice:
    """The signed-in person chooses to be emailed when something is waiting, or told in the service only."""
    user = by.signed_in_user()
    if by_email and not user.email:
        raise NotificationError(
            "Your account has no email address: ask your administrator to add one", field="by_email"
        )
    choice, _ = EmailChoice.objects.update_or_create(
        user=user, defaults={"by_email": by_email, "changed_at": timezone.now()}
    )
    audit_record(
        by=by,
        action="notification.email_chosen",
        object_type="user",
        object_id=user.pk,
        details={"by_email": by_email},
    )
    return choice


@transaction.atomic
def notification_email_send(*, notification_id: int, by: Actor) -> str:
    """Email the notification to its recipient once, if they want it; what happened, in a few words.

    The notification's row stays locked while sending, and ``emailed_at`` is set in the same transaction:
    a second run waits, then finds it sent. A failed send raises and changes nothing (the task is retried).
    Only a crash between the send and the commit can send twice (every mail system has that window).
    """
    note = (
        Notification.objects.select_for_update(of=("self",))
        .select_related("recipient")
        .filter(pk=notification_id)
        .first()
    )
    if note is None:
        return "no such notification"
    if note.emailed_at is not None:
        return "already emailed"
    if note.read_at is not None:
        return "already read"  # seen in the service before the worker came to it: nothing is waiting
    way = sender()
    if way is None:
        return "email is off"
    recipient = note.recipient
    if not email_wanted(user=recipient):
        return "in-app only"
    if not recipient.email or not recipient.is_active:
        return "no address"
    link = settings.BASE_URL + reverse("notifications:open", args=[note.pk])
    way.send(Email(to=recipient.email, kind=kind_label(note.kind), link=link, reference=f"gt-{note.pk}"))
    note.emailed_at = timezone.now()
    note.save(update_fields=["emailed_at"])
    audit_record(
        by=by,
        action="notification.emailed",
        object_type="notification",
        object_id=note.pk,
        details={"kind": note.kind, "recipient": recipient.pk, "via": settings.NOTIFICATION_EMAIL},
    )
    return "emailed"
