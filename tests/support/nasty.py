"""What each file of the nasty corpus (tests/data/nasty/, made by make_corpus.py there) must give.

``file``: the whole file is refused with a message containing this text. Otherwise ``rejected`` maps
each rejected row to the field its first problem names, and the other rows are imported; ``reader``
is what the strict reader alone reports (the import's checks of each value add to it), by default the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "data" / "nasty"
WHOLE_ROW = "(whole row)"


@dataclass(frozen=True)
class Expect:
    file: str = ""
    rejected: dict[int, str] = field(default_factory=dict)
    records: int = 0
    reader: dict[int, str] | None = None

    @property
    def reader_problems(self) -> dict[int, str]:
        return self.rejected if self.reader is None else self.reader


EXPECTED: dict[str, Expect] = {
    "trailing_comma_each_row.csv": Expect(rejected={1: "service", 2: "service", 3: "service"}, records=3),
    "extra_cell_first_row.csv": Expect(rejected={1: "service"}, records=3),
    "extra_cells_middle_row.csv": Expect(rejected={2: "service"}, records=3),
    "missing_cells.csv": Expect(rejected={2: "date_of_birth"}, records=3),
    "duplicate_header.csv": Expect(file="given_name more than once"),
    "empty_header_column.csv": Expect(file="Column 2 of the header row has no name"),
    "trailing_comma_header.csv": Expect(file="comma at the end of the header row"),
    "crlf_lines.csv": Expect(records=2),
    "blank_lines.csv": Expect(records=2),
    "utf8_bom.csv": Expect(records=2),
    "nul_byte.csv": Expect(rejected={2: "given_name"}, records=3),
    "control_characters.csv": Expect(rejected={1: "given_name", 2: "family_name", 3: "service"}, records=3),
    "nul_in_header.csv": Expect(file="Column 2 of the header row is not a column name"),
    "latin1.csv": Expect(file="not UTF-8"),
    "utf16.csv": Expect(file="not UTF-8"),
    "binary.csv": Expect(file="not UTF-8"),
    "empty.csv": Expect(file="empty"),
    "header_only.csv": Expect(file="no records"),
    "unbalanced_quote_to_end.csv": Expect(file="Line 3: a quote"),
    "unbalanced_quote_swallows_row.csv": Expect(rejected={1: WHOLE_ROW}, records=2),
    "quote_in_the_middle.csv": Expect(rejected={2: WHOLE_ROW}, records=3),
    "line_break_in_quotes.csv": Expect(rejected={2: "service"}, records=3),
    "long_field.csv": Expect(rejected={2: "family_name"}, records=3),
    "field_over_csv_limit.csv": Expect(rejected={2: "service"}, records=3),
    "header_field_over_131072.csv": Expect(file="Column 8 of the header row is not a column name"),
    "impossible_dates.csv": Expect(rejected={2: "date_of_birth", 3: "date_of_birth"}, records=3, reader={}),
    "valid.json": Expect(records=2),
    "deep_nesting.json": Expect(file="nested more than"),
    "deep_nesting_in_value.json": Expect(file="nested more than"),
    "integer_over_4300_digits.json": Expect(rejected={1: "nhs_number"}, records=2, reader={}),
    "object_value.json": Expect(rejected={1: "address_line"}, records=2),
    "array_value.json": Expect(rejected={2: "given_name"}, records=2),
    "duplicate_key.json": Expect(rejected={1: "given_name"}, records=2),
    "lone_surrogate.json": Expect(rejected={1: "given_name"}, records=2),
    "nul_escape.json": Expect(rejected={1: "given_name"}, records=2),
    "record_not_an_object.json": Expect(rejected={1: WHOLE_ROW}, records=2),
    "not_a_list.json": Expect(file="must be a list of records"),
    "broken.json": Expect(file="The JSON could not be read"),
}
