"""Putting work on the queue, and what a task can tell the worker."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from django.conf import settings
from django_tasks import TaskResultStatus
from django_tasks.base import Task
from django_tasks.utils import normalize_json
from django_tasks_db.models import DBTaskResult

# Set when the worker is asked to stop (Ctrl+C, SIGTERM): a long task saves its progress and raises
# Postpone, so the next worker takes it up where it was instead of the stop waiting for the task's end.
_stopping = threading.Event()


def worker_stopping() -> bool:
    return _stopping.is_set()


class Postpone(Exception):
    """Raised by a task that cannot go on now: run it again after ``seconds``; not a failed attempt."""

    def __init__(self, seconds: float, reason: str) -> None:
        super().__init__(reason)
        self.seconds = max(0.0, seconds)


class PermanentError(Exception):
    """Raised by a task whose failure another attempt cannot mend (bad input): it fails at once."""


def retry_delay(attempt: int) -> dt.timedelta:
    """The wait after failed attempt ``attempt`` (1, 2, ...): the base, then doubling, at most an hour."""
    seconds = settings.TASK_RETRY_SECONDS * 2 ** (attempt - 1)
    return dt.timedelta(seconds=min(seconds, 3600))


def pending(task: Task[Any, Any], **kwargs: Any) -> DBTaskResult[Any, Any] | None:
    """The waiting or running result of ``task`` with exactly these keyword arguments, if there is one."""
    return (
        DBTaskResult.objects.filter(
            task_path=task.module_path,
            args_kwargs=normalize_json({"args": [], "kwargs": kwargs}),
            status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
        )
        .order_by("enqueued_at")
        .first()
    )


def enqueue_at(task: Task[Any, Any], when: dt.datetime, **kwargs: Any) -> str:
    """Queue ``task(**kwargs)`` to run no earlier than ``when``, unless the same call is already waiting.

    For a delayed task, and for a periodic one, which calls this as its last step for its next run (a
    run in progress is not "waiting", so it does not stop its own successor).
    """
    waiting = pending(task, **kwargs)
    if waiting is not None and waiting.status == TaskResultStatus.READY:
        return str(waiting.id)
    return str(task.using(run_after=when).enqueue(**kwargs).id)


def enqueue_once(task: Task[Any, Any], **kwargs: Any) -> str:
    """Queue ``task(**kwargs)`` unless the same call is already waiting or running; its result's id.

    Call it inside the transaction that makes the work needed: the queue is in the same database, so
    the task is queued if and only if that transaction commits.
    """
    existing = pending(task, **kwargs)
    if existing is not None:
        return str(existing.id)
    return str(task.enqueue(**kwargs).id)
