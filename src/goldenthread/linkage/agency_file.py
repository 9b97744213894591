"""The one strict reader of agencies' files of records (CSV or JSON), for ``goldenthread import``, the
browser's import and ``goldenthread link``.

Pure Python, no Django. It reads the file's structure only: what each value means is the caller's to check.
Two kinds of problem:
- the file as a whole cannot be used (not UTF-8, too big, no header, a header column named twice or not
  at all, a quote never closed, JSON that does not parse or is nested too deep, too many records): raises
  ``AgencyFileError``, and nothing in the file is used;
- one record cannot be read as the agency meant it (more or fewer cells than the header, a value with a
  control character, a line break or an unpaired quote, a value too long, a JSON list or object where a
  value belongs, a field named twice): listed on the record as (field, message), so a caller can reject
  that record and keep the others.
Messages never repeat a value from the file: they are shown and stored, and a value may be personal data.
Limits (``Limits``) come from the environment (``Limits.from_environ``; see docs/import-format.md).
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from goldenthread.environment import env_int

MAX_HEADER_NAME = 100  # characters of one header column's name
WHOLE_ROW = "(whole row)"  # the field named when a row cannot be split into fields at all


@dataclass(frozen=True)
class Limits:
    """What one file may hold. Each is an environment variable (``from_environ``)."""

    max_bytes: int = 20 * 1024 * 1024
    max_rows: int = 200_000
    max_field_chars: int = 10_000
    max_depth: int = 20

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Limits:
        """Raises ``goldenthread.environment.EnvironmentValueError`` naming a bad variable."""
        return cls(
            max_bytes=env_int(
                "GOLDENTHREAD_IMPORT_MAX_BYTES",
                cls.max_bytes,
                minimum=1024,
                maximum=2**31 - 1,
                environ=environ,
            ),
            max_rows=env_int(
                "GOLDENTHREAD_IMPORT_MAX_ROWS", cls.max_rows, minimum=1, maximum=10_000_000, environ=environ
            ),
            max_field_chars=env_int(
                "GOLDENTHREAD_IMPORT_MAX_FIELD_CHARS",
                cls.max_field_chars,
                minimum=100,
                maximum=1_000_000,
                environ=environ,
            ),
            max_depth=env_int(
                "GOLDENTHREAD_IMPORT_MAX_DEPTH", cls.max_depth, minimum=3, maximum=500, environ=environ
            ),
        )


class AgencyFileError(Exception):
    """The file as a whole cannot be used; ``message`` says why in words the agency can act on."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Record:
    """One record: ``number`` 1 is the first record (not counting a CSV header), ``line`` where it starts
    in a CSV file (0 in JSON); ``values`` has every column, as written (not stripped); ``problems`` lists
    (field, message) for what could not be read, and then ``values`` may be incomplete."""

    number: int
    line: int
    values: dict[str, str]
    problems: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class AgencyFile:
    file_format: str  # "csv" or "json"
    columns: list[str]  # the CSV header, or every field the JSON's records name, in order of appearance
    records: list[Record]


# C0 controls except tab, line feed and carriage return (which a CSV's lines are made of), DEL and the C1
# controls (text decoded with the wrong code page), and lone surrogates (only JSON escapes make them).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_LINE_BREAK = re.compile("[\r\n]")


def read_agency_file(
    content: bytes,
    filename: str,
    *,
    limits: Limits,
    required: Sequence[str] = (),
    known: Sequence[str] | None = None,
    formats: Sequence[str] = ("csv", "json"),
) -> AgencyFile:
    """The file's records, read strictly. ``required`` columns must be in the header; with ``known``, no
    other column may be. JSON is recognised by a ``.json`` name or a first character ``[`` or ``{`` when
    ``formats`` allows it."""
    if len(content) > limits.max_bytes:
        raise AgencyFileError(f"The file is larger than {limits.max_bytes:,} bytes; split it")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AgencyFileError("The file is not UTF-8 text. Save it as CSV UTF-8 or JSON.") from None
    is_json = "json" in formats and (
        filename.lower().endswith(".json") or text.lstrip().startswith(("[", "{"))
    )
    if is_json:
        # A JSON record leaves out the fields it has no value for, so no column is required of the file.
        result = _read_json(text, limits, known)
    else:
        result = _read_csv(text, limits)
        _check_columns(result.columns, required, known, "The header row has column(s)")
    if not result.records:
        raise AgencyFileError("The file has no records")
    return result


