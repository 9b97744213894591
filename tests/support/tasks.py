"""Tasks that exist only for the queue's tests (the worker imports them by path, as it would an app's)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from goldenthread.background.queue import PermanentError, enqueue_at

CALLS: list[str] = []


@task()
def flaky(*, fail_times: int) -> int:
    """Fails its first ``fail_times`` calls in this process, then succeeds."""
    CALLS.append("flaky")
    if len(CALLS) <= fail_times:
        raise ConnectionError("the other end went away")
    return len(CALLS)


@task()
def every_hour(*, name: str) -> None:
    """A periodic task: does its work, then queues its next run."""
    CALLS.append(name)
    enqueue_at(every_hour, timezone.now() + dt.timedelta(hours=1), name=name)


@task()
def refuses(*, why: str) -> None:
    CALLS.append("refuses")
    raise PermanentError(why)
