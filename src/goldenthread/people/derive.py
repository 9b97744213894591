"""What one source record contributes to its person, and the person's summary built from its records.

Called only from people.actions, inside their transactions. Every derived row (name, address,
identifier, involvement) points at the record it came from, so relinking a record moves its rows with it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Q

from goldenthread.linkage.keys import BirthDate, NameKeys, RecordKeys, key_deletions
from goldenthread.linkage.trusted_name import RecordedName, trusted_name
from goldenthread.people.importing import Row
from goldenthread.people.models import (
    Address,
    DobPrecision,
    Identifier,
    IdentifierKind,
    Involvement,
    NameKey,
    NameKeyDeletion,
    NameKind,
    NamePart,
    Person,
    PersonName,
    SourceRecord,
)

_PRECISION_RANK = {DobPrecision.DAY: 3, DobPrecision.MONTH: 2, DobPrecision.YEAR: 1, DobPrecision.UNKNOWN: 0}


def record_fields(row: Row) -> dict[str, Any]:
    """The normalised columns of a SourceRecord, from a validated row."""
    raw, clean = row.raw, row.clean
    names = NameKeys.of(raw["given_name"], raw["family_name"])
    birth = clean["birth"]
    return {
        "payload": raw,
        "content_hash": row.content_hash,
        "given_name": raw["given_name"],
        "family_name": raw["family_name"],
        "given_key": names.given_key,
        "given_canon": names.given_canon,
        "given_phon": names.given_phon,
        "family_key": names.family_key,
        "family_phon": names.family_phon,
        "date_of_birth": birth.date if birth else None,
        "dob_precision": birth.precision if birth else DobPrecision.UNKNOWN,
        "sex": clean["sex"],
        "postcode": clean["postcode"],
        "postcode_sector": clean["postcode_sector"],
        "nhs_number": clean["nhs_number"],
        "upn": clean["upn"],
    }


def row_keys(row: Row) -> RecordKeys:
    fields = record_fields(row)
    return RecordKeys(
        names=NameKeys.of(row.raw["given_name"], row.raw["family_name"]),
        birth=row.clean["birth"],
        sex=fields["sex"],
        postcode=fields["postcode"],
        postcode_sector=fields["postcode_sector"],
        nhs_number=fields["nhs_number"],
    )


def record_keys(record: SourceRecord) -> RecordKeys:
    birth = BirthDate(record.date_of_birth, record.dob_precision) if record.date_of_birth else None
    return RecordKeys(
        names=NameKeys(
            record.given_key, record.given_canon, record.given_phon, record.family_key, record.family_phon
        ),
        birth=birth,
        sex=record.sex,
        postcode=record.postcode,
        postcode_sector=record.postcode_sector,
        nhs_number=record.nhs_number,
    )


def _name(person: Person, record: SourceRecord, kind: str, given: str, family: str) -> PersonName | None:
    keys = NameKeys.of(given, family)
    if not keys.given_key and not keys.family_key:
        return None
    return PersonName(
        person=person,
        source_record=record,
        kind=kind,
        given_name=given,
        family_name=family,
        given_key=keys.given_key,
        given_canon=keys.given_canon,
        given_phon=keys.given_phon,
        family_key=keys.family_key,
        family_phon=keys.family_phon,
        person_born=person.date_of_birth,
    )


def derived_rows_replace(record: SourceRecord, row: Row, *, fresh: bool = False) -> None:
    """(Re)write the names, address, identifiers and involvement a record gives its person.

    ``fresh``: the record was just created, so there is nothing of its own to replace.
    """
    raw, clean = row.raw, row.clean
    person = record.person
    if not fresh:
        PersonName.objects.filter(source_record=record).delete()
        Address.objects.filter(source_record=record).delete()
        Identifier.objects.filter(source_record=record).delete()
    names = [_name(person, record, NameKind.PRIMARY, raw["given_name"], raw["family_name"])]
    names += [_name(person, record, NameKind.ALIAS, g, f) for g, f in clean["other_names"]]
    if raw["previous_family_name"]:
        names.append(_name(person, record, NameKind.PREVIOUS, raw["given_name"], raw["previous_family_name"]))
    written = PersonName.objects.bulk_create([n for n in names if n is not None])
    name_keys_remember(written)  # the search's table of distinct name keys
    if raw["address_line"] or clean["postcode"]:
        Address.objects.create(
            person=person,
            source_record=record,
            line=raw["address_line"],
            postcode=clean["postcode"],
            postcode_sector=clean["postcode_sector"],
            from_date=clean["address_from"],
        )
    identifiers = [
        Identifier(kind=IdentifierKind.AGENCY_LOCAL, value=record.local_id, issuing_agency=record.agency)
    ]
    if clean["nhs_number"]:
        identifiers.append(Identifier(kind=IdentifierKind.NHS_NUMBER, value=clean["nhs_number"]))
    if clean["upn"]:
        identifiers.append(
            Identifier(kind=IdentifierKind.UPN, value=clean["upn"], issuing_agency=record.agency)
        )
    for identifier in identifiers:
        identifier.person, identifier.source_record = person, record
    Identifier.objects.bulk_create(identifiers)
    involvement = {
        "person": person,
        "agency": record.agency,
        "service": raw["service"],
        "practitioner_name": raw["practitioner_name"],
        "practitioner_phone": raw["practitioner_phone"],
        "practitioner_email": raw["practitioner_email"],
        "started_on": clean["involvement_start"],
        "ended_on": clean["involvement_end"],
        "is_lead_professional": clean["lead_professional"],
        "sensitive_category": raw["sensitive_category"],
        "brokered_contact": raw["brokered_contact"],
    }
    if fresh:
        Involvement.objects.create(source_record=record, **involvement)
    else:
        Involvement.objects.update_or_create(source_record=record, defaults=involvement)


def _most_common(values: list[Any]) -> Any:
    # Ties go to the most recent record (values arrive newest first).
    counts = Counter(values)
    return max(values, key=lambda v: counts[v]) if values else None


def _name_commonness(key: tuple[str, str]) -> int:
    """How many names in the index carry these keys: the rarer of the two parts' counts (NameKey)."""
    given, family = key
    counts = dict(
        NameKey.objects.filter(
            Q(part=NamePart.GIVEN, key=given) | Q(part=NamePart.FAMILY, key=family)
        ).values_list("part", "names")
    )
    parts = [
        counts.get(NamePart.GIVEN, 0) if given else None,
        counts.get(NamePart.FAMILY, 0) if family else None,
    ]
    known = [c for c in parts if c is not None]
    return min(known) if known else 0


