"""Candidate people for one incoming record: blocking on indexed keys, then per-field weights.

Each blocking rule uses an index (see SourceRecord.Meta.indexes) so the candidate set stays small however
large the index grows; every true match should survive at least one rule despite its errors.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from goldenthread.linkage import scoring
from goldenthread.linkage.keys import RecordKeys
from goldenthread.people.derive import record_keys
from goldenthread.people.models import SourceRecord

MAX_CANDIDATE_RECORDS = 300


@dataclass(frozen=True)
class PersonMatch:
    person_id: int
    record: SourceRecord  # the person's record that scored best
    weights: list[scoring.FieldWeight]

    @property
    def weight(self) -> float:
        return scoring.total(self.weights)


def _blocking(keys: RecordKeys) -> Q:
    names = keys.names
    rules = Q(pk__in=[])
    if keys.nhs_number:
        rules |= Q(nhs_number=keys.nhs_number)
    birth = keys.birth
    if birth is not None and birth.precision == "day":
        same_day = Q(date_of_birth=birth.date, dob_precision="day")
        for column, value in (
            ("given_canon", names.given_canon),
            ("family_phon", names.family_phon),
            ("family_key", names.given_key),  # names swapped
            ("given_key", names.family_key),  # names swapped, or only one name written
            ("postcode", keys.postcode),  # both names misspelt or missing: twins at most share both
        ):
            if value:
                rules |= same_day & Q(**{column: value})
        if birth.swapped:
            for column, value in (("family_phon", names.family_phon), ("given_canon", names.given_canon)):
                if value:
                    rules |= Q(date_of_birth=birth.swapped, **{column: value})
    if names.given_canon and names.family_phon:
        rules |= Q(given_canon=names.given_canon, family_phon=names.family_phon)
    if names.given_key and names.family_key:  # names swapped, whatever the date says
        rules |= Q(family_key=names.given_key, given_key=names.family_key)
    if keys.postcode:
        if names.family_key:
            rules |= Q(family_key=names.family_key, postcode=keys.postcode)
        if names.given_canon:
            rules |= Q(given_canon=names.given_canon, postcode=keys.postcode)
    return rules


def person_matches(keys: RecordKeys, *, exclude_record_id: int | None = None) -> list[PersonMatch]:
    """The people this record might be, best first, each scored by its best-matching source record."""
    records = SourceRecord.objects.filter(_blocking(keys))
    if exclude_record_id is not None:
        records = records.exclude(pk=exclude_record_id)
    records = records.select_related("agency").order_by("pk")[:MAX_CANDIDATE_RECORDS]
    best: dict[int, PersonMatch] = {}
    for record in records:
        match = PersonMatch(record.person_id, record, scoring.compare(keys, record_keys(record)))
        current = best.get(record.person_id)
        if current is None or match.weight > current.weight:
            best[record.person_id] = match
    return sorted(best.values(), key=lambda m: (-m.weight, m.person_id))