def _named(names: Sequence[str]) -> str:
    shown = (_CONTROL.sub("?", name if len(name) <= 40 else name[:40] + "...") for name in names)
    return ", ".join(shown)


def _check_columns(
    columns: list[str], required: Sequence[str], known: Sequence[str] | None, who: str
) -> None:
    missing = [c for c in required if c not in columns]
    if missing:
        found = _named([c for c in columns if c]) or "none"
        raise AgencyFileError(
            f"The header row is missing required column(s): {', '.join(missing)} (found: {found})"
        )
    if known is not None:
        unknown = [c for c in columns if c not in known]
        if unknown:
            raise AgencyFileError(f"{who} this format does not know: {_named(unknown)}")


def _value_problem(value: str, limits: Limits) -> str | None:
    if len(value) > limits.max_field_chars:
        return f"Must be {limits.max_field_chars:,} characters or fewer"
    if _CONTROL.search(value):
        return "Contains a control character (such as NUL): remove it"
    if _LINE_BREAK.search(value):
        return 'Contains a line break: a value must be on one line (is a quote (") missing its pair?)'
    return None


# --- CSV ------------------------------------------------------------------------------------------------


def _header(reader: Any, limits: Limits) -> list[str]:
    cells: list[str] | None = []
    try:
        while cells == []:  # blank lines before the header
            before = reader.line_num
            cells = next(reader, None)
    except csv.Error:
        raise AgencyFileError('The header row could not be read as CSV (a quote (") out of place?)') from None
    if not cells or not any(cell.strip() for cell in cells):
        raise AgencyFileError("The file is empty")
    if reader.line_num != before + 1:
        raise AgencyFileError('The header row contains a line break (a quote (") missing its pair?)')
    header = [cell.strip() for cell in cells]
    for position, name in enumerate(header, 1):
        if not name:
            trailing = " (is there a comma at the end of the header row?)" if position == len(header) else ""
            raise AgencyFileError(f"Column {position} of the header row has no name{trailing}")
        if len(name) > MAX_HEADER_NAME or _CONTROL.search(name):
            raise AgencyFileError(f"Column {position} of the header row is not a column name")
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise AgencyFileError(f"The header row names the column(s) {_named(repeated)} more than once")
    return header


def _read_csv(text: str, limits: Limits) -> AgencyFile:
    # Any field up to the file's own size is read, so that a long one is reported by row and field (the
    # csv module's own limit, 131,072 characters, would stop the whole file with an error).
    csv.field_size_limit(max(csv.field_size_limit(), limits.max_bytes + 1))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header = _header(reader, limits)
    suspect = _CONTROL.search(text) is not None  # most files have none: only then look at every value
    records: list[Record] = []
    last_line = reader.line_num
    while True:
        try:
            cells = next(reader, None)
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                raise AgencyFileError(
                    f'Line {last_line + 1}: a quote (") is never closed, '
                    "so the rest of the file cannot be read"
                ) from None
            records.append(_record(len(records) + 1, last_line + 1, {}))
            records[-1].problems.append(
                (WHOLE_ROW, 'The row could not be read as CSV: a quote (") out of place or missing its pair')
            )
            last_line = reader.line_num
            _check_rows(records, limits)
            continue
        if cells is None:
            break
        line, spans_lines = last_line + 1, reader.line_num > last_line + 1
        last_line = reader.line_num
        if not cells:
            continue  # a blank line
        record = _record(len(records) + 1, line, dict(zip(header, cells, strict=False)))
        records.append(record)
        _check_rows(records, limits)
        _check_cells(record, header, cells, limits, look=suspect or spans_lines)
    return AgencyFile("csv", header, records)


def _record(number: int, line: int, values: dict[str, str]) -> Record:
    return Record(number=number, line=line, values=values)


