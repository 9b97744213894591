"""A notification tells one user that something changed for them (advice answered, a decision endorsed).

It carries no personal data: the message says what kind of thing happened and links to the page where the
user, if still entitled, reads the details (that page's read is audited there). So a notification can go
by email or any other channel unchanged, and its list needs no audit of its own reads.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The agency the event belongs to: the recipient sees it whichever agency they act for, with its name.
    agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=40)
    message = models.CharField(max_length=200)
    url = models.CharField(max_length=300, blank=True)
    # Idempotence: the same event notified twice (a retried task, a double submit) makes one notification.
    key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # When it was emailed (goldenthread.notifications.email): set in the sending task's transaction, so a
    # task run twice emails once.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~models.Q(key=""), name="notification_once_per_key"
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return f"{self.kind} for user {self.recipient_id}"


class EmailChoice(models.Model):
    """A person's choice to be emailed when something is waiting, or told in the service only.

    No row: ``settings.NOTIFICATION_EMAIL_DEFAULT`` (in-app only unless the partnership configures otherwise).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, primary_key=True, related_name="+"
    )
    by_email = models.BooleanField()
    changed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"user {self.user_id}: {'email' if self.by_email else 'in-app only'}"
