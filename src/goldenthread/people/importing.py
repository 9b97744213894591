"""Reading and validating an agency's file of person records (format: docs/import-format.md).

No database here: the file is parsed and every row checked on its own, so the report names each bad row
and field before anything is written. Messages never repeat the value, because reports are shown and
stored and the value may be personal data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from goldenthread.core.errors import ActionError
from goldenthread.linkage import normalise as nm
from goldenthread.linkage.agency_file import AgencyFileError, Limits, read_agency_file
from goldenthread.linkage.keys import BirthDate, normalise_sex, parse_birth_date, postcode_keys

COLUMNS = (
    "local_id",
    "given_name",
    "family_name",
    "other_names",
    "previous_family_name",
    "date_of_birth",
    "sex",
    "nhs_number",
    "upn",
    "address_line",
    "postcode",
    "address_from",
    "preferred_language",
    "interpreter_needed",
    "date_of_death",
    "is_child",
    "shielded",
    "brokered_contact",
    "service",
    "practitioner_name",
    "practitioner_phone",
    "practitioner_email",
    "involvement_start",
    "involvement_end",
    "lead_professional",
    "sensitive_category",
    "related_local_id",
    "relationship",
)
REQUIRED_COLUMNS = ("local_id", "given_name", "family_name", "service")
SENSITIVE = ("sexual_health", "mental_health", "substance_misuse")
RELATIONSHIPS = ("parent_of", "has_parental_responsibility_for", "carer_of", "sibling_of", "household_member")

_TRUE = {"yes", "y", "true", "1"}
_FALSE = {"no", "n", "false", "0", ""}
_UPN = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")
_PHONE = re.compile(r"^\+?[0-9 ()-]{6,40}$")
_LOCAL_ID = re.compile(r"^[\w.:/-]{1,100}$")
_LIMITS = {
    "given_name": 200,
    "family_name": 200,
    "previous_family_name": 200,
    "other_names": 1000,
    "address_line": 300,
    "preferred_language": 80,
    "brokered_contact": 300,
    "service": 200,
    "practitioner_name": 200,
}


class ImportFileError(ActionError):
    """The file as a whole cannot be read; no row is imported. Shown on the form's file field."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="file")


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str
    local_id: str = ""  # the agency's own reference for the record, when the row gives a readable one

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "local_id": self.local_id, "field": self.field, "message": self.message}


@dataclass
class Row:
    """One record of the file: its position (1 = first record), values as written and as understood."""

    number: int
    raw: dict[str, str]
    clean: dict[str, Any] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)

    @property
    def local_id(self) -> str:
        return self.raw.get("local_id", "")

    @property
    def content_hash(self) -> str:
        text = json.dumps(self.raw, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def error(self, field_name: str, message: str) -> None:
        local_id = self.local_id if _LOCAL_ID.match(self.local_id) else ""
        self.errors.append(RowError(self.number, field_name, message, local_id))


@dataclass
class ParsedFile:
    file_format: str
    sha256: str
    rows: list[Row]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).strip()


def import_limits() -> Limits:
    """The limits of one file (docs/import-format.md), from the environment through the settings."""
    limits: Limits = settings.IMPORT_LIMITS
    return limits


@dataclass
class RecordsRead:
    """A file's records as text, every column present, and what the reader could not read in each
    (row number -> [(field, message)]); nothing validated yet."""

    file_format: str
    records: list[dict[str, str]]
    problems: dict[int, list[tuple[str, str]]]


def read_file(content: bytes, filename: str) -> RecordsRead:
    """Raises ImportFileError when the file as a whole cannot be used (linkage.agency_file)."""
    try:
        read = read_agency_file(
            content, filename, limits=import_limits(), required=REQUIRED_COLUMNS, known=COLUMNS
        )
    except AgencyFileError as exc:
        raise ImportFileError(exc.message) from None
    return RecordsRead(
        file_format=read.file_format,
        records=[{c: _text(r.values.get(c)) for c in COLUMNS} for r in read.records],
        problems={r.number: r.problems for r in read.records if r.problems},
    )


def read_records(content: bytes, filename: str) -> tuple[str, list[dict[str, str]]]:
    """The file's format and its records as text, every column present; nothing validated yet.

    Raises ImportFileError when the file as a whole cannot be used.
    """
    read = read_file(content, filename)
    return read.file_format, read.records


def validate_row(number: int, raw: dict[str, str]) -> Row:
    """One record checked and understood on its own (row numbers count from 1)."""
    return _validate(Row(number=number, raw=raw))


