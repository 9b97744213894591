"""The background queue in tests: its real worker loop in this process, or `goldenthread worker` as a process.

In-process (``run_queue``) the loop shares the test's connection, so it sees the test's uncommitted rows;
a worker process needs committed data (``transaction=True`` tests, the live server's tests).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

from django.db import connection

from goldenthread.background.worker import RetryingWorker, worker_id_make


def run_queue(max_tasks: int | None = None) -> None:
    """Run every task that is due now, as `goldenthread worker --batch` would, then return."""
    # The loop closes its connection between tasks when not in autocommit, which would end the test's
    # transaction: here the connection is the test's own and stays open.
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        _worker(max_tasks).run()


def _worker(max_tasks: int | None) -> RetryingWorker:
    return RetryingWorker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id=worker_id_make(),
        excluded_queue_names=[],
    )


def tests_database_url() -> str:
    """DATABASE_URL of the database the tests are using (the test database, not the configured one)."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(settings['NAME']).resolve()}"
    user, host, port = (
        settings["USER"] or "postgres",
        settings["HOST"] or "127.0.0.1",
        settings["PORT"] or 5432,
    )
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


def worker_start(*args: str, log: Path, **env: str) -> subprocess.Popen[bytes]:
    """`goldenthread worker` against the test database, polling every 0.1 s, its output into ``log``."""
    command = [sys.executable, "-m", "goldenthread.cli", "worker", "--interval", "0.1", "--no-startup-delay"]
    environment = {**os.environ, "DATABASE_URL": tests_database_url(), "GOLDENTHREAD_TASK_RETRY_SECONDS": "0"}
    with log.open("ab") as out:
        return subprocess.Popen([*command, *args], env={**environment, **env}, stdout=out, stderr=out)


def wait_for(check: Callable[[], Any], *, seconds: float = 60, what: str = "the worker") -> Any:
    """Poll ``check`` until it returns something true; fail the test after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")
