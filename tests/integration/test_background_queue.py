"""The queue's retries, backoff and idempotent enqueueing, through the worker's real loop in this process."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from goldenthread.background.queue import enqueue_at, enqueue_once, retry_delay
from goldenthread.background.worker import RetryingWorker, worker_alive, worker_id_make
from tests.support import tasks
from tests.support.worker import run_queue

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_calls() -> Iterator[None]:
    tasks.CALLS.clear()
    yield
    tasks.CALLS.clear()


def test_retry_delay_doubles_from_the_setting_up_to_an_hour(settings: Any) -> None:
    settings.TASK_RETRY_SECONDS = 30
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert retry_delay(20) == dt.timedelta(hours=1)


def test_queue_failed_attempt_goes_back_with_a_growing_wait(settings: Any) -> None:
    settings.TASK_ATTEMPTS, settings.TASK_RETRY_SECONDS = 3, 100
    tasks.flaky.enqueue(fail_times=5)
    run_queue()
    result = DBTaskResult.objects.get()
    assert result.status == TaskResultStatus.READY and len(result.worker_ids) == 1
    assert result.exception_class_path == "builtins.ConnectionError"
    wait = (result.run_after - timezone.now()).total_seconds()
    assert 90 < wait <= 100
    DBTaskResult.objects.update(run_after=timezone.now())
    run_queue()
    wait = (DBTaskResult.objects.get().run_after - timezone.now()).total_seconds()
    assert 190 < wait <= 200  # the second wait is twice the first


def test_queue_task_failing_every_attempt_fails_after_the_last(settings: Any) -> None:
    settings.TASK_ATTEMPTS, settings.TASK_RETRY_SECONDS = 3, 0
    tasks.flaky.enqueue(fail_times=5)
    run_queue()
    result = DBTaskResult.objects.get()
    assert tasks.CALLS == ["flaky"] * 3
    assert result.status == TaskResultStatus.FAILED and len(result.worker_ids) == 3
    assert "the other end went away" in result.traceback


def test_queue_task_failing_less_than_its_attempts_succeeds(settings: Any) -> None:
    settings.TASK_ATTEMPTS, settings.TASK_RETRY_SECONDS = 3, 0
    tasks.flaky.enqueue(fail_times=2)
    run_queue()
    result = DBTaskResult.objects.get()
    assert (result.status, result.return_value, len(result.worker_ids)) == (TaskResultStatus.SUCCESSFUL, 3, 3)


def test_queue_permanent_error_not_retried(settings: Any) -> None:
    settings.TASK_ATTEMPTS, settings.TASK_RETRY_SECONDS = 3, 0
    tasks.refuses.enqueue(why="the file is not CSV")
    run_queue()
    assert tasks.CALLS == ["refuses"] and DBTaskResult.objects.get().status == TaskResultStatus.FAILED


def test_enqueue_once_same_call_waiting_queued_once() -> None:
    first = enqueue_once(tasks.flaky, fail_times=0)
    assert enqueue_once(tasks.flaky, fail_times=0) == first
    assert enqueue_once(tasks.flaky, fail_times=1) != first
    run_queue()
    assert enqueue_once(tasks.flaky, fail_times=0) != first  # once run, the same call can be queued again


def test_queue_periodic_task_queues_its_next_run_once() -> None:
    enqueue_at(tasks.every_hour, timezone.now(), name="tick")
    run_queue()
    run_queue()  # the next run is not due: nothing runs
    assert tasks.CALLS == ["tick"]
    waiting = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert 3590 < (waiting.run_after - timezone.now()).total_seconds() <= 3600
    enqueue_at(tasks.every_hour, timezone.now(), name="tick")  # set up again: no second chain
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1


def test_worker_recovery_puts_back_only_what_dead_workers_left(settings: Any) -> None:
    settings.TASK_ATTEMPTS = 3
    host = worker_id_make().split(":")[0]
    # A process that has ended (its pid is free, or reused by something that is not a worker), and a
    # live one whose command line names a worker.
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True)
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "worker"])
    try:
        dead_id, alive_id = f"{host}:{int(ended.stdout)}:x", f"{host}:{running.pid}:y"
        assert (worker_alive(dead_id), worker_alive(alive_id)) == (False, True)
        dead, alive = tasks.flaky.enqueue(fail_times=0), tasks.flaky.enqueue(fail_times=1)
        for result, worker_id in ((dead, dead_id), (alive, alive_id)):
            DBTaskResult.objects.filter(pk=result.id).update(
                status=TaskResultStatus.RUNNING, worker_ids=[worker_id]
            )
        assert _worker().recover_abandoned() == 1
    finally:
        running.kill()
        running.wait()
    assert DBTaskResult.objects.get(pk=dead.id).status == TaskResultStatus.READY
    assert DBTaskResult.objects.get(pk=alive.id).status == TaskResultStatus.RUNNING


def test_worker_recovery_past_the_attempts_fails_the_task(settings: Any) -> None:
    settings.TASK_ATTEMPTS = 1
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True)
    result = tasks.flaky.enqueue(fail_times=0)
    dead_id = f"{worker_id_make().split(':')[0]}:{int(ended.stdout)}:x"
    DBTaskResult.objects.filter(pk=result.id).update(status=TaskResultStatus.RUNNING, worker_ids=[dead_id])
    assert _worker().recover_abandoned() == 1
    failed = DBTaskResult.objects.get(pk=result.id)
    assert failed.status == TaskResultStatus.FAILED
    assert failed.exception_class_path == "goldenthread.background.worker.WorkerLostError"


def _worker() -> RetryingWorker:
    return RetryingWorker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id_make(),
        excluded_queue_names=[],
    )


def test_worker_alive_on_another_machine_cannot_tell() -> None:
    assert worker_alive("elsewhere.example:1:abc") is None
