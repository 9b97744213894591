"""``goldenthread link``: deduplicate a CSV of person records into a CSV of record_id -> person_id.

Pure: no Django, no database. The input is read by the import's strict reader (``linkage.agency_file``):
a row it cannot read (more or fewer cells than the header, a control character, an unpaired quote) refuses
the whole file, naming the rows, since a record left out would be a person left unlinked. ``run_link``
reports problems as one line and returns exit status 2; it never lets a traceback reach the user for a bad
file. The output is written beside its destination and renamed over it when complete, and its cells are
made safe to open in a spreadsheet (``linkage.spreadsheet``).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time
from typing import TextIO

import pandas as pd

from goldenthread.environment import EnvironmentValueError, env_int, env_memory
from goldenthread.linkage.agency_file import AgencyFileError, Limits, read_agency_file
from goldenthread.linkage.batch import DUCKDB_MEMORY, ENGINES, SPARK_MEMORY, link_records
from goldenthread.linkage.features import INPUT_COLUMNS
from goldenthread.linkage.spreadsheet import OutputError, csv_safe_writer, write_atomic

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_FAILED = 1


class InputError(Exception):
    """The input file cannot be used; the message says why in terms the user can act on."""


ROW_PROBLEMS_SHOWN = 5


def link_limits() -> Limits:
    """The reader's limits: the import's field length and nesting (GOLDENTHREAD_IMPORT_MAX_FIELD_CHARS,
    _MAX_DEPTH); size and rows of its own (GOLDENTHREAD_LINK_MAX_BYTES, GOLDENTHREAD_LINK_MAX_ROWS), since
    deduplicating a whole county's file is what the batch linker is for."""
    limits = Limits.from_environ()
    return dataclasses.replace(
        limits,
        max_bytes=env_int("GOLDENTHREAD_LINK_MAX_BYTES", LINK_MAX_BYTES, minimum=1024, maximum=2**31 - 1),
        max_rows=env_int("GOLDENTHREAD_LINK_MAX_ROWS", LINK_MAX_ROWS, maximum=100_000_000),
    )


LINK_MAX_BYTES = 2**31 - 1
LINK_MAX_ROWS = 20_000_000


def _load(input_path: str, limits: Limits) -> pd.DataFrame:
    if not os.path.exists(input_path):
        raise InputError(f"input file not found: {input_path}")
    if os.path.isdir(input_path):
        raise InputError(f"input is a directory, not a CSV file: {input_path}")
    try:
        if os.path.getsize(input_path) > limits.max_bytes:
            raise InputError(f"{input_path} is larger than {limits.max_bytes:,} bytes")
        with open(input_path, "rb") as handle:
            content = handle.read()
    except OSError as error:
        raise InputError(f"cannot read {input_path}: {error.strerror}") from None
    try:
        read = read_agency_file(content, input_path, limits=limits, required=INPUT_COLUMNS, formats=("csv",))
    except AgencyFileError as error:
        message = error.message.replace("The file has no records", "has a header but no records")
        raise InputError(f"{input_path}: {message}") from None
    del content
    bad = [record for record in read.records if record.problems]
    if bad:
        shown = "; ".join(
            f"row {r.number} (line {r.line}), {r.problems[0][0]}: {r.problems[0][1]}"
            for r in bad[:ROW_PROBLEMS_SHOWN]
        )
        more = f"; and {len(bad) - ROW_PROBLEMS_SHOWN} more rows" if len(bad) > ROW_PROBLEMS_SHOWN else ""
        raise InputError(f"{input_path} has rows that cannot be read, so nothing was linked: {shown}{more}")
    frame = pd.DataFrame(
        [[record.values[c] or None for c in INPUT_COLUMNS] for record in read.records],
        columns=list(INPUT_COLUMNS),
        dtype=object,
    )
    ids = frame["record_id"]
    if ids.isna().any():
        rows = (ids[ids.isna()].index[:5] + 1).tolist()
        raise InputError(f"{input_path} has records with a blank record_id (row(s) {rows})")
    duplicated = ids[ids.duplicated()].unique()
    if len(duplicated):
        shown = ", ".join(_shown(value) for value in duplicated[:5])
        more = f" and {len(duplicated) - 5} more" if len(duplicated) > 5 else ""
        raise InputError(f"{input_path} has duplicate record_id values: {shown}{more}")
    return frame


def _shown(value: str) -> str:
    return value if len(value) <= 40 else value[:40] + "..."


def _write(result: pd.DataFrame, out: TextIO) -> None:
    writer = csv_safe_writer(out, lineterminator="\n")
    writer.writerow(result.columns)
    writer.writerows(result.itertuples(index=False, name=None))


def run_link(input_path: str, out_path: str, engine: str, stdout: TextIO, stderr: TextIO) -> int:
    """Link the records in ``input_path`` and write ``record_id,person_id`` to ``out_path``."""
    if engine not in ENGINES:
        print(f"error: unknown engine {engine!r}; choose one of {', '.join(ENGINES)}", file=stderr)
        return EXIT_BAD_INPUT
    started = time.perf_counter()
    try:
        env_memory("GOLDENTHREAD_DUCKDB_MEMORY", DUCKDB_MEMORY)
        env_memory("GOLDENTHREAD_SPARK_MEMORY", SPARK_MEMORY)
        records = _load(input_path, link_limits())
    except (InputError, EnvironmentValueError) as error:
        print(f"error: {error}", file=stderr)
        return EXIT_BAD_INPUT
    print(f"read {len(records):,} records from {input_path}", file=stderr)

    def progress(message: str) -> None:
        print(f"  {message}", file=stderr, flush=True)

    try:
        result = link_records(records, engine=engine, progress=progress)
    except ImportError as error:
        print(f"error: the {engine} engine is not available here: {error}", file=stderr)
        return EXIT_FAILED
    try:
        write_atomic(out_path, lambda out: _write(result, out))
    except OutputError as error:
        print(f"error: {error}", file=stderr)
        return EXIT_BAD_INPUT
    people = result["person_id"].nunique()
    elapsed = time.perf_counter() - started
    print(
        f"linked {len(result):,} records into {people:,} people in {elapsed:.1f}s -> {out_path}", file=stdout
    )
    return EXIT_OK


def main(argv: list[str]) -> int:
    """``goldenthread link INPUT --out OUTPUT [--engine duckdb|spark]``."""
    parser = argparse.ArgumentParser(prog="goldenthread link")
    parser.add_argument("input", help="CSV of records to deduplicate")
    parser.add_argument("--out", required=True, help="where to write record_id,person_id")
    parser.add_argument("--engine", choices=list(ENGINES), default="duckdb")
    args = parser.parse_args(argv)
    return run_link(args.input, args.out, args.engine, sys.stdout, sys.stderr)