def parse_file(content: bytes, filename: str) -> ParsedFile:
    read = read_file(content, filename)
    rows = [_validate_read(i, raw, read.problems.get(i)) for i, raw in enumerate(read.records, 1)]
    _check_duplicates(rows)
    return ParsedFile(read.file_format, hashlib.sha256(content).hexdigest(), rows)


def _validate_read(number: int, raw: dict[str, str], problems: list[tuple[str, str]] | None) -> Row:
    if not problems:
        return validate_row(number, raw)
    # What the reader could not read makes the row's values unreliable: only its problems are reported.
    row = Row(number=number, raw=raw)
    for field_name, message in problems:
        row.error(field_name, message)
    return row


def _check_duplicates(rows: list[Row]) -> None:
    seen: set[str] = set()
    for row in rows:
        if row.local_id and row.local_id in seen:
            row.error("local_id", "This local_id appears earlier in the file")
        seen.add(row.local_id)


def _flag(row: Row, name: str) -> bool:
    value = row.raw[name].lower()
    if value in _TRUE:
        return True
    if value not in _FALSE:
        row.error(name, "Use yes or no")
    return False


def _iso_date(row: Row, name: str) -> dt.date | None:
    value = row.raw[name]
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        row.error(name, _IMPOSSIBLE if _impossible_date(value) else "Enter a date as YYYY-MM-DD")
        return None


_IMPOSSIBLE = "There is no such date: that month has fewer days (such as 31 February)"
_DAY_MONTH_YEAR = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")
_YEAR_MONTH_DAY = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def _impossible_date(value: str) -> bool:
    """A date written in a form we read, with a real month, whose day that month does not have."""
    if match := _YEAR_MONTH_DAY.match(value):
        year, month, day = (int(part) for part in match.groups())
    elif match := _DAY_MONTH_YEAR.match(value):
        day, month, year = (int(part) for part in match.groups())
    else:
        return False
    if not 1 <= day <= 31:
        return False
    if not 1 <= month <= 12:
        month, day = day, month  # read as a day/month swap, as the date of birth is
        if not 1 <= month <= 12 or not 1 <= day <= 31:
            return False
    try:
        dt.date(year, month, day)
    except ValueError:
        return year >= 1
    return False


def _validate_reference(row: Row) -> None:
    """Field lengths, the agency's reference, a name and the service."""
    raw = row.raw
    for name, limit in _LIMITS.items():
        if len(raw[name]) > limit:
            row.error(name, f"Must be {limit} characters or fewer")
    if not raw["local_id"]:
        row.error("local_id", "Enter the agency's own reference for the record")
    elif not _LOCAL_ID.match(raw["local_id"]):
        row.error("local_id", "Use up to 100 letters, digits and . _ : / -")
    if not nm.normalise_name(raw["given_name"]) and not nm.normalise_name(raw["family_name"]):
        row.error("family_name", "Enter a given name or a family name")
    if not raw["service"]:
        row.error("service", "Enter the service working with the person")


def _validate_birth_and_sex(row: Row) -> BirthDate | None:
    """The date of birth (None when missing or unreadable) and sex."""
    raw, clean = row.raw, row.clean
    birth: BirthDate | None = None
    if raw["date_of_birth"]:
        birth = parse_birth_date(raw["date_of_birth"])
        # The parser salvages the year of an impossible full date (31/31/2016); an import should not.
        claims_day = len(re.findall(r"\d+", raw["date_of_birth"])) >= 3 or raw["date_of_birth"].isdigit()
        if birth is None or (claims_day and len(raw["date_of_birth"]) > 4 and birth.precision != "day"):
            if _impossible_date(raw["date_of_birth"]):
                row.error("date_of_birth", _IMPOSSIBLE)
            else:
                row.error("date_of_birth", "Not a date of birth we can read: use YYYY-MM-DD, YYYY-MM or YYYY")
            birth = None
    clean["birth"] = birth
    sex = normalise_sex(raw["sex"])
    if sex is None:
        row.error("sex", "Use female, male, other or unknown")
    clean["sex"] = sex or "unknown"
    return birth


