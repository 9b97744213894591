"""CSV that is safe to open in a spreadsheet, written whole or not at all. Pure Python, no Django.

Every CSV the service or its commands write goes through ``csv_safe_writer`` (the access report, the demo
file, ``goldenthread link``, the synthetic generator): a spreadsheet runs a cell that starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return as a formula, so such a cell gets a leading single quote
(OWASP's rule against CSV injection). A record id such as ``=HYPERLINK(...)`` is then shown, not run.
``write_atomic`` writes a file beside its destination and renames it over the destination only when the
whole file is written, so a failed write leaves the old file as it was.
"""

from __future__ import annotations

import contextlib
import csv
import os
import tempfile
from collections.abc import Callable, Iterable
from typing import Any, TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_safe(value: Any) -> Any:
    """The value, with a leading ``'`` if it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeWriter:
    """``csv.writer`` whose every cell passes through ``cell_safe``; ``writerow`` returns what the file's
    ``write`` returned (so a file that hands back its line makes a streaming response)."""

    def __init__(self, out: Any, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([cell_safe(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_safe_writer(out: Any, **options: Any) -> SafeWriter:
    return SafeWriter(out, **options)


class OutputError(Exception):
    """The output cannot be written; the message names the path and the reason."""


def write_atomic(path: str | os.PathLike[str], write: Callable[[TextIO], None]) -> None:
    """Call ``write`` with a text file beside ``path`` and rename it to ``path`` once it succeeded.

    Raises OutputError (nothing at ``path`` changed) when the folder is missing or the file cannot be
    written; an exception from ``write`` leaves ``path`` as it was and removes the partial file.
    """
    target = os.path.abspath(os.fspath(path))
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        raise OutputError(f"cannot write {os.fspath(path)}: the folder {folder} does not exist")
    if os.path.isdir(target):
        raise OutputError(f"cannot write {os.fspath(path)}: it is a folder")
    try:
        handle, temporary = tempfile.mkstemp(
            dir=folder, prefix=f".{os.path.basename(target)}.", suffix=".tmp"
        )
    except OSError as exc:
        raise OutputError(f"cannot write {os.fspath(path)}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except OSError as exc:
        _remove(temporary)
        raise OutputError(f"cannot write {os.fspath(path)}: {exc.strerror or exc}") from None
    except BaseException:
        _remove(temporary)
        raise


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.remove(path)
