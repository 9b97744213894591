"""The "who has seen this record" download: every row, read in chunks that name their people once."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import islice
from typing import Any

from goldenthread.linkage.spreadsheet import csv_safe_writer

HEADER = ("Sequence", "When (UTC)", "Who", "Agency", "What", "Purpose")
CHUNK = 500


class _Line:
    """csv.writer's file: hands back each line it writes."""

    def write(self, value: str) -> str:
        return value


def access_csv_rows(events: Any, entries: Callable[[list[Any]], list[Any]]) -> Iterator[str]:
    # A spreadsheet runs a cell starting =, +, -, @, tab or CR as a formula: a purpose typed as one must not.
    writer = csv_safe_writer(_Line())
    yield writer.writerow(HEADER)
    stream = events.iterator(chunk_size=CHUNK)
    while chunk := list(islice(stream, CHUNK)):
        for e in entries(chunk):
            yield writer.writerow(
                (
                    e.seq,
                    e.occurred_at.strftime("%Y-%m-%d %H:%M:%S"),
                    e.who,
                    e.agency,
                    e.action,
                    e.purpose,
                )
            )
