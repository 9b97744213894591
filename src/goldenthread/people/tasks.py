"""The child index's background tasks, run by ``goldenthread worker`` (see goldenthread.background).

A browser import is queued here when its file is uploaded: the worker reads the file once, checks each row
(which the upload's request could not afford for a large file) and applies the rows at the command's rate,
committing each row with the batch's progress, which the import's page shows. The task is idempotent: it
resumes from ``rows_done``, and a retry after its worker died takes its hold on the batch back at once (the
hold is named after the task), so no row is applied twice.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django_tasks import TaskContext, TaskResult, TaskResultStatus, task
from django_tasks.signals import task_finished

from goldenthread.agencies.models import Agency
from goldenthread.background.queue import PermanentError, Postpone, enqueue_once, pending, worker_stopping
from goldenthread.core.actor import Actor
from goldenthread.people.actions import (
    ImportBusyError,
    records_import_continue,
    records_import_fail,
    records_import_open,
)
from goldenthread.people.importing import ImportFileError
from goldenthread.people.models import ImportBatch


def _importer(batch: ImportBatch) -> Actor:
    """The person who uploaded the file: the import's audit events name them, as a browser import did."""
    return Actor(
        user_id=str(batch.by_user_id or ""),
        username=batch.by_username,
        agency_code=batch.agency.code,
        user=batch.by_user,
    )


@task(takes_context=True)
def records_import_run(context: TaskContext, *, batch_id: int) -> dict[str, int]:
    """Apply an uploaded import's rows, from where it got to, until it is finished, stopped or postponed."""
    batch = ImportBatch.objects.select_related("agency").filter(pk=batch_id).first()
    if batch is None or batch.is_finished:
        return {"batch": batch_id, "rows_done": batch.rows_done if batch else 0}
    try:
        batch = records_import_continue(
            batch=batch,
            by=_importer(batch),
            lease=context.task_result.id.replace("-", ""),
            stop=worker_stopping,
        )
    except ImportBusyError as exc:
        held = ImportBatch.objects.filter(pk=batch_id).values_list("lease_until", flat=True).first()
        wait = (held - timezone.now()).total_seconds() + 1 if held else 5
        raise Postpone(wait, "another run holds this import") from exc
    except ImportFileError as exc:
        raise PermanentError(str(exc)) from exc
    if not batch.is_finished:
        raise Postpone(0, "the worker is stopping; the next one goes on from here")
    return {"batch": batch_id, "rows_done": batch.rows_done}


@transaction.atomic
def records_import_queue(*, agency: Agency, filename: str, content: bytes, by: Actor) -> ImportBatch:
    """Read a file and open its batch (``records_import_open``), and queue the worker's task for it.

    One transaction: the task is queued if and only if the batch is saved. Raises ImportFileError,
    saving nothing, when the file as a whole cannot be read; the worker checks each row.
    """
    batch = records_import_open(agency=agency, filename=filename, content=content, by=by)
    records_import_resume(batch=batch)
    return batch


def records_import_waiting(batch: ImportBatch) -> bool:
    """Whether the import's task is queued but no worker has taken it up yet."""
    result = pending(records_import_run, batch_id=batch.pk)
    return result is not None and result.status == TaskResultStatus.READY


def records_import_resume(*, batch: ImportBatch) -> None:
    """Queue the import's task unless it is waiting or running already (safe to call again)."""
    if not batch.is_finished:
        enqueue_once(records_import_run, batch_id=batch.pk)


FAILED_MESSAGE = (
    "The import stopped because of an error the service could not get past ({error}) after {attempts} "
    "attempt(s). The rows imported before it are kept: import the file again to finish it."
)


@receiver(task_finished)
def _import_failed(sender: Any, task_result: TaskResult[Any], **kwargs: Any) -> None:
    """The task failed for good: the batch says so, in words its importer can act on."""
    if task_result.status != TaskResultStatus.FAILED or task_result.task.func is not records_import_run.func:
        return
    batch = ImportBatch.objects.select_related("agency").filter(pk=task_result.kwargs["batch_id"]).first()
    if batch is None:
        return
    error = task_result.errors[-1].exception_class_path.rsplit(".", 1)[-1] if task_result.errors else "?"
    reason = FAILED_MESSAGE.format(error=error, attempts=max(len(task_result.worker_ids), 1))
    if error == "PermanentError":
        # Bad input, said in the import's own words (which never quote a value).
        last_line = task_result.errors[-1].traceback.strip().splitlines()[-1]
        reason = f"The import stopped: {last_line.split(': ', 1)[-1]}"
    records_import_fail(batch=batch, reason=reason, by=_importer(batch))
