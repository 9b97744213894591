"""The ``goldenthread link`` contract, through the pure ``run_link``."""

import csv
import io

import pytest

from goldenthread.linkage import synthetic
from goldenthread.linkage.cli import run_link

HEADER = "record_id,source,given_name,family_name,date_of_birth,sex,postcode,address_line,nhs_number"


def _run(tmp_path, content: str | bytes, engine: str = "duckdb"):
    path = tmp_path / "in.csv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    status = run_link(str(path), str(tmp_path / "out.csv"), engine, out, err)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def synthetic_csv(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("link") / "records.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        synthetic.write_csv(handle, 150, seed=21)
    return path.read_text(encoding="utf-8")


def test_run_link_writes_one_row_per_input_record(tmp_path, synthetic_csv):
    status, out, err = _run(tmp_path, synthetic_csv)
    assert status == 0, err
    with open(tmp_path / "out.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    inputs = list(csv.DictReader(io.StringIO(synthetic_csv)))
    assert list(rows[0]) == ["record_id", "person_id"]
    assert [r["record_id"] for r in rows] == [r["record_id"] for r in inputs]
    assert 100 <= len({r["person_id"] for r in rows}) < len(rows)
    assert "linked" in out
    assert "read" in err  # progress goes to stderr


def test_run_link_missing_file_exit_2_names_it(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    status = run_link(str(tmp_path / "nope.csv"), str(tmp_path / "out.csv"), "duckdb", out, err)
    assert status == 2
    assert "not found" in err.getvalue() and "nope.csv" in err.getvalue()
    assert "Traceback" not in err.getvalue()


def test_run_link_empty_file_exit_2(tmp_path):
    status, _, err = _run(tmp_path, "")
    assert status == 2 and "empty" in err


def test_run_link_header_only_exit_2(tmp_path):
    status, _, err = _run(tmp_path, HEADER + "\n")
    assert status == 2 and "no records" in err


def test_run_link_missing_columns_named(tmp_path):
    status, _, err = _run(tmp_path, "record_id,given_name,family_name\n1,Ann,Lee\n")
    assert status == 2
    for column in ("source", "date_of_birth", "nhs_number"):
        assert column in err
    assert "given_name, family_name" not in err.split("missing")[1].split("(")[0]


def test_run_link_not_a_csv_exit_2(tmp_path):
    status, _, err = _run(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    assert status == 2 and "Traceback" not in err and "error:" in err


def test_run_link_json_instead_of_csv_exit_2(tmp_path):
    status, _, err = _run(tmp_path, '{"records": [{"record_id": 1}]}\n')
    assert status == 2 and "missing required column" in err


def test_run_link_duplicate_record_ids_named(tmp_path):
    rows = [HEADER, "A1,x,Ann,Lee,,,,,", "A2,x,Bob,Lee,,,,,", "A1,y,Ann,Lee,,,,,", "A2,y,Bob,Lee,,,,,"]
    status, _, err = _run(tmp_path, "\n".join(rows) + "\n")
    assert status == 2 and "duplicate record_id" in err and "A1" in err and "A2" in err


def test_run_link_blank_record_id_exit_2(tmp_path):
    status, _, err = _run(tmp_path, HEADER + "\n,x,Ann,Lee,,,,,\n")
    assert status == 2 and "blank record_id" in err


def test_run_link_unknown_engine_exit_2(tmp_path, synthetic_csv):
    status, _, err = _run(tmp_path, synthetic_csv, engine="oracle")
    assert status == 2 and "unknown engine" in err


def test_run_link_extra_columns_ignored_and_bad_dates_accepted(tmp_path):
    rows = [
        "notes," + HEADER + ",favourite_colour",
        "free text,1,health,Jack,Smith,2015-02-31,M,M1 1AE,1 Oak Road,,blue",
        "x,2,school,Jack,Smith,,M,M1 1AE,1 Oak Rd,,red",
        "y,3,police,Jack,Smith,unknown,M,M1 1AE,,,green",
        "z,4,school,Amira,Begum,31/13/2014,F,B8 2ZZ,5 Elm Close,,",
        "w,5,health,Amira,Begum,2014-13-31,F,B8 2ZZ,5 Elm Cl,,",
    ]
    status, _, err = _run(tmp_path, "\n".join(rows) + "\n")
    assert status == 0, err
    with open(tmp_path / "out.csv", encoding="utf-8") as handle:
        rows_out = list(csv.DictReader(handle))
    assert [r["record_id"] for r in rows_out] == ["1", "2", "3", "4", "5"]
    assert list(rows_out[0]) == ["record_id", "person_id"]