def _validate_identifiers(row: Row) -> None:
    """NHS number, unique pupil number and postcode, normalised."""
    raw, clean = row.raw, row.clean
    clean["nhs_number"] = ""
    if raw["nhs_number"]:
        nhs = nm.normalise_nhs_number(raw["nhs_number"])
        if nhs is None:
            row.error("nhs_number", "Not a valid NHS number: 10 digits with a correct check digit")
        clean["nhs_number"] = nhs or ""
    clean["upn"] = raw["upn"].upper().replace(" ", "")
    if clean["upn"] and not _UPN.match(clean["upn"]):
        row.error("upn", "A unique pupil number is a letter followed by 12 characters")

    clean["postcode"], clean["postcode_sector"] = "", ""
    if raw["postcode"]:
        keys = postcode_keys(raw["postcode"])
        if keys is None:
            row.error("postcode", "Not a UK postcode")
        else:
            clean["postcode"], clean["postcode_sector"] = keys


def _validate_dates_and_flags(row: Row, birth: BirthDate | None) -> None:
    """Address and death dates, and the yes/no columns."""
    raw, clean = row.raw, row.clean
    clean["address_from"] = _iso_date(row, "address_from")
    clean["date_of_death"] = _iso_date(row, "date_of_death")
    if clean["date_of_death"] and birth and clean["date_of_death"] < birth.date:
        row.error("date_of_death", "Must be on or after the date of birth")
    clean["interpreter_needed"] = _flag(row, "interpreter_needed")
    clean["shielded"] = _flag(row, "shielded")
    clean["lead_professional"] = _flag(row, "lead_professional")
    clean["is_child"] = None if not raw["is_child"] else _flag(row, "is_child")


def _validate_involvement(row: Row) -> None:
    """The practitioner's contact, the involvement's dates and what a shielded or sensitive record needs."""
    raw, clean = row.raw, row.clean
    if raw["practitioner_email"]:
        try:
            validate_email(raw["practitioner_email"])
        except ValidationError:
            row.error("practitioner_email", "Enter an email address like name@example.org")
    if raw["practitioner_phone"] and not _PHONE.match(raw["practitioner_phone"]):
        row.error("practitioner_phone", "Enter a phone number using digits, spaces and + ( ) -")
    clean["involvement_start"] = _iso_date(row, "involvement_start")
    clean["involvement_end"] = _iso_date(row, "involvement_end")
    start, end = clean["involvement_start"], clean["involvement_end"]
    if start and end and end < start:
        row.error("involvement_end", "Must be on or after involvement_start")
    if raw["sensitive_category"] and raw["sensitive_category"] not in SENSITIVE:
        row.error("sensitive_category", f"Use one of: {', '.join(SENSITIVE)}")
    if (clean["shielded"] or raw["sensitive_category"]) and not raw["brokered_contact"]:
        row.error("brokered_contact", "Enter who to contact instead (needed when shielded or sensitive)")


def _validate(row: Row) -> Row:
    # Each part records its errors on the row; this order is the order a row's errors are listed in.
    _validate_reference(row)
    birth = _validate_birth_and_sex(row)
    _validate_identifiers(row)
    _validate_dates_and_flags(row, birth)
    _validate_involvement(row)
    raw, clean = row.raw, row.clean
    clean["relationships"] = _relationships(row)
    clean["other_names"] = _other_names(raw["other_names"])
    return row


def _relationships(row: Row) -> list[tuple[str, str]]:
    """ "C-1; C-2" with "parent_of" (one kind for all) or "parent_of; carer_of" (one each) -> pairs."""
    raw = row.raw
    related = [part.strip() for part in raw["related_local_id"].split(";") if part.strip()]
    kinds = [part.strip() for part in raw["relationship"].split(";") if part.strip()]
    if bool(related) != bool(kinds):
        row.error("relationship", "Give related_local_id and relationship together")
        return []
    if len(kinds) == 1:
        kinds = kinds * len(related)
    if len(kinds) != len(related):
        row.error("relationship", "Give one relationship for all the related records, or one for each")
        return []
    if any(kind not in RELATIONSHIPS for kind in kinds):
        row.error("relationship", f"Use one of: {', '.join(RELATIONSHIPS)}")
        return []
    if raw["local_id"] in related:
        row.error("related_local_id", "A record cannot be related to itself")
        return []
    if len(set(related)) != len(related):
        row.error("related_local_id", "A related record is listed twice")
        return []
    return list(zip(related, kinds, strict=True))


def _other_names(text: str) -> list[tuple[str, str]]:
    """ "Family, Given; Family2, Given2" -> [(given, family), ...]; no comma: a family name only."""
    names = []
    for part in text.split(";"):
        family, _, given = part.partition(",")
        if family.strip() or given.strip():
            names.append((given.strip(), family.strip()))
    return names
