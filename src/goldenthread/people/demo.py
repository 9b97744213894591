"""Fictitious children of the Northshire partnership, and the adults around them, for the demo.

Each agency's records are written as an import file and loaded through the real import and matching,
so the demo index has automatic links, a review queue and new people exactly as a real import would.
The matching package's seeded generator makes the messy records (nicknames, typos, swapped days and
months, house moves, missing NHS numbers); everything here is seeded, so every run makes the same files
and a second run imports nothing new.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from goldenthread.agencies.models import Agency
from goldenthread.core.actor import Actor
from goldenthread.linkage import normalise as nm
from goldenthread.linkage import synthetic_names as pools
from goldenthread.linkage.keys import parse_birth_date, postcode_keys
from goldenthread.linkage.synthetic import Child, Generator
from goldenthread.people.actions import records_import
from goldenthread.people.importing import COLUMNS
from goldenthread.people.models import ImportBatch

SEED = 2026
HOUSEHOLDS = 140
SCHOOLS = ("school-meadowbank", "school-st-aidans", "school-oakfield", "school-northshire-academy")
HEALTH_SAFEGUARDING = "Northshire Community Health safeguarding team, 01234 000300"
SAFE_HARBOUR = "Safe Harbour duty line, 01234 000111"


@dataclass(frozen=True)
class Service:
    name: str
    practitioner: str
    phone: str
    email: str


# The generator's agency kinds, mapped to the demo partnership's agencies and a service of each.
SERVICES: dict[str, tuple[str, Service]] = {
    "social_care": (
        "northshire-csc",
        Service("Child in need team", "Samira Ahmed", "01234 100200", "sw.ahmed@northshire.example"),
    ),
    "police": (
        "northshire-police",
        Service("Public Protection Unit", "DC Tom Walsh", "01234 200300", "pc.walsh@northshire.example"),
    ),
    "health": (
        "northshire-health",
        Service("Health visiting", "Kasia Nowak", "01234 300400", "hv.nowak@northshire.example"),
    ),
    "early_help": (
        "safe-harbour",
        Service("Family support", "Isla Campbell", "01234 500600", "vs.campbell@northshire.example"),
    ),
    "youth_justice": (
        "northshire-yjs",
        Service("Youth justice", "Ciaran O'Brien", "01234 600700", "yjs.obrien@northshire.example"),
    ),
    "housing": (
        "northshire-housing",
        Service("Tenancy support", "Ama Mensah", "01234 700800", "ho.mensah@northshire.example"),
    ),
}
SCHOOL_SERVICE = Service("Designated safeguarding lead", "Gareth Price", "01234 800900", "")


def _clean_dob(text: str) -> str:
    birth = parse_birth_date(text)
    return birth.date.isoformat()[: {"day": 10, "month": 7, "year": 4}[birth.precision]] if birth else ""


class DemoFiles:
    """Builds one CSV of rows per agency code."""

    def __init__(self, seed: int = SEED) -> None:
        self.generator = Generator(seed)
        self.rng = random.Random(seed + 1)  # noqa: S311 - demo data, not security
        self.rows: dict[str, list[dict[str, str]]] = defaultdict(list)
        self.counter = 0

    def _local_id(self, code: str) -> str:
        self.counter += 1
        prefix = "".join(part[0] for part in code.split("-")).upper()
        return f"{prefix}-{self.counter:05d}"

    def _row(self, code: str, service: Service, fields: dict[str, str]) -> dict[str, str]:
        start = dt.date(2022, 1, 1) + dt.timedelta(days=self.rng.randrange(900))
        row = {
            "local_id": self._local_id(code),
            "service": service.name,
            "practitioner_name": service.practitioner,
            "practitioner_phone": service.phone,
            "practitioner_email": service.email,
            "involvement_start": start.isoformat(),
            **fields,
        }
        self.rows[code].append(row)
        return row

    def _child_fields(self, child: Child, source: str) -> dict[str, str]:
        _, given, family, dob, sex, postcode, line, nhs, _ = self.generator.record(child, source)
        return {
            "given_name": given,
            "family_name": family,
            "date_of_birth": _clean_dob(dob),
            "sex": {"M": "male", "Male": "male", "F": "female", "Female": "female"}.get(sex, ""),
            "postcode": postcode if postcode_keys(postcode) else "",
            "address_line": line,
            "nhs_number": nm.normalise_nhs_number(nhs) or "",
        }

    def household(self, number: int) -> None:
        children = self.generator.household()
        school = SCHOOLS[number % len(SCHOOLS)]
        eldest_rows: dict[str, dict[str, str]] = {}
        for index, child in enumerate(children):
            copies = self.rng.choices((1, 2, 3), weights=(0.3, 0.45, 0.25))[0]
            sources = self.rng.sample(
                ["social_care", "police", "health", "school", "early_help", "housing"], copies
            )
            for source in sources:
                if source == "school":
                    code, service = school, SCHOOL_SERVICE
                else:
                    code, service = SERVICES[source]
                fields = self._child_fields(child, source)
                if source == "social_care":
                    fields["lead_professional"] = "yes"
                if index and code in eldest_rows:
                    fields["related_local_id"] = eldest_rows[code]["local_id"]
                    fields["relationship"] = "sibling_of"
                row = self._row(code, service, fields)
                if index == 0:
                    eldest_rows[code] = row
        self._parent(children, eldest_rows)
        self._specials(number, children)

    def _parent(self, children: list[Child], eldest_rows: dict[str, dict[str, str]]) -> None:
        eldest = children[0]
        names = pools.COMMUNITIES[eldest.community]
        given = self.rng.choice(names[2][:20])
        born = eldest.dob - dt.timedelta(days=365 * self.rng.randint(19, 38) + self.rng.randrange(365))
        address = eldest.addresses[0]
        for code in ("northshire-csc", "northshire-housing"):
            if code in eldest_rows:
                service = SERVICES["social_care" if code == "northshire-csc" else "housing"][1]
                self._row(
                    code,
                    service,
                    {
                        "given_name": given,
                        "family_name": eldest.family,
                        "date_of_birth": born.isoformat(),
                        "sex": "female",
                        "postcode": address.postcode,
                        "address_line": address.line,
                        "related_local_id": eldest_rows[code]["local_id"],
                        "relationship": "parent_of",
                        "is_child": "no",
                    },
                )

    def _specials(self, number: int, children: list[Child]) -> None:
        """A few records that show the card's protections: sensitive services and a shielded child."""
        child = children[-1]
        if number % 17 == 3:
            fields = self._child_fields(child, "health")
            fields.update(sensitive_category="sexual_health", brokered_contact=HEALTH_SAFEGUARDING)
            self._row("northshire-health", Service("Sexual health clinic", "", "", ""), fields)
        if number % 29 == 5:
            fields = self._child_fields(child, "early_help")
            fields.update(shielded="yes", brokered_contact=SAFE_HARBOUR)
            self._row("safe-harbour", SERVICES["early_help"][1], fields)

    def build(self, households: int) -> dict[str, bytes]:
        for number in range(households):
            self.household(number)
        files = {}
        for code, rows in sorted(self.rows.items()):
            out = io.StringIO()
            writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n")
            writer.writeheader()
            writer.writerows({c: r.get(c, "") for c in COLUMNS} for r in rows)
            files[code] = out.getvalue().encode("utf-8")
        return files


@transaction.atomic
def demo_children_load(*, households: int = HOUSEHOLDS, say: Callable[[str], None] = print) -> int:
    """Import every demo agency's file; returns how many records were new (0 on a repeat run).

    One transaction around the whole demo: the import's per-row transactions become savepoints, so
    SQLite syncs to disk once rather than once a row, and a failed demo load leaves no half index.
    """
    created = 0
    for code, content in DemoFiles().build(households).items():
        agency = Agency.objects.get(code=code)
        if ImportBatch.objects.filter(
            agency=agency, file_sha256=hashlib.sha256(content).hexdigest()
        ).exists():
            # Already loaded: a repeat run of demo-data leaves the index and the audit log as they were.
            say(f"  {code}: already imported")
            continue
        batch = records_import(
            agency=agency,
            filename=f"demo-{code}.csv",
            content=content,
            by=Actor(username="demo-data", agency_code=code),
        )
        created += batch.rows_created
        say(
            f"  {code}: {batch.rows_total} records, {batch.rows_created} new, {batch.auto_linked} linked, "
            f"{batch.queued_for_review} for review, {batch.rows_rejected} rejected"
        )
    return created
