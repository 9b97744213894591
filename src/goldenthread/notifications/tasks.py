"""Notifications' background task: emailing one notification (queued by ``email.email_channel``).

Idempotent: the action records ``emailed_at`` in the transaction that sends, so a task run twice (a retry,
a worker restarted) emails once; a failure raises and the worker tries again with growing waits.
"""

from __future__ import annotations

from django_tasks import task

from goldenthread.core.actor import Actor
from goldenthread.notifications.actions import notification_email_send


@task()
def notification_email(*, notification_id: int) -> str:
    return notification_email_send(notification_id=notification_id, by=Actor(username="notifications"))
