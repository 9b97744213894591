"""``goldenthread worker``'s loop: django-tasks-db's worker with bounded retries and abandoned-task recovery.

django-tasks-db runs each task once: a failure is final, and a task whose worker was killed stays
"running" for ever. Here a failed attempt goes back on the queue after a growing wait
(``queue.retry_delay``) until ``TASK_ATTEMPTS`` attempts have failed, and a worker starting up puts back
the tasks that a dead worker on the same machine left running. Attempts are counted by the worker ids a
result records (django-tasks-db appends one at each claim); a postponement takes its id back off.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from pathlib import Path
from secrets import token_hex
from traceback import format_exception
from types import FrameType
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskContext, TaskResult, TaskResultStatus
from django_tasks.signals import task_finished, task_started
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from goldenthread.background.queue import PermanentError, Postpone, _stopping, retry_delay

logger = logging.getLogger("goldenthread.background")


class WorkerLostError(RuntimeError):
    """The worker running a task stopped (killed, or its machine restarted) before the task ended."""


def worker_id_make() -> str:
    """host:pid:random, at most 64 characters: enough to tell whether the worker is still alive."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{token_hex(4)}"


def worker_alive(worker_id: str) -> bool | None:
    """Whether the worker with this id still runs; None when it ran on another machine (cannot tell)."""
    host, _, rest = worker_id.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname()[:40] or not pid_text.isdigit():
        return None
    pid = int(pid_text)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A pid is reused after its process ends: the process holding it now must be a worker too. A command
    # line that cannot be read (no /proc, or a process just starting) counts as alive: never run twice.
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True
    return not cmdline or b"worker" in cmdline


def attempts(result: DBTaskResult[Any, Any]) -> int:
    return len(result.worker_ids)


def requeue(
    result: DBTaskResult[Any, Any], *, delay_seconds: float, counted: bool, error: BaseException | None
) -> None:
    """Back on the queue after ``delay_seconds``; the last error is kept for whoever looks at the queue."""
    result.status = TaskResultStatus.READY
    result.run_after = timezone.now() + dt.timedelta(seconds=delay_seconds)
    if not counted and result.worker_ids:
        result.worker_ids = result.worker_ids[:-1]
    if error is not None:
        result.exception_class_path = f"{type(error).__module__}.{type(error).__qualname__}"
        result.traceback = "".join(format_exception(error))
    result.save(update_fields=["status", "run_after", "worker_ids", "exception_class_path", "traceback"])


def fail(result: DBTaskResult[Any, Any], error: BaseException) -> None:
    """Failed for good: recorded, and ``task_finished`` sent so the task's app can tell its users."""
    result.set_failed(error)
    try:
        sender = type(result.task.get_backend())
    except (ImportError, SuspiciousOperation):
        logger.exception("Task id=%s failed and its function cannot be found", result.id)
        return
    task_finished.send(sender=sender, task_result=result.task_result)


class RetryingWorker(Worker):
    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        _stopping.set()
        super().shutdown(signum, frame)

    def run(self) -> None:
        self.recover_abandoned()
        super().run()

    def recover_abandoned(self) -> int:
        """Put back (or fail, past the attempts) the tasks that dead workers on this machine left running."""
        recovered = 0
        with transaction.atomic():
            running = DBTaskResult.objects.select_for_update().filter(
                status=TaskResultStatus.RUNNING, backend_name=self.backend_name
            )
            for result in running:
                last = result.worker_ids[-1] if result.worker_ids else ""
                if worker_alive(last) is not False:
                    continue
                recovered += 1
                lost = WorkerLostError(f"The worker {last} stopped while running this task")
                if attempts(result) < settings.TASK_ATTEMPTS:
                    logger.warning("Task id=%s: worker %s stopped; back on the queue", result.id, last)
                    requeue(result, delay_seconds=0, counted=True, error=lost)
                else:
                    fail(result, lost)
        return recovered

    def run_task(self, db_task_result: DBTaskResult[Any, Any]) -> None:
        """The library's run_task, except that a failure short of the last attempt goes back on the queue."""
        self.running_task = True
        try:
            try:
                db_task_result.task  # noqa: B018 - imports the task's function, which may have gone
            except (ImportError, SuspiciousOperation) as exc:
                db_task_result.set_failed(exc)  # no function to run: another attempt cannot help
                logger.exception("Task id=%s names no task", db_task_result.id)
                return
            self._attempt(db_task_result)
        finally:
            self.running_task = False
            self._run_tasks += 1

    def _attempt(self, result: DBTaskResult[Any, Any]) -> None:
        task_result = result.task_result
        backend_type = type(task_result.task.get_backend())
        try:
            task_started.send(sender=backend_type, task_result=task_result)
            if task_result.task.takes_context:
                value = task_result.task.call(
                    TaskContext(task_result=cast(TaskResult[Any], task_result)),
                    *task_result.args,
                    **task_result.kwargs,
                )
            else:
                value = task_result.task.call(*task_result.args, **task_result.kwargs)
            result.set_successful(value)
            task_finished.send(sender=backend_type, task_result=result.task_result)
        except Postpone as postponed:
            logger.info("Task id=%s postponed %ss: %s", result.id, postponed.seconds, postponed)
            requeue(result, delay_seconds=postponed.seconds, counted=False, error=None)
        except (KeyboardInterrupt, SystemExit):
            # Stopped by force in the middle: the next worker starts this attempt again.
            requeue(result, delay_seconds=0, counted=False, error=None)
            raise
        except Exception as exc:
            done = attempts(result)
            if isinstance(exc, PermanentError) or done >= settings.TASK_ATTEMPTS:
                logger.exception("Task id=%s failed for good after %d attempt(s)", result.id, done)
                fail(result, exc)
                return
            delay = retry_delay(done)
            logger.warning(
                "Task id=%s attempt %d of %d failed (%s); trying again in %ss",
                result.id,
                done,
                settings.TASK_ATTEMPTS,
                type(exc).__name__,
                int(delay.total_seconds()),
            )
            requeue(result, delay_seconds=delay.total_seconds(), counted=True, error=exc)
