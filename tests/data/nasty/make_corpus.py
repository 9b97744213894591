# ruff: noqa: E501 - one line per file, as the file's rows read
"""Writes the corpus of nasty agency files beside this script (run from anywhere: python make_corpus.py).

The files are kept in the repository; this script says how each was made and remakes them. What each
must give (imported rows, rejected rows and their fields, or a whole-file message) is in
tests/support/nasty.py. Every record is fictitious.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
HEADER = "local_id,given_name,family_name,date_of_birth,sex,postcode,service"
GOOD_1 = "N-1,Amelia,Kowalski,2016-04-09,F,NS1 4AB,Health visiting"
GOOD_2 = "N-2,Joanna,Kowalski,1990-06-02,F,NS1 4AB,Health visiting"
GOOD_3 = "N-3,Leo,Marsh,2019-11-23,M,NS2 7QT,Health visiting"


def _csv(*lines: str, ending: str = "\n") -> bytes:
    return (ending.join(lines) + ending).encode("utf-8")


def _record(local_id: str, given: str, **more: object) -> dict[str, object]:
    return {
        "local_id": local_id,
        "given_name": given,
        "family_name": "Kowalski",
        "service": "Health visiting",
        **more,
    }


FILES: dict[str, bytes] = {
    # Structure of the rows
    "trailing_comma_each_row.csv": _csv(HEADER, GOOD_1 + ",", GOOD_2 + ",", GOOD_3 + ","),
    "extra_cell_first_row.csv": _csv(HEADER, GOOD_1 + ",surplus", GOOD_2, GOOD_3),
    "extra_cells_middle_row.csv": _csv(
        HEADER, GOOD_1, "N-2,Joanna,Kowalski,1990-06-02,F,NS1,4AB,Health visiting", GOOD_3
    ),
    "missing_cells.csv": _csv(HEADER, GOOD_1, "N-2,Joanna,Kowalski", GOOD_3),
    "duplicate_header.csv": _csv(HEADER + ",given_name", GOOD_1 + ",Other", GOOD_2 + ",Other"),
    "empty_header_column.csv": _csv("local_id,,given_name,family_name,service", "N-1,x,Amelia,Kowalski,HV"),
    "trailing_comma_header.csv": _csv(HEADER + ",", GOOD_1 + ",", GOOD_2 + ","),
    "crlf_lines.csv": _csv(HEADER, GOOD_1, GOOD_2, ending="\r\n"),
    "blank_lines.csv": _csv("", HEADER, "", GOOD_1, "", GOOD_2, ""),
    "utf8_bom.csv": b"\xef\xbb\xbf" + _csv(HEADER, GOOD_1, GOOD_2),
    # Characters
    "nul_byte.csv": _csv(
        HEADER, GOOD_1, "N-2,Jo\x00anna,Kowalski,1990-06-02,F,NS1 4AB,Health visiting", GOOD_3
    ),
    "control_characters.csv": _csv(
        HEADER,
        "N-1,Ame\x1blia,Kowalski,2016-04-09,F,NS1 4AB,Health visiting",
        "N-2,Joanna,Kowal\x7fski,1990-06-02,F,NS1 4AB,Health visiting",
        "N-3,Leo,Marsh,2019-11-23,M,NS2 7QT,Health\x85visiting",
    ),
    "nul_in_header.csv": _csv("local_id,given_\x00name,family_name,service", "N-1,Amelia,Kowalski,HV"),
    "latin1.csv": _csv(HEADER).replace(b"\n", b"\n")
    + "N-1,Zoë,Kowalski,2016-04-09,F,NS1 4AB,HV\n".encode("latin-1"),
    "utf16.csv": (HEADER + "\n" + GOOD_1 + "\n").encode("utf-16"),
    "binary.csv": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\xff\xfe",
    "empty.csv": b"",
    "header_only.csv": _csv(HEADER),
    # Quotes
    "unbalanced_quote_to_end.csv": _csv(
        HEADER, GOOD_1, 'N-2,"Joanna,Kowalski,1990-06-02,F,NS1 4AB,Health visiting', GOOD_3
    ),
    "unbalanced_quote_swallows_row.csv": _csv(
        HEADER,
        'N-1,"Amelia,Kowalski,2016-04-09,F,NS1 4AB,Health visiting',
        'N-2,Joanna,Kowalski,1990-06-02,F,"NS1 4AB",HV',
        GOOD_3,
    ),
    "quote_in_the_middle.csv": _csv(
        HEADER, GOOD_1, 'N-2,"Jo"anna,Kowalski,1990-06-02,F,NS1 4AB,Health visiting', GOOD_3
    ),
    "line_break_in_quotes.csv": _csv(
        HEADER, GOOD_1, 'N-2,Joanna,Kowalski,1990-06-02,F,NS1 4AB,"Health\nvisiting"', GOOD_3
    ),
    # Length
    "long_field.csv": _csv(HEADER, GOOD_1, "N-2,Joanna," + "K" * 10_001 + ",1990-06-02,F,NS1 4AB,HV", GOOD_3),
    "field_over_csv_limit.csv": _csv(
        HEADER, GOOD_1, "N-2,Joanna,Kowalski,1990-06-02,F,NS1 4AB," + "H" * 140_000, GOOD_3
    ),
    "header_field_over_131072.csv": _csv(HEADER + "," + "x" * 131_073, GOOD_1 + ",y"),
    # Dates
    "impossible_dates.csv": _csv(
        HEADER, GOOD_1, "N-2,Joanna,Kowalski,2016-02-31,F,NS1 4AB,HV", "N-3,Leo,Marsh,31/02/2019,M,NS2 7QT,HV"
    ),
    # JSON
    "valid.json": json.dumps(
        {"records": [_record("N-1", "Amelia", nhs_number=9434765919), _record("N-2", "Joanna")]}
    ).encode(),
    "deep_nesting.json": ("[" * 100_000 + "]" * 100_000).encode(),
    "deep_nesting_in_value.json": (
        '[{"local_id": "N-1", "given_name": ' + "[" * 30 + "]" * 30 + "}]"
    ).encode(),
    "integer_over_4300_digits.json": (
        '[{"local_id": "N-1", "given_name": "Amelia", "family_name": "Kowalski", "service": "HV", "nhs_number": '
        + "9" * 5000
        + '}, {"local_id": "N-2", "given_name": "Joanna", "family_name": "Kowalski", "service": "HV"}]'
    ).encode(),
    "object_value.json": json.dumps(
        [_record("N-1", "Amelia", address_line={"x": [1, 2]}), _record("N-2", "Joanna")]
    ).encode(),
    "array_value.json": json.dumps([_record("N-1", "Amelia"), _record("N-2", ["Jo", "Anna"])]).encode(),
    "duplicate_key.json": (
        b'[{"local_id": "N-1", "given_name": "Amelia", "given_name": "Other", "family_name": "Kowalski", "service": "HV"},'
        b' {"local_id": "N-2", "given_name": "Joanna", "family_name": "Kowalski", "service": "HV"}]'
    ),
    "lone_surrogate.json": (
        b'[{"local_id": "N-1", "given_name": "Am\\ud800elia", "family_name": "Kowalski", "service": "HV"},'
        b' {"local_id": "N-2", "given_name": "Joanna", "family_name": "Kowalski", "service": "HV"}]'
    ),
    "nul_escape.json": (
        b'[{"local_id": "N-1", "given_name": "Am\\u0000elia", "family_name": "Kowalski", "service": "HV"},'
        b' {"local_id": "N-2", "given_name": "Joanna", "family_name": "Kowalski", "service": "HV"}]'
    ),
    "record_not_an_object.json": json.dumps(["N-1", _record("N-2", "Joanna")]).encode(),
    "not_a_list.json": b'{"people": []}',
    "broken.json": b'[{"local_id": "N-1", ',
}


if __name__ == "__main__":
    for name, content in FILES.items():
        (HERE / name).write_bytes(content)
    print(f"wrote {len(FILES)} files to {HERE}")
