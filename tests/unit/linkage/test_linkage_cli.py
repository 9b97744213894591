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


ROWS = ["A1,x,Ann,Lee,2015-01-02,F,M1 1AE,1 Oak Road,", "A2,y,Bob,Lee,2014-03-04,M,M1 1AE,1 Oak Road,"]


def test_run_link_trailing_comma_each_row_refused_naming_rows(tmp_path):
    status, _, err = _run(tmp_path, "\n".join([HEADER, *(r + "," for r in ROWS)]) + "\n")
    assert status == 2 and "Traceback" not in err
    assert "row 1 (line 2), nhs_number: The row ends with an extra comma" in err
    assert "row 2 (line 3)" in err
    assert not (tmp_path / "out.csv").exists()


def test_run_link_extra_cell_on_first_row_refused_not_duplicate(tmp_path):
    status, _, err = _run(tmp_path, "\n".join([HEADER, ROWS[0] + ",a,b", ROWS[1]]) + "\n")
    assert status == 2 and "row 1 (line 2)" in err and "11 cells but the header has 9" in err
    assert "duplicate" not in err and "TypeError" not in err


def test_run_link_nul_byte_refused_naming_row_and_field(tmp_path):
    status, _, err = _run(tmp_path, "\n".join([HEADER, ROWS[0], ROWS[1].replace("Bob", "B\x00ob")]) + "\n")
    assert status == 2 and "row 2 (line 3), given_name: Contains a control character" in err


def test_run_link_formula_record_ids_written_inert(tmp_path):
    ids = ['=HYPERLINK("http://x.example","y")', "+cmd|calc", "@SUM(1)", "-1", "\tTAB", "plain"]
    rows = [f'"{i.replace(chr(34), chr(34) * 2)}",s,Ann{n},Lee{n},,,,,' for n, i in enumerate(ids)]
    status, _, err = _run(tmp_path, "\n".join([HEADER, *rows]) + "\n")
    assert status == 0, err
    with open(tmp_path / "out.csv", encoding="utf-8", newline="") as handle:
        written = [r["record_id"] for r in csv.DictReader(handle)]
    assert written == ["'" + i for i in ids[:-1]] + ["plain"]


def test_run_link_missing_folder_named_and_old_output_kept(tmp_path):
    (tmp_path / "in.csv").write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    status = run_link(str(tmp_path / "in.csv"), str(tmp_path / "nowhere" / "out.csv"), "duckdb", out, err)
    assert status == 2
    assert (
        f"the folder {tmp_path / 'nowhere'} does not exist" in err.getvalue() and "None" not in err.getvalue()
    )


def test_run_link_failed_write_keeps_old_output(tmp_path, monkeypatch):
    (tmp_path / "out.csv").write_text("record_id,person_id\nold,1\n", encoding="utf-8")

    def broken(result, out):
        out.write("record_id,person_id\nA1,")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("goldenthread.linkage.cli._write", broken)
    status, _, err = _run(tmp_path, "\n".join([HEADER, *ROWS]) + "\n")
    assert status == 2 and "No space left on device" in err
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == "record_id,person_id\nold,1\n"
    assert {p.name for p in tmp_path.iterdir()} == {"in.csv", "out.csv"}  # no partial file left


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("GOLDENTHREAD_IMPORT_MAX_FIELD_CHARS", "abc"),
        ("GOLDENTHREAD_LINK_MAX_ROWS", "0"),
        ("GOLDENTHREAD_DUCKDB_MEMORY", "lots"),
    ],
)
def test_run_link_bad_environment_value_names_variable(tmp_path, monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    status, _, err = _run(tmp_path, "\n".join([HEADER, *ROWS]) + "\n")
    assert status == 2 and variable in err and "Traceback" not in err