def _check_rows(records: list[Record], limits: Limits) -> None:
    if len(records) > limits.max_rows:
        raise AgencyFileError(f"The file has more than {limits.max_rows:,} records; split it")


def _check_cells(record: Record, header: list[str], cells: list[str], limits: Limits, *, look: bool) -> None:
    if len(cells) != len(header):
        if len(cells) < len(header):
            problem = (
                header[len(cells)],
                f"The row has {len(cells)} cells but the header has {len(header)} columns: "
                "this one and those after it are missing",
            )
        elif len(cells) == len(header) + 1 and cells[-1] == "":
            problem = (header[-1], "The row ends with an extra comma: it has one cell more than the header")
        else:
            problem = (
                header[-1],
                f"The row has {len(cells)} cells but the header has {len(header)} columns "
                "(a comma inside a value that is not in quotes?)",
            )
        record.problems.append(problem)
        return
    if look or max(map(len, cells), default=0) > limits.max_field_chars:
        for name, value in zip(header, cells, strict=True):
            message = _value_problem(value, limits)
            if message:
                record.problems.append((name, message))


# --- JSON -----------------------------------------------------------------------------------------------

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_BRACKETS = re.compile(r"[^\[\]{}]+")
_DEPTH = {"[": 1, "{": 1, "]": -1, "}": -1}


def _depth(text: str) -> int:
    """How deep the JSON's arrays and objects nest (brackets inside strings do not count)."""
    brackets = _BRACKETS.sub("", _STRING.sub("", text))
    return max(itertools.accumulate(map(_DEPTH.__getitem__, brackets)), default=0)


class _Repeated(dict[str, Any]):
    """A JSON object that named a field more than once (the first value is kept)."""

    repeated: list[str]


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    repeated: list[str] = []
    for key, value in pairs:
        if key in result:
            repeated.append(key)
        else:
            result[key] = value
    if not repeated:
        return result
    marked = _Repeated(result)
    marked.repeated = repeated
    return marked


def _int_text(digits: str) -> str:
    # As text, never as a number: Python refuses to turn more than 4,300 digits into an int, and a
    # value this long is reported as too long by its field.
    return digits if len(digits) > 100 else str(int(digits))


def _read_json(text: str, limits: Limits, known: Sequence[str] | None) -> AgencyFile:
    if _depth(text) > limits.max_depth:
        raise AgencyFileError(f"The JSON is nested more than {limits.max_depth} deep")
    try:
        data = json.loads(text, object_pairs_hook=_pairs, parse_int=_int_text)
    except json.JSONDecodeError as exc:
        raise AgencyFileError(f"The JSON could not be read (line {exc.lineno}): {exc.msg}") from None
    except (ValueError, RecursionError):
        raise AgencyFileError("The JSON could not be read") from None
    if isinstance(data, dict):
        data = data.get("records")
    if not isinstance(data, list):
        raise AgencyFileError('The JSON must be a list of records, or {"records": [...]}')
    if len(data) > limits.max_rows:
        raise AgencyFileError(f"The file has more than {limits.max_rows:,} records; split it")
    columns = list(dict.fromkeys(key for item in data if isinstance(item, dict) for key in item))
    if known is not None:
        _check_columns(columns, (), known, "Records have field(s)")
    records = [_json_record(number, item, limits) for number, item in enumerate(data, 1)]
    return AgencyFile("json", columns, records)


def _json_record(number: int, item: Any, limits: Limits) -> Record:
    record = _record(number, 0, {})
    if not isinstance(item, dict):
        record.problems.append((WHOLE_ROW, "Each record must be an object of field names and values"))
        return record
    for name in getattr(item, "repeated", ()):
        record.problems.append((name, "The record names this field more than once"))
    for name, value in item.items():
        if isinstance(value, dict | list):
            record.problems.append(
                (name, "Must be one value (text, a number, true or false), not a list or an object")
            )
            continue
        text = _scalar_text(value)
        message = _value_problem(text, limits)
        if message:
            record.problems.append((name, message))
        record.values[name] = text
    return record


def _scalar_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
