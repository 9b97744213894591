"""Builders for child index tests: agency files as bytes, and imports run through the real action."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from goldenthread.agencies.models import Agency, AgencyKind
from goldenthread.core.actor import Actor
from goldenthread.people.actions import records_import
from goldenthread.people.importing import COLUMNS
from goldenthread.people.models import ImportBatch, SourceRecord

# Valid NHS numbers (modulus 11), fictitious.
NHS_A = "9434765919"
NHS_B = "9434765870"

AMELIA = {
    "local_id": "H-1",
    "given_name": "Amelia",
    "family_name": "Kowalski",
    "date_of_birth": "2016-04-09",
    "sex": "female",
    "nhs_number": NHS_A,
    "address_line": "12 Acacia Avenue",
    "postcode": "NS1 4AB",
    "service": "Health visiting",
    "practitioner_name": "Kasia Nowak",
    "practitioner_phone": "01234 567890",
    "practitioner_email": "k.nowak@health.example",
    "involvement_start": "2023-01-10",
    "lead_professional": "yes",
}


def agency(code: str, kind: str = AgencyKind.OTHER) -> Agency:
    found, _ = Agency.objects.get_or_create(code=code, defaults={"name": f"Agency {code}", "kind": kind})
    return found


def csv_bytes(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in COLUMNS})
    return out.getvalue().encode("utf-8")


def json_bytes(rows: list[dict[str, Any]]) -> bytes:
    return json.dumps(rows).encode("utf-8")


def import_rows(code: str, rows: list[dict[str, Any]], filename: str = "records.csv") -> ImportBatch:
    return records_import(
        agency=agency(code),
        filename=filename,
        content=csv_bytes(rows),
        by=Actor(username="test-import", agency_code=code),
    )


def record(code: str, local_id: str) -> SourceRecord:
    return SourceRecord.objects.select_related("person").get(agency__code=code, local_id=local_id)


def row(**changes: Any) -> dict[str, Any]:
    return {**AMELIA, **changes}
