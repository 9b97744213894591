"""Reads of a user's own notifications (they hold no personal data, so reading them is not audited)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from goldenthread.notifications.models import EmailChoice, Notification


def notifications_unread(*, user: Any, limit: int = 50) -> list[Notification]:
    return list(
        Notification.objects.filter(recipient=user, read_at__isnull=True).select_related("agency")[:limit]
    )


def notifications_unread_count(*, user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_all(*, user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).select_related("agency")


def email_wanted(*, user: Any) -> bool:
    """Whether this person asked to be emailed when something is waiting (their own choice, or the
    partnership's default while they have not chosen)."""
    choice = EmailChoice.objects.filter(user=user).values_list("by_email", flat=True).first()
    return bool(settings.NOTIFICATION_EMAIL_DEFAULT if choice is None else choice)
