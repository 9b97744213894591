"""`goldenthread worker`: run the background queue (django-tasks-db's worker with retries, see background)."""

from __future__ import annotations

import os
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError
from django.db import DatabaseError, connection
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.models import DBTaskResult

from goldenthread.background.worker import RetryingWorker, worker_id_make


class Command(DbWorkerCommand):
    help = (
        "Run the background worker: takes tasks from the queue in the database and runs them, retrying "
        "a failed one with growing waits. Ctrl+C or SIGTERM stops it; a long import is saved and resumed."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        # Host and process in the id let a worker that starts later tell that this one has died.
        parser.set_defaults(worker_id=worker_id_make(), queue_name="*")

    def handle(self, *args: Any, **options: Any) -> None:
        self.configure_logging(options["verbosity"])
        self._check_database()
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = RetryingWorker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )
        if options["reload"] and not options["batch"]:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()

    def _check_database(self) -> None:
        try:
            DBTaskResult.objects.exists()
        except DatabaseError as exc:
            tables = connection.introspection.table_names() if _reachable() else None
            if tables is not None and DBTaskResult._meta.db_table not in tables:
                raise CommandError(
                    "The task queue's table is missing from the database: run `goldenthread migrate` first"
                ) from exc
            raise CommandError(f"The worker cannot use the database: {exc}") from exc


def _reachable() -> bool:
    try:
        connection.ensure_connection()
    except DatabaseError:
        return False
    return True
