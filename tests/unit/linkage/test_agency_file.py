"""The strict reader of agencies' files (linkage.agency_file), pure: every file of the nasty corpus gives
what tests/support/nasty.py says, as a whole-file message or problems by row and field, never a traceback."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.support.nasty import CORPUS, EXPECTED

from goldenthread.environment import EnvironmentValueError
from goldenthread.linkage.agency_file import AgencyFileError, Limits, read_agency_file

REQUIRED = ("local_id", "given_name", "family_name", "service")
LIMITS = Limits()


def test_corpus_every_file_has_an_expectation() -> None:
    on_disk = {path.name for path in CORPUS.iterdir() if path.suffix in (".csv", ".json")}
    assert on_disk == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_read_agency_file_corpus_gives_message_or_rows(name: str) -> None:
    expect = EXPECTED[name]
    content = (CORPUS / name).read_bytes()
    if expect.file:
        with pytest.raises(AgencyFileError) as raised:
            read_agency_file(content, name, limits=LIMITS, required=REQUIRED)
        assert expect.file in raised.value.message
        return
    read = read_agency_file(content, name, limits=LIMITS, required=REQUIRED)
    assert len(read.records) == expect.records
    problems = {r.number: r.problems[0][0] for r in read.records if r.problems}
    assert problems == expect.reader_problems
    for record in read.records:
        for _, message in record.problems:
            assert "Kowalski" not in message and "Joanna" not in message  # never the value


def test_read_agency_file_valid_rows_as_written() -> None:
    read = read_agency_file((CORPUS / "nul_byte.csv").read_bytes(), "x.csv", limits=LIMITS, required=REQUIRED)
    assert read.records[0].values == {
        "local_id": "N-1",
        "given_name": "Amelia",
        "family_name": "Kowalski",
        "date_of_birth": "2016-04-09",
        "sex": "F",
        "postcode": "NS1 4AB",
        "service": "Health visiting",
    }
    assert (read.records[2].number, read.records[2].line) == (3, 4)


def test_read_agency_file_json_numbers_and_flags_as_text() -> None:
    content = b'[{"local_id": "A", "nhs_number": 9434765919, "shielded": true, "upn": null, "x": 1.5}]'
    read = read_agency_file(content, "f.json", limits=LIMITS)
    assert read.records[0].values == {
        "local_id": "A",
        "nhs_number": "9434765919",
        "shielded": "yes",
        "upn": "",
        "x": "1.5",
    }


def test_read_agency_file_too_many_rows_refused() -> None:
    content = b"local_id\n" + b"".join(b"R-%d\n" % n for n in range(11))
    with pytest.raises(AgencyFileError, match="more than 10 records"):
        read_agency_file(content, "f.csv", limits=Limits(max_rows=10))


def test_read_agency_file_too_large_refused() -> None:
    with pytest.raises(AgencyFileError, match="larger than 2,048 bytes"):
        read_agency_file(b"local_id\n" + b"x" * 2048, "f.csv", limits=Limits(max_bytes=2048))


def test_read_agency_file_unknown_column_refused_when_known_given() -> None:
    with pytest.raises(AgencyFileError, match="does not know: colour"):
        read_agency_file(b"local_id,colour\nA,red\n", "f.csv", limits=LIMITS, known=("local_id",))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "GOLDENTHREAD_IMPORT_MAX_ROWS must be a whole number"),
        ("1.5", "GOLDENTHREAD_IMPORT_MAX_ROWS must be a whole number"),
        ("0", "GOLDENTHREAD_IMPORT_MAX_ROWS must be at least 1"),
        ("-5", "GOLDENTHREAD_IMPORT_MAX_ROWS must be at least 1"),
        ("99999999999", "GOLDENTHREAD_IMPORT_MAX_ROWS must be at most 10,000,000"),
    ],
)
def test_limits_from_environ_bad_value_names_variable(value: str, message: str) -> None:
    with pytest.raises(EnvironmentValueError, match=message):
        Limits.from_environ({"GOLDENTHREAD_IMPORT_MAX_ROWS": value})


def test_limits_from_environ_reads_each_variable() -> None:
    limits = Limits.from_environ(
        {
            "GOLDENTHREAD_IMPORT_MAX_BYTES": "4096",
            "GOLDENTHREAD_IMPORT_MAX_ROWS": "7",
            "GOLDENTHREAD_IMPORT_MAX_FIELD_CHARS": "300",
            "GOLDENTHREAD_IMPORT_MAX_DEPTH": "5",
        }
    )
    assert limits == Limits(max_bytes=4096, max_rows=7, max_field_chars=300, max_depth=5)


# --- any bytes at all: a message or records, never another exception ----------------------------------

CELL = st.text(st.characters(codec="utf-8"), max_size=12) | st.sampled_from(
    ['"', '""', ",", "\n", "\r", "\x00"]
)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_read_agency_file_any_bytes_message_or_records(content: bytes) -> None:
    for name in ("f.csv", "f.json"):
        try:
            read = read_agency_file(content, name, limits=LIMITS)
        except AgencyFileError as exc:
            assert exc.message
        else:
            assert all(isinstance(v, str) for r in read.records for v in r.values.values())


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(CELL, min_size=0, max_size=5), min_size=1, max_size=6))
def test_read_agency_file_any_csv_like_text_message_or_records(rows: list[list[str]]) -> None:
    text = "local_id,given_name\n" + "\n".join(",".join(cells) for cells in rows)
    try:
        read = read_agency_file(text.encode("utf-8", "surrogatepass"), "f.csv", limits=LIMITS)
    except AgencyFileError as exc:
        assert exc.message
        return
    for record in read.records:
        if not record.problems:  # a row kept has exactly the header's fields, each on one line, no controls
            assert set(record.values) == {"local_id", "given_name"}
            assert not any(c in v for v in record.values.values() for c in "\x00\n\r")
