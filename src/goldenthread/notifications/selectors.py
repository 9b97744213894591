"""Reads of a user's own notifications (they hold no personal data, so reading them is not audited)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from goldenthread.notifications.models import Notification


def notifications_unread(*, user: Any, limit: int = 50) -> list[Notification]:
    return list(
        Notification.objects.filter(recipient=user, read_at__isnull=True).select_related("agency")[:limit]
    )


def notifications_unread_count(*, user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_all(*, user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).select_related("agency")
