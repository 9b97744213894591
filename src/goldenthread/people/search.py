"""Real-time search of the index: indexed retrieval of a bounded candidate set, then transparent scoring.

Retrieval never scans the whole index: each criterion uses an index (name keys and phonetic codes, date of
birth, postcode, identifier value; on PostgreSQL also a pg_trgm GIN index for names a few typing errors
away). Scoring reuses the import's per-field weights, so "why it matched" reads the same everywhere.
Shielded persons are never retrieved or scored by their address.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.postgres.lookups import TrigramSimilar
from django.db import connection
from django.db.models import F, Q, Value

from goldenthread.people import scoring
from goldenthread.people.keys import BirthDate, NameKeys, RecordKeys
from goldenthread.people.models import Address, Identifier, IdentifierKind, Person, PersonName

MAX_PER_CRITERION = 500
MAX_RESULTS = 20


@dataclass(frozen=True)
class SearchQuery:
    given_name: str = ""
    family_name: str = ""
    birth: BirthDate | None = None
    tolerance_days: int = 0  # 0: compare the date as given; more: anyone born within that many days
    postcode: str = ""
    postcode_sector: str = ""
    nhs_number: str = ""

    @property
    def names(self) -> NameKeys:
        return NameKeys.of(self.given_name, self.family_name)

    def criteria(self) -> list[str]:
        """Which fields were searched on (the audit keeps these, never the values)."""
        present = {
            "given_name": self.given_name,
            "family_name": self.family_name,
            "date_of_birth": self.birth,
            "postcode": self.postcode,
            "nhs_number": self.nhs_number,
        }
        return [name for name, value in present.items() if value]

    def dob_range(self) -> tuple[dt.date, dt.date] | None:
        """The window an approximate date covers, or None for a date compared as given."""
        birth = self.birth
        if birth is None:
            return None
        if birth.precision == "year":
            start, end = dt.date(birth.date.year, 1, 1), dt.date(birth.date.year, 12, 31)
        elif birth.precision == "month":
            start = birth.date
            end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        elif self.tolerance_days:
            start, end = birth.date, birth.date
        else:
            return None
        margin = dt.timedelta(days=self.tolerance_days)
        return start - margin, end + margin


@dataclass
class SearchHit:
    person: Person
    weights: list[scoring.FieldWeight] = field(default_factory=list)

    @property
    def weight(self) -> float:
        return scoring.total(self.weights)

    @property
    def reasons(self) -> list[scoring.FieldWeight]:
        return [w for w in self.weights if w.agrees]

    @property
    def against(self) -> list[scoring.FieldWeight]:
        return [w for w in self.weights if w.disagrees]


def _fuzzy(column: str, key: str) -> Q:
    """Names a few typing errors away: trigrams on PostgreSQL, a shared first three letters elsewhere."""
    if connection.vendor == "postgresql":
        return Q(TrigramSimilar(F(column), Value(key)))
    return Q(**{f"{column}__startswith": key[:3]}) if len(key) >= 3 else Q(**{column: key})


def _name_condition(names: NameKeys) -> Q | None:
    family = given = None
    if names.family_key:
        family = Q(family_key=names.family_key) | _fuzzy("family_key", names.family_key)
        if names.family_phon:
            family |= Q(family_phon=names.family_phon)
    if names.given_key:
        given = Q(given_key=names.given_key) | _fuzzy("given_key", names.given_key)
        given |= Q(given_canon=names.given_canon) | Q(given_phon=names.given_phon)
        # The first letter is usually typed right: it keeps a badly misspelt given name in the running.
        given |= Q(given_key__startswith=names.given_key[0])
    if family is not None and given is not None:
        swapped = Q(given_key=names.family_key, family_key=names.given_key)
        return (family & given) | swapped
    return family or given


def _candidate_ids(query: SearchQuery) -> set[int]:
    ids: set[int] = set()
    if query.nhs_number:
        ids |= set(
            Identifier.objects.filter(kind=IdentifierKind.NHS_NUMBER, value=query.nhs_number).values_list(
                "person_id", flat=True
            )[:MAX_PER_CRITERION]
        )
    names = _name_condition(query.names)
    if names is not None:
        rows = PersonName.objects.filter(names)
        window = query.dob_range()
        if window is not None or query.birth is not None:
            # With a date as well, names that are common still leave a short list.
            start, end = window or (query.birth.date, query.birth.date)  # type: ignore[union-attr]
            dated = rows.filter(person__date_of_birth__range=(start - dt.timedelta(days=366), end))
            ids |= set(dated.values_list("person_id", flat=True)[:MAX_PER_CRITERION])
        ids |= set(rows.values_list("person_id", flat=True)[:MAX_PER_CRITERION])
    if query.birth is not None:
        window = query.dob_range()
        if window is not None:
            born = Q(date_of_birth__range=window)
        else:
            born = Q(date_of_birth=query.birth.date)
            if query.birth.swapped:
                born |= Q(date_of_birth=query.birth.swapped)
        if names is None:
            ids |= set(Person.objects.filter(born).values_list("pk", flat=True)[:MAX_PER_CRITERION])
    if query.postcode:
        ids |= set(
            Address.objects.filter(postcode=query.postcode, person__is_shielded=False).values_list(
                "person_id", flat=True
            )[:MAX_PER_CRITERION]
        )
    return ids


def _best_name(query: RecordKeys, person: Person) -> list[scoring.FieldWeight]:
    best: list[scoring.FieldWeight] = []
    for name in person.names.all():
        other = RecordKeys(
            names=NameKeys(
                name.given_key, name.given_canon, name.given_phon, name.family_key, name.family_phon
            )
        )
        weights = [
            w for w in (scoring.compare_given(query, other), scoring.compare_family(query, other)) if w
        ]
        if not best or scoring.total(weights) > scoring.total(best):
            best = weights
    return best


def _dob_weight(query: SearchQuery, keys: RecordKeys, person: Person) -> scoring.FieldWeight | None:
    if query.birth is None or person.date_of_birth is None:
        return None
    window = query.dob_range()
    theirs = BirthDate(person.date_of_birth, person.dob_precision)
    if window is None:
        return scoring.compare_dob(keys, RecordKeys(birth=theirs))
    start, end = window
    if start <= person.date_of_birth <= end:
        return scoring.dob_range_weight((end - start).days)
    return scoring.compare_dob(RecordKeys(birth=BirthDate(start, "year")), RecordKeys(birth=theirs))


def _score(query: SearchQuery, keys: RecordKeys, person: Person) -> SearchHit:
    weights = []
    nhs_numbers = {i.value for i in person.identifiers.all() if i.kind == IdentifierKind.NHS_NUMBER}
    if query.nhs_number and nhs_numbers:
        agree = query.nhs_number in nhs_numbers
        weights.append(
            scoring.compare_nhs(keys, RecordKeys(nhs_number=query.nhs_number if agree else "other"))
        )
    weights.extend(_best_name(keys, person))
    weights.append(_dob_weight(query, keys, person))
    if query.postcode and not person.is_shielded:
        postcodes = [
            RecordKeys(postcode=a.postcode, postcode_sector=a.postcode_sector) for a in person.addresses.all()
        ]
        found = [w for w in (scoring.compare_postcode(keys, p) for p in postcodes) if w]
        if found:
            weights.append(max(found, key=lambda w: w.weight))
    return SearchHit(person, [w for w in weights if w is not None])


def people_search(query: SearchQuery, *, limit: int = MAX_RESULTS) -> list[SearchHit]:
    """Ranked candidates for a search; every hit has at least one field in its favour."""
    keys = RecordKeys(
        names=query.names,
        birth=query.birth,
        postcode=query.postcode,
        postcode_sector=query.postcode_sector,
        nhs_number=query.nhs_number,
    )
    ids = _candidate_ids(query)
    people = Person.objects.filter(pk__in=ids, merged_into__isnull=True).prefetch_related(
        "names", "addresses", "identifiers"
    )
    hits = [_score(query, keys, person) for person in people]
    hits = [h for h in hits if h.reasons and h.weight > 0]
    hits.sort(key=lambda h: (-h.weight, h.person.family_name, h.person.given_name, h.person.pk))
    return hits[:limit]
