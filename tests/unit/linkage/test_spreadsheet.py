"""CSV made safe for spreadsheets and written whole or not at all (linkage.spreadsheet)."""

from __future__ import annotations

import io

import pytest

from goldenthread.linkage.spreadsheet import OutputError, cell_safe, csv_safe_writer, write_atomic


@pytest.mark.parametrize("value", ["=1+1", "+cmd|calc", "-2", "@SUM(1)", "\tx", "\rx", '=HYPERLINK("h","x")'])
def test_cell_safe_formula_start_gets_quote(value: str) -> None:
    assert cell_safe(value) == "'" + value


@pytest.mark.parametrize("value", ["Amelia", "", "1=1", "O'Brien", 5, None])
def test_cell_safe_other_values_unchanged(value: object) -> None:
    assert cell_safe(value) == value


def test_csv_safe_writer_neutralises_every_cell() -> None:
    out = io.StringIO()
    csv_safe_writer(out, lineterminator="\n").writerows([["=a", 1], ["b", "@c"]])
    assert out.getvalue() == "'=a,1\nb,'@c\n"


def test_write_atomic_missing_folder_refused(tmp_path) -> None:
    with pytest.raises(OutputError, match="does not exist"):
        write_atomic(tmp_path / "no" / "x.csv", lambda out: out.write("x"))


def test_write_atomic_error_leaves_old_file(tmp_path) -> None:
    target = tmp_path / "x.csv"
    target.write_text("old", encoding="utf-8")

    def fail(out: io.TextIOBase) -> None:
        out.write("new, half")
        raise RuntimeError("stopped")

    with pytest.raises(RuntimeError):
        write_atomic(target, fail)
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.csv"]
