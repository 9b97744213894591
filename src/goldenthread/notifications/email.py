"""Notifications by email: the channel that queues the sending, and the two ways of sending.

A notification goes by email only to a person who chose it (``selectors.email_wanted``) and only when the
service is configured to send (``GOLDENTHREAD_EMAIL``: ``django``, ``notify`` or ``off``). The channel runs
after the notifying transaction commits and queues ``tasks.notification_email``; the worker sends, retrying
on failure (docs/adr/0004-task-queue.md). The email holds no personal data: "Something is waiting for you in
Golden Thread", the kind of event and a link to the notification, whose page checks who may read what.

- ``django``: Django's email backend (SMTP in production; files under var/mail in the embedded mode).
- ``notify``: GOV.UK Notify through its official client (``notifications-python-client``), with a template
  whose body uses ``((kind))`` and ``((link))``. A refusal another attempt cannot mend (a bad key, template
  or address: HTTP 400 or 403) fails the task at once; anything else (429, 5xx, no answer) is retried.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage

from goldenthread.background.queue import PermanentError, enqueue_once
from goldenthread.notifications.channels import notification_channel
from goldenthread.notifications.models import Notification

SUBJECT = "Something is waiting for you in Golden Thread"
# Seconds to wait for Notify's answer; a slow answer is a failed attempt, tried again later.
NOTIFY_TIMEOUT = 10


@dataclass(frozen=True)
class Email:
    """What is sent: an address, the kind of event and a link. Nothing about any child or family."""

    to: str
    kind: str
    link: str
    reference: str

    @property
    def body(self) -> str:
        return (
            f"{SUBJECT}.\n\nWhat happened: {self.kind}\n\nSign in to see it:\n{self.link}\n\n"
            "You get this email because you asked for it on your account page in Golden Thread. "
            "You can change that there at any time.\n"
        )


class Sender(Protocol):
    def send(self, email: Email) -> None: ...


class DjangoSender:
    def send(self, email: Email) -> None:
        EmailMessage(SUBJECT, email.body, settings.DEFAULT_FROM_EMAIL, [email.to]).send()


class NotifySender:
    def send(self, email: Email) -> None:
        # Imported here: the web process never loads the client (and requests) unless it sends.
        from notifications_python_client.errors import HTTPError
        from notifications_python_client.notifications import NotificationsAPIClient

        client = NotificationsAPIClient(  # type: ignore[no-untyped-call]
            settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL, timeout=NOTIFY_TIMEOUT
        )
        try:
            client.send_email_notification(  # type: ignore[no-untyped-call]
                email_address=email.to,
                template_id=settings.NOTIFY_TEMPLATE_ID,
                personalisation={"kind": email.kind, "link": email.link},
                reference=email.reference,
            )
        except HTTPError as exc:
            if exc.status_code in (400, 403):
                raise PermanentError(f"GOV.UK Notify refused the email: {exc}") from exc
            raise


def sender() -> Sender | None:
    """The configured way of sending, or None when email is off."""
    if settings.NOTIFICATION_EMAIL == "notify":
        return NotifySender()
    if settings.NOTIFICATION_EMAIL == "django":
        return DjangoSender()
    return None


def kind_label(kind: str) -> str:
    """``advice.answered`` reads "Advice answered"."""
    words = kind.replace(".", " ").replace("_", " ").split()
    return " ".join(words).capitalize() if words else "Something changed"


@notification_channel
def email_channel(notification_id: int) -> None:
    """Queue the email of a new notification (the task checks, when it runs, whether it is wanted)."""
    if settings.NOTIFICATION_EMAIL == "off":
        return
    from goldenthread.notifications.selectors import email_wanted
    from goldenthread.notifications.tasks import notification_email

    recipient = Notification.objects.filter(pk=notification_id).values_list("recipient", flat=True).first()
    if recipient is None or not email_wanted(user=recipient):
        return

    enqueue_once(notification_email, notification_id=notification_id)
