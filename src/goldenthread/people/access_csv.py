"""The "who has seen this record" download: every row, read in chunks that name their people once."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from itertools import islice
from typing import Any

HEADER = ("Sequence", "When (UTC)", "Who", "Agency", "What", "Purpose")
CHUNK = 500


class _Line:
    """csv.writer's file: hands back each line it writes."""

    def write(self, value: str) -> str:
        return value


def _safe(text: str) -> str:
    # A spreadsheet runs a cell that starts with =, +, - or @ as a formula: a purpose typed as one must not.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def access_csv_rows(events: Any, entries: Callable[[list[Any]], list[Any]]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield writer.writerow(HEADER)
    stream = events.iterator(chunk_size=CHUNK)
    while chunk := list(islice(stream, CHUNK)):
        for e in entries(chunk):
            yield writer.writerow(
                (
                    e.seq,
                    e.occurred_at.strftime("%Y-%m-%d %H:%M:%S"),
                    _safe(e.who),
                    _safe(e.agency),
                    e.action,
                    _safe(e.purpose),
                )
            )