def person_refresh(person: Person) -> Person:
    """Summarise the person's source records into its own fields: the majority, newest first on ties; the
    name by linkage.trusted_name (most agencies agreeing, then the most recent, never a typo of another)."""
    records = list(person.source_records.order_by("-updated_at", "-pk"))
    if not records:
        return person
    person.given_name, person.family_name = trusted_name(
        [
            RecordedName(r.given_name, r.family_name, r.given_key, r.family_key, r.agency_id)
            for r in records
            if r.given_name or r.family_name
        ],
        _name_commonness,
    )
    dated = [r for r in records if r.date_of_birth is not None]
    if dated:
        best = max(_PRECISION_RANK[DobPrecision(r.dob_precision)] for r in dated)
        precise = [
            (r.date_of_birth, r.dob_precision)
            for r in dated
            if _PRECISION_RANK[DobPrecision(r.dob_precision)] == best
        ]
        person.date_of_birth, person.dob_precision = _most_common(precise)
    else:
        person.date_of_birth, person.dob_precision = None, DobPrecision.UNKNOWN
    sexes = [r.sex for r in records if r.sex != "unknown"]
    person.sex = _most_common(sexes) or "unknown"
    payloads = [r.payload for r in records]
    person.preferred_language = next(
        (p["preferred_language"] for p in payloads if p.get("preferred_language")), ""
    )
    person.interpreter_needed = any(
        str(p.get("interpreter_needed", "")).lower() in ("yes", "y", "true", "1") for p in payloads
    )
    deaths = [dt.date.fromisoformat(p["date_of_death"]) for p in payloads if p.get("date_of_death")]
    person.date_of_death = min(deaths) if deaths else None
    stated = [p["is_child"].lower() in ("yes", "y", "true", "1") for p in payloads if p.get("is_child")]
    person.is_child_stated = stated[0] if stated else None
    # Safety first: one agency's shielding request shields the person everywhere.
    shielding = [p for p in payloads if str(p.get("shielded", "")).lower() in ("yes", "y", "true", "1")]
    person.is_shielded = bool(shielding)
    person.brokered_contact = shielding[0]["brokered_contact"] if shielding else ""
    if person.date_of_death and person.date_of_birth and person.date_of_death < person.date_of_birth:
        person.date_of_death = None
    person.save()
    PersonName.objects.filter(person=person).exclude(person_born=person.date_of_birth).update(
        person_born=person.date_of_birth
    )
    return person


