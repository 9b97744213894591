"""The import's file format as the service shows it (people:import-format) and as docs/import-format.md
lists it: one table, which a test keeps equal to the document's, and a CSV template to start from."""

from __future__ import annotations

import io
import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from goldenthread.linkage.spreadsheet import csv_safe_writer
from goldenthread.people.importing import COLUMNS

# (columns, required, format) with `code` in back quotes, as in the document's table.
FORMAT_TABLE: tuple[tuple[str, str, str], ...] = (
    (
        "`local_id`",
        "yes",
        (
            "the agency's own reference for the record: up to 100 letters, digits and `. _ : / -`. "
            "Unique within the agency."
        ),
    ),
    (
        "`given_name`",
        "one of the two",
        "as recorded, any script (transliterated for matching only)",
    ),
    (
        "`family_name`",
        "one of the two",
        "as recorded",
    ),
    (
        "`other_names`",
        "no",
        "aliases: `Family, Given; Family2, Given2` (a part without a comma is a family name)",
    ),
    (
        "`previous_family_name`",
        "no",
        "a former family name",
    ),
    (
        "`date_of_birth`",
        "no",
        (
            "`YYYY-MM-DD`; `YYYY-MM` or `YYYY` when only partly known; `DD/MM/YYYY` is accepted. A "
            "month above 12 with a day of 12 or less is read as a day/month swap. Impossible dates "
            "(31 February) are rejected."
        ),
    ),
    (
        "`sex`",
        "no",
        "`female`, `male`, `other`, `unknown` (also `F`, `M`)",
    ),
    (
        "`nhs_number`",
        "no",
        "10 digits (spaces allowed) with a correct modulus 11 check digit",
    ),
    (
        "`upn`",
        "no",
        "unique pupil number: a letter and 12 characters",
    ),
    (
        "`address_line`",
        "no",
        "as recorded",
    ),
    (
        "`postcode`",
        "no",
        "a UK postcode, any spacing or case",
    ),
    (
        "`address_from`",
        "no",
        "`YYYY-MM-DD`: since when the person lives there",
    ),
    (
        "`preferred_language`",
        "no",
        "free text",
    ),
    (
        "`interpreter_needed`",
        "no",
        "`yes` / `no`",
    ),
    (
        "`date_of_death`",
        "no",
        "`YYYY-MM-DD`, not before the date of birth",
    ),
    (
        "`is_child`",
        "no",
        "`yes` / `no`, when the agency knows better than the date of birth (otherwise under 18 is a child)",
    ),
    (
        "`shielded`",
        "no",
        (
            "`yes` / `no`. A shielded person is never found by address or postcode and their card "
            "shows only the brokered contact. One agency's `yes` shields the person everywhere."
        ),
    ),
    (
        "`brokered_contact`",
        "when shielded or sensitive",
        "who to contact instead, e.g. `Safeguarding team, 01234 000300`",
    ),
    (
        "`service`",
        "yes",
        "the agency's service involved, e.g. `Health visiting`",
    ),
    (
        "`practitioner_name`, `practitioner_phone`, `practitioner_email`",
        "no",
        "the named practitioner and how to contact them",
    ),
    (
        "`involvement_start`, `involvement_end`",
        "no",
        "`YYYY-MM-DD`; the end not before the start",
    ),
    (
        "`lead_professional`",
        "no",
        "`yes` / `no`",
    ),
    (
        "`sensitive_category`",
        "no",
        (
            "`sexual_health`, `mental_health` or `substance_misuse`: the card shows only "
            '"sensitive service involved" with the brokered contact, never the agency, service or '
            "practitioner"
        ),
    ),
    (
        "`related_local_id`, `relationship`",
        "together",
        (
            "this record's person is `relationship` of the person in the record `related_local_id` "
            "(same agency, same file or an earlier import): `parent_of`, "
            "`has_parental_responsibility_for`, `carer_of`, `sibling_of`, `household_member`. "
            "Several related records are separated by `;` (`C-1; C-2`), with one relationship for "
            "all of them or one each in the same order (`parent_of; carer_of`). Re-importing a "
            "record without one of them removes that relationship."
        ),
    ),
)

# The template's example row (fictitious, as in the document's example).
EXAMPLE = {
    "local_id": "HV-1001",
    "given_name": "Amelia",
    "family_name": "Kowalski",
    "date_of_birth": "2016-04-09",
    "sex": "F",
    "nhs_number": "943 476 5919",
    "address_line": "12 Acacia Avenue",
    "postcode": "NS1 4AB",
    "service": "Health visiting",
    "practitioner_name": "Kasia Nowak",
    "practitioner_email": "k.nowak@health.example",
    "lead_professional": "yes",
}


def with_code(text: str) -> SafeString:
    """The table's text as HTML: back-quoted parts as <code>, everything else escaped."""
    return mark_safe(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))  # noqa: S308 - escaped first


def format_rows() -> list[tuple[SafeString, str, SafeString]]:
    return [(with_code(columns), required, with_code(text)) for columns, required, text in FORMAT_TABLE]


def template_csv() -> str:
    out = io.StringIO()
    writer = csv_safe_writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerow([EXAMPLE.get(column, "") for column in COLUMNS])
    return out.getvalue()
