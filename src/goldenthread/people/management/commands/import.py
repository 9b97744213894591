"""`goldenthread import FILE --agency CODE`: load an agency's records into the child index.

`--resume BATCH` goes on with an unfinished import (one killed part way, or a browser import) from its last
row done; `--abandon BATCH` gives it up: rows done stay, the rest are not imported, the stored file goes.
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from goldenthread.agencies.models import Agency
from goldenthread.core.actor import Actor
from goldenthread.people.actions import (
    ImportBusyError,
    records_import,
    records_import_continue,
    records_import_stop,
)
from goldenthread.people.importing import ImportFileError
from goldenthread.people.models import ImportBatch

MAX_ERRORS_SHOWN = 50


class Command(BaseCommand):
    help = (
        "Import an agency's person records (CSV or JSON, see docs/import-format.md). "
        "Bad rows are reported by row and field; good rows are kept. Exit status 1 if any row was rejected."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="CSV or JSON file of records")
        parser.add_argument("--agency", help="code of the agency the records come from (with FILE)")
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--resume", type=int, metavar="BATCH", help="go on with an unfinished import")
        which.add_argument("--abandon", type=int, metavar="BATCH", help="give up an unfinished import")
        parser.add_argument("--no-progress", action="store_true", help="do not draw the progress line")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["resume"] is not None or options["abandon"] is not None:
            if options["file"] or options["agency"]:
                raise CommandError("Give FILE --agency CODE, or --resume BATCH, or --abandon BATCH; not both")
            self._batch_command(options)
            return
        if not options["file"] or not options["agency"]:
            raise CommandError("Give FILE --agency CODE (or --resume BATCH, or --abandon BATCH)")
        agency = Agency.objects.filter(code=options["agency"], is_active=True).first()
        if agency is None:
            raise CommandError(f"No active agency with code {options['agency']!r}")
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        show = not options["no_progress"]
        try:
            batch = records_import(
                agency=agency,
                filename=path.name,
                content=content,
                by=Actor(username=f"cli:{getpass.getuser()}", agency_code=agency.code),
                progress=self._progress if show else None,
            )
        except ImportFileError as exc:
            raise CommandError(f"{path.name}: {exc}") from exc
        if show:
            sys.stderr.write("\n")
        self._report(batch)

    def _batch_command(self, options: dict[str, Any]) -> None:
        batch_id = options["resume"] if options["resume"] is not None else options["abandon"]
        batch = ImportBatch.objects.select_related("agency").filter(pk=batch_id).first()
        if batch is None:
            raise CommandError(f"No import {batch_id}")
        if batch.is_finished:
            raise CommandError(
                f"Import {batch_id} of {batch.filename} is already over ({batch.status.lower()})"
            )
        by = Actor(username=f"cli:{getpass.getuser()}", agency_code=batch.agency.code)
        if options["abandon"] is not None:
            batch = records_import_stop(batch=batch, by=by, abandoned=True)
            self.stdout.write(
                f"Import {batch.pk} of {batch.filename} abandoned after {batch.rows_done} of "
                f"{batch.rows_total} rows; its stored file is deleted.\n"
            )
            return
        show = not options["no_progress"]
        try:
            batch = records_import_continue(batch=batch, by=by, progress=self._progress if show else None)
        except ImportBusyError as exc:
            raise CommandError(
                f"Import {batch_id} is being worked on by another run (the background worker, or another "
                "command); try again in a few minutes"
            ) from exc
        except ImportFileError as exc:
            raise CommandError(f"Import {batch_id}: {exc}") from exc
        if show:
            sys.stderr.write("\n")
        if not batch.is_finished:
            raise CommandError(f"Import {batch_id} was stopped by another run after {batch.rows_done} rows")
        self._report(batch)

    def _report(self, batch: ImportBatch) -> None:
        self.stdout.write(
            f"Import {batch.pk} of {batch.filename} for {batch.agency.code}: {batch.rows_total} rows, "
            f"{batch.rows_created} new, {batch.rows_updated} updated, {batch.rows_unchanged} unchanged, "
            f"{batch.rows_rejected} rejected. Matching: {batch.auto_linked} linked automatically, "
            f"{batch.queued_for_review} for review, {batch.new_people - batch.queued_for_review} new people."
        )
        for error in batch.errors[:MAX_ERRORS_SHOWN]:
            record = f" ({error['local_id']})" if error.get("local_id") else ""
            self.stdout.write(f"row {error['row']}{record}, {error['field']}: {error['message']}")
        if len(batch.errors) > MAX_ERRORS_SHOWN:
            self.stdout.write(f"... and {len(batch.errors) - MAX_ERRORS_SHOWN} more (see the import page)")
        for warning in batch.warnings:
            self.stdout.write(f"warning: row {warning['row']}, {warning['field']}: {warning['message']}")
        if batch.rows_rejected:
            sys.exit(1)

    def _progress(self, done: int, total: int) -> None:
        if done == total or done % 25 == 0:
            width = 30
            filled = width * done // total
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} rows")
            sys.stderr.flush()
