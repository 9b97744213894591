"""`goldenthread import FILE --agency CODE`: load an agency's records into the child index."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from goldenthread.agencies.models import Agency
from goldenthread.core.actor import Actor
from goldenthread.people.actions import records_import
from goldenthread.people.importing import ImportFileError

MAX_ERRORS_SHOWN = 50


class Command(BaseCommand):
    help = (
        "Import an agency's person records (CSV or JSON, see docs/import-format.md). "
        "Bad rows are reported by row and field; good rows are kept. Exit status 1 if any row was rejected."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV or JSON file of records")
        parser.add_argument("--agency", required=True, help="code of the agency the records come from")
        parser.add_argument("--no-progress", action="store_true", help="do not draw the progress line")

    def handle(self, *args: Any, **options: Any) -> None:
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
        self.stdout.write(
            f"Import {batch.pk} of {path.name} for {agency.code}: {batch.rows_total} rows, "
            f"{batch.rows_created} new, {batch.rows_updated} updated, {batch.rows_unchanged} unchanged, "
            f"{batch.rows_rejected} rejected. Matching: {batch.auto_linked} linked automatically, "
            f"{batch.queued_for_review} for review, {batch.new_people - batch.queued_for_review} new people."
        )
        for error in batch.errors[:MAX_ERRORS_SHOWN]:
            self.stdout.write(f"row {error['row']}, {error['field']}: {error['message']}")
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
