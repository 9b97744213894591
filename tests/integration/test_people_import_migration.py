"""Upgrading: an import left going on chunk by chunk in the browser is queued for the worker."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("people", "0010_access_alerts"),
    ("django_tasks_database", "0021_conditional_partial_index_ordering"),
]
AFTER = [("people", "0011_import_failure")]


@pytest.fixture(autouse=True)
def _back_to_latest() -> Iterator[None]:
    """Whatever the test leaves, the next test finds every migration applied."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_migration_0011_queues_each_unfinished_import_once() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    agency = old.get_model("agencies", "Agency").objects.create(code="h", name="Health", kind="health")
    batch = old.get_model("people", "ImportBatch")
    started = {"agency": agency, "filename": "a.csv", "file_sha256": "0" * 64, "file_format": "csv"}
    going = batch.objects.create(**started, by_username="x", started_at=timezone.now(), rows_total=5)
    batch.objects.create(
        **started, by_username="x", started_at=timezone.now(), finished_at=timezone.now(), rows_total=5
    )
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    from django_tasks_db.models import DBTaskResult

    from goldenthread.background.queue import pending
    from goldenthread.people.tasks import records_import_run

    assert DBTaskResult.objects.count() == 1
    assert pending(records_import_run, batch_id=going.pk) is not None