# --- the search's table of distinct name keys ------------------------------------------------------

_FILL = [
    "INSERT INTO people_namekey (part, key, canon, phon, names) SELECT 'given', given_key, MIN(given_canon), "
    "MIN(given_phon), COUNT(*) FROM people_personname WHERE given_key <> '' GROUP BY given_key",
    "INSERT INTO people_namekey (part, key, canon, phon, names) SELECT 'family', family_key, '', "
    "MIN(family_phon), COUNT(*) FROM people_personname WHERE family_key <> '' GROUP BY family_key",
]

# linkage.keys.key_deletions of every key, in one statement (keys of EDITABLE_KEY (3) letters or more get a
# row per letter, every key itself); migration 0007 fills the table the same way.
_FILL_DELETIONS = (
    "INSERT INTO people_namekeydeletion (name_key_id, part, deleted, position, letter) "
    "WITH RECURSIVE positions(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM positions WHERE i < 199) "
    "SELECT id, part, key, -1, '' FROM people_namekey UNION ALL "
    "SELECT k.id, k.part, substr(k.key, 1, p.i) || substr(k.key, p.i + 2), p.i, substr(k.key, p.i + 1, 1) "
    "FROM people_namekey k JOIN positions p ON p.i < length(k.key) WHERE length(k.key) >= 3"
)


def name_keys_remember(names: Iterable[PersonName]) -> None:
    """Add the keys of newly written names to NameKey, and count the names on each key."""
    rows: dict[tuple[str, str], NameKey] = {}
    counts: Counter[tuple[str, str]] = Counter()
    for name in names:
        if name.given_key:
            rows[(NamePart.GIVEN, name.given_key)] = NameKey(
                part=NamePart.GIVEN, key=name.given_key, canon=name.given_canon, phon=name.given_phon
            )
            counts[(NamePart.GIVEN, name.given_key)] += 1
        if name.family_key:
            rows[(NamePart.FAMILY, name.family_key)] = NameKey(
                part=NamePart.FAMILY, key=name.family_key, phon=name.family_phon
            )
            counts[(NamePart.FAMILY, name.family_key)] += 1
    if not rows:
        return
    NameKey.objects.bulk_create(rows.values(), ignore_conflicts=True)
    _deletions_remember(rows)
    by_count: dict[int, Q] = {}
    for (part, key), count in counts.items():
        by_count[count] = by_count.get(count, Q()) | Q(part=part, key=key)
    for count, keys in by_count.items():
        NameKey.objects.filter(keys).update(names=F("names") + count)


def _deletions_remember(rows: dict[tuple[str, str], NameKey]) -> None:
    """Give the keys among ``rows`` that have none yet their NameKeyDeletion rows (new keys)."""
    wanted = Q(pk__in=[])
    for part, key in rows:
        wanted |= Q(part=part, key=key)
    fresh = NameKey.objects.filter(wanted, deletions__isnull=True).values_list("pk", "part", "key")
    NameKeyDeletion.objects.bulk_create(
        [
            NameKeyDeletion(name_key_id=pk, part=part, deleted=deleted, position=position, letter=letter)
            for pk, part, key in fresh
            for deleted, position, letter in key_deletions(key)
        ],
        ignore_conflicts=True,  # a concurrent write gave the same new key its rows first
    )


def name_keys_rebuild() -> None:
    """Recompute NameKey and its deletions from every PersonName (after a bulk load that bypassed the
    actions)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM people_namekeydeletion")
        cursor.execute("DELETE FROM people_namekey")
        for sql in [*_FILL, _FILL_DELETIONS]:
            cursor.execute(sql)
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE people_namekey")
            cursor.execute("ANALYZE people_namekeydeletion")
