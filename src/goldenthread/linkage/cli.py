"""``goldenthread link``: deduplicate a CSV of person records into a CSV of record_id -> person_id.

Pure: no Django, no database. ``run_link`` reports problems with the input as one line naming the
problem and returns exit status 2; it never lets a traceback reach the user for a bad file.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from typing import TextIO

import pandas as pd

from goldenthread.linkage.batch import ENGINES, link_records
from goldenthread.linkage.features import INPUT_COLUMNS

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_FAILED = 1


class InputError(Exception):
    """The input file cannot be used; the message says why in terms the user can act on."""


def _load(input_path: str) -> pd.DataFrame:
    if not os.path.exists(input_path):
        raise InputError(f"input file not found: {input_path}")
    if os.path.isdir(input_path):
        raise InputError(f"input is a directory, not a CSV file: {input_path}")
    try:
        with open(input_path, encoding="utf-8-sig", newline="") as handle:
            header_line = handle.readline()
    except UnicodeDecodeError:
        raise InputError(f"{input_path} is not a UTF-8 text CSV file") from None
    if not header_line.strip():
        raise InputError(f"{input_path} is empty: expected a header row with {', '.join(INPUT_COLUMNS)}")
    header = [c.strip() for c in next(csv.reader([header_line]))]
    missing = [c for c in INPUT_COLUMNS if c not in header]
    if missing:
        raise InputError(
            f"{input_path} is missing required column(s): {', '.join(missing)}"
            f" (found: {', '.join(h for h in header if h) or 'none'})"
        )
    try:
        frame = pd.read_csv(
            input_path,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            encoding="utf-8-sig",
            usecols=lambda c: c.strip() in INPUT_COLUMNS,
        )
    except (pd.errors.ParserError, ValueError, UnicodeDecodeError) as error:
        raise InputError(f"{input_path} is not a readable CSV file: {error}".splitlines()[0]) from None
    frame.columns = [c.strip() for c in frame.columns]
    if frame.empty:
        raise InputError(f"{input_path} has a header but no records")
    ids = frame["record_id"]
    if ids.isna().any():
        rows = (ids[ids.isna()].index[:5] + 2).tolist()  # +2: header line and 1-based numbering
        raise InputError(f"{input_path} has records with a blank record_id (line(s) {rows})")
    duplicated = ids[ids.duplicated()].unique()
    if len(duplicated):
        shown = ", ".join(duplicated[:5])
        more = f" and {len(duplicated) - 5} more" if len(duplicated) > 5 else ""
        raise InputError(f"{input_path} has duplicate record_id values: {shown}{more}")
    return frame


def run_link(input_path: str, out_path: str, engine: str, stdout: TextIO, stderr: TextIO) -> int:
    """Link the records in ``input_path`` and write ``record_id,person_id`` to ``out_path``."""
    if engine not in ENGINES:
        print(f"error: unknown engine {engine!r}; choose one of {', '.join(ENGINES)}", file=stderr)
        return EXIT_BAD_INPUT
    started = time.perf_counter()
    try:
        records = _load(input_path)
    except InputError as error:
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
        result.to_csv(out_path, index=False)
    except OSError as error:
        print(f"error: cannot write {out_path}: {error.strerror}", file=stderr)
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
