"""Real-time search of the index: indexed retrieval of a short candidate list, then transparent scoring.

Retrieval never scans the whole index and every step is bounded by a LIMIT, so the slowest searches
stay close to the typical one:

- Names go through ``NameKey``, the table of distinct name keys (thousands of rows where PersonName has
  millions). The query's given and family names each pick a few keys there: the same key, the same
  phonetic code, the same canonical given name (nicknames), keys one typing error away (on PostgreSQL
  through ``NameKeyDeletion``, each key's one-letter deletions), and on PostgreSQL keys a few typing errors
  away by pg_trgm similarity (a GIN index on the small table; SQLite, the embedded mode, uses a shared
  first three letters instead). Those keys join back to PersonName by exact key (btree), both names
  together, or swapped, or (a record holding only one of the parts) the one part, the query's own key or
  one typing error from it. On PostgreSQL both parts' keys come from one statement (``name_key_choice``),
  and the name arms' limited selects run as one UNION ALL.
- With a date of birth as well, namesakes born nearest it come first (the date travels on PersonName),
  with those of unknown date and those born on the same day of another year (a mistyped year).
- A date of birth to the day finds everyone born that day (or with day and month swapped); on PostgreSQL
  the ones whose names look most like the query come first, so a badly misspelt name with the right
  date is still found. An approximate date (year, month, a tolerance) narrows the name matches instead.
- Postcode and NHS number are exact index lookups.
- Shielded persons are never retrieved or ranked by what their card hides (address, NHS number, date of
  birth): they are found by name alone, whatever date is given, and scored on their names only.

Scoring reuses the import's per-field weights (linkage.scoring), so "why it matched" reads the same
everywhere. It reads only the columns it compares, in one query per table, and builds Person objects
only for the hits it returns.

``NameKey`` is a Django model, kept in step by ``people.derive.name_keys_remember``, which every write
path that creates PersonName rows calls (people.derive.derived_rows_replace, used by import, review
links, merges and unmerges; merges and unmerges move names between persons and never change which keys
exist), with its ``NameKeyDeletion`` rows. A key left behind by a deleted name joins back to nothing;
``people.derive.name_keys_rebuild`` recomputes both tables from PersonName (bulk loads use it, see
bench/bench_search.py). PersonName also carries its person's date of birth (``person_born``, kept in
step by people.derive.person_refresh, which every action calls after moving or writing names), so names
and a date narrow together in one btree index.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case, F, IntegerField, Lookup, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from goldenthread.linkage import scoring
from goldenthread.linkage.keys import BirthDate, NameKeys, RecordKeys
from goldenthread.people.models import (
    Address,
    Identifier,
    IdentifierKind,
    NamePart,
    Person,
    PersonName,
)
from goldenthread.people.search_keys import KeyChoice, key_counts, name_key_choice

MAX_PER_CRITERION = 100
MAX_BORN = 60  # persons born on the day, most alike in name first (PostgreSQL)
MAX_UNDATED = 50  # namesakes with no date of birth, or born on the same day of another year
MAX_ALONE = 20  # names held without the other part, for each part (see _name_branches)
YEARS_BACK = 18
# A name held by at most this many names in the index is rare enough to look at every person with it,
# whatever the other name: a child whose common given name is misspelt past search_keys.MAX_KEYS is
# still found by a rare family name, and the other way round.
RARE_NAME = 50
MAX_RESULTS = 20
NAME_WINDOW = dt.timedelta(days=366)  # names with a date: persons born within a year of it first


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


# --- retrieval ------------------------------------------------------------------------------------


def _born_dates(query: SearchQuery) -> list[dt.date]:
    birth = query.birth
    if birth is None or query.dob_range() is not None:
        return []
    return [birth.date] + ([birth.swapped] if birth.swapped else [])


def _born_alike(names: NameKeys, dates: list[dt.date]) -> list[int]:
    """Persons born on one of ``dates``, those whose names look most like the query first (PostgreSQL).

    Names only, from one index (PersonName carries its person's date of birth): at ten million persons
    some 1,500 share a birthday, and looking each up in people_person cost 25 ms a search. A merged
    person holds no names (they move with its records), so none is found here.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT person_id FROM people_personname WHERE person_born = ANY(%s) GROUP BY person_id "
            "ORDER BY max(similarity(given_key || ' ' || family_key, %s)) DESC, person_id LIMIT %s",
            [dates, f"{names.given_key} {names.family_key}", MAX_BORN],
        )
        return [row[0] for row in cursor.fetchall()]


class _AnyOf(Lookup):
    """``column IN (keys)``, sent to PostgreSQL as ``column = ANY(%s)`` with the keys as one array.

    A hundred keys a part as a hundred placeholders made every search's SQL a new, long string: the
    driver split it afresh (its cache keeps short statements only) and Django prepared each value.
    """

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        lhs, params = compiler.compile(self.lhs)
        keys = list(self.rhs)
        if not keys:
            raise EmptyResultSet
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", (*params, keys)
        return f"{lhs} IN ({', '.join(['%s'] * len(keys))})", (*params, *keys)


def _keys_in(column: str, keys: list[str]) -> Q:
    return Q(_AnyOf(F(column), keys))


@dataclass(frozen=True)
class _NameBranches:
    """PersonName rows whose keys could be the query's, in sets limited apart (see ``_name_branches``)."""

    pairs: Q  # close keys: both names when both were given, else the one given
    other: Q | None = None  # the narrow exact lookups: names swapped, a rare name alone
    alone: tuple[Q, ...] = ()  # names held without the other part, the one held close to the query's


def _name_branches(names: NameKeys, choice: KeyChoice | None = None) -> _NameBranches | None:
    """PersonName rows whose keys could be the query's: the pairs of close keys (both names when both
    were given), and apart from them the narrow exact lookups (names swapped, a rare name alone) and the
    names an agency holds with one part missing.

    ``choice`` is the query's ``name_key_choice``, looked up here if not given.
    """
    if not names.family_key and not names.given_key:
        return None
    choice = name_key_choice(names) if choice is None else choice
    family, given, counts = choice.family, choice.given, choice.counts
    if not (names.family_key and names.given_key):
        return _NameBranches(
            _keys_in("family_key", family) if names.family_key else _keys_in("given_key", given)
        )
    other = Q(family_key=names.given_key, given_key=names.family_key)
    if counts.get("family_name", RARE_NAME + 1) <= RARE_NAME:
        other |= Q(family_key=names.family_key)
    if counts.get("given_name", RARE_NAME + 1) <= RARE_NAME:
        other |= Q(given_key=names.given_key)
    # A record with no given (or family) name cannot pair with both of the query's; the part it has is
    # then all there is to find it by, so it must be the query's own or one typing error from it (a
    # nickname or a phonetic match alone says too little). Each is limited apart, through the
    # family_key, given_key index: one OR of both cost PostgreSQL twice the planning.
    alone = (
        _keys_in("family_key", choice.near(NamePart.FAMILY, names.family_key)) & Q(given_key=""),
        Q(family_key="") & _keys_in("given_key", choice.near(NamePart.GIVEN, names.given_key)),
    )
    return _NameBranches(_keys_in("family_key", family) & _keys_in("given_key", given), other, alone)


def _name_rows(names: NameKeys, choice: KeyChoice | None = None) -> Q | None:
    """PersonName rows whose keys could be the query's (``_name_branches`` together)."""
    branches = _name_branches(names, choice)
    if branches is None:
        return None
    rows = branches.pairs
    for more in (branches.other, *branches.alone):
        rows = rows if more is None else rows | more
    return rows


def _named_ids(query: SearchQuery, names: NameKeys, branches: _NameBranches) -> set[int]:
    """Persons with a name like the query's; with a date of birth, those born nearest it first.

    PersonName carries its person's date of birth (``person_born``), so name and date narrow together
    in one index and no namesake is joined to its person just to be thrown away. The pairs of close keys
    and the narrow exact lookups (``_name_branches``) are limited apart: one OR of both, planned once
    for each date arm, cost PostgreSQL more to plan (10-17 ms) than to run.
    """
    rows = PersonName.objects.filter(branches.pairs).order_by()
    others = PersonName.objects.filter(branches.other).order_by() if branches.other is not None else None
    alone = [PersonName.objects.filter(held).order_by() for held in branches.alone]
    birth = query.birth
    if birth is None:
        exact = Q(family_key=names.family_key) if names.family_key else Q()
        exact &= Q(given_key=names.given_key) if names.given_key else Q()
        parts = [rows.filter(exact)[:MAX_PER_CRITERION], rows[:MAX_PER_CRITERION]]
        if others is not None:
            parts.append(others[:MAX_PER_CRITERION])
        parts += [held[:MAX_ALONE] for held in alone]
        return _union_ids(parts)
    start, end = query.dob_range() or (birth.date, birth.date)
    window = (start - NAME_WINDOW, end + NAME_WINDOW)
    near = rows.filter(person_born__range=window)
    # A common name held alone is held by thousands in a large index: only those born near the date.
    alone = [held.filter(person_born__range=window) for held in alone]
    # Many namesakes are born inside an approximate date's window, all as near as each other: the ones
    # with the query's own names are the ones that could rank first, so the limit keeps them first.
    alike = _same_name(NamePart.FAMILY, names.family_key) + _same_name(NamePart.GIVEN, names.given_key)
    near = near.order_by(alike.desc())
    if connection.vendor == "postgresql":
        # Inside the window first, then by days outside it (the narrow lookups: undated last).
        distance = RawSQL("greatest(%s::date - person_born, person_born - %s::date, 0)", (start, end))
        near = near.order_by(distance, alike.desc())
        others = others.order_by(distance.asc(nulls_last=True)) if others is not None else None
        alone = [held.order_by(distance.asc(nulls_last=True)) for held in alone]
    parts = [near[:MAX_PER_CRITERION], rows.filter(person_born__isnull=True)[:MAX_UNDATED]]
    if others is not None:
        parts.append(others[:MAX_PER_CRITERION])
    parts += [held[:MAX_ALONE] for held in alone]
    if birth.precision == "day" and not query.tolerance_days:
        # A mistyped year: the same day and month in the years one slip away (a digit, or one either
        # side), a dozen dates where every year a child could have been born was three dozen.
        slips = [_same_day(birth.date, year) for year in mistyped_years(birth.date.year)]
        parts.append(rows.filter(person_born__in=[d for d in slips if d])[:MAX_UNDATED])
    return _union_ids(parts)


def _shielded_named(names: NameKeys, choice: KeyChoice | None) -> set[int]:
    """Shielded persons with a name like the query's, whatever date of birth was given.

    The names arm narrows namesakes by the date; for a shielded person that would let a searcher tell a
    right guess of the hidden date from a wrong one by whether the person appears. Shielded persons are
    few (a partial index holds them), so this costs one small join.
    """
    rows = _name_rows(names, choice)
    if rows is None:
        return set()
    return set(
        PersonName.objects.filter(rows, person__is_shielded=True)
        .order_by()
        .values_list("person_id", flat=True)[:MAX_PER_CRITERION]
    )


def _same_name(part: str, key: str) -> Case:
    """1 for a name whose ``part`` is ``key`` exactly, else 0 (an ordering term)."""
    return Case(When(**{f"{part}_key": key}, then=Value(1)), default=Value(0), output_field=IntegerField())


def _union_ids(parts: list[QuerySet[PersonName]]) -> set[int]:
    """The person ids of each (limited) set of names, in one statement where the database allows it.

    PostgreSQL runs the limited selects as one UNION ALL, a round trip (and a query to build) instead of
    one each; SQLite allows no LIMIT inside a compound select, so it runs them one by one.
    """
    selects = [part.values_list("person_id", flat=True) for part in parts]
    if connection.features.supports_slicing_ordering_in_compound and len(selects) > 1:
        return set(selects[0].union(*selects[1:], all=True))
    return set().union(*selects)


def mistyped_years(year: int) -> list[int]:
    """Years one typing slip from ``year``: one digit of the last two changed, or one year either side."""
    text = f"{year:04d}"
    years = {year - 1, year + 1}
    years |= {int(text[:i] + digit + text[i + 1 :]) for i in (2, 3) for digit in "0123456789"}
    return sorted(y for y in years if y != year and abs(y - year) <= YEARS_BACK)


def _same_day(date: dt.date, year: int) -> dt.date | None:
    try:
        return date.replace(year=year)
    except ValueError:
        return None


def candidate_arms(query: SearchQuery, choice: KeyChoice | None = None) -> dict[str, set[int]]:
    """The persons each retrieval arm found, by arm (bench/search_misses.py reports which arm missed)."""
    arms: dict[str, set[int]] = {}
    if query.nhs_number:
        arms["nhs"] = set(
            Identifier.objects.filter(
                kind=IdentifierKind.NHS_NUMBER, value=query.nhs_number, person__is_shielded=False
            )
            .order_by()
            .values_list("person_id", flat=True)[:MAX_PER_CRITERION]
        )
    names = query.names
    branches = _name_branches(names, choice)
    named = branches is not None
    if branches is not None:
        arms["names"] = _named_ids(query, names, branches)
        arms["shielded"] = _shielded_named(names, choice)
    window = query.dob_range()
    dates = _born_dates(query)
    if query.birth is not None:
        if dates and named and connection.vendor == "postgresql":
            arms["born"] = set(_born_alike(names, dates))
        elif dates or not named:
            # Without names (or on SQLite) everyone born then, up to the limit; with names and only an
            # approximate date, the names above already narrowed to that window.
            born = Q(date_of_birth__range=window) if window is not None else Q(date_of_birth__in=dates)
            arms["born"] = set(
                Person.objects.filter(born).order_by().values_list("pk", flat=True)[:MAX_PER_CRITERION]
            )
        if arms.get("born"):
            # A shielded card hides the date of birth, so nobody is found by it (the names arms and
            # _shielded_named find a shielded person by name, whatever date is given).
            arms["born"] -= set(
                Person.objects.filter(pk__in=arms["born"], is_shielded=True).values_list("pk", flat=True)
            )
    if query.postcode:
        arms["postcode"] = set(
            Address.objects.filter(postcode=query.postcode, person__is_shielded=False)
            .order_by()
            .values_list("person_id", flat=True)[:MAX_PER_CRITERION]
        )
    return arms


def _candidate_ids(query: SearchQuery, choice: KeyChoice | None = None) -> set[int]:
    return set().union(*candidate_arms(query, choice).values())


# --- scoring --------------------------------------------------------------------------------------


@dataclass
class _Candidate:
    pk: int
    given_name: str
    family_name: str
    date_of_birth: dt.date | None
    dob_precision: str
    is_shielded: bool
    names: list[NameKeys] = field(default_factory=list)
    postcodes: list[tuple[str, str]] = field(default_factory=list)
    nhs_numbers: set[str] = field(default_factory=set)


def _candidates(query: SearchQuery, ids: set[int]) -> list[_Candidate]:
    """What scoring compares about each candidate, one query per table, no model instances."""
    found = {
        row[0]: _Candidate(*row)
        for row in Person.objects.filter(pk__in=ids, merged_into__isnull=True)
        .order_by()
        .values_list("pk", "given_name", "family_name", "date_of_birth", "dob_precision", "is_shielded")
    }
    if not found:
        return []
    for pk, *keys in PersonName.objects.filter(person_id__in=found).values_list(
        "person_id", "given_key", "given_canon", "given_phon", "family_key", "family_phon"
    ):
        found[pk].names.append(NameKeys(*keys))
    if query.postcode:
        for pk, postcode, sector in (
            Address.objects.filter(person_id__in=found)
            .order_by()
            .values_list("person_id", "postcode", "postcode_sector")
        ):
            found[pk].postcodes.append((postcode, sector))
    if query.nhs_number:
        for pk, value in Identifier.objects.filter(
            person_id__in=found, kind=IdentifierKind.NHS_NUMBER
        ).values_list("person_id", "value"):
            found[pk].nhs_numbers.add(value)
    return list(found.values())


def _starts_alike(a: str, b: str) -> bool:
    return bool(a) and bool(b) and a[0] == b[0]


def _best_name(query: RecordKeys, candidate: _Candidate) -> list[scoring.FieldWeight]:
    best: list[scoring.FieldWeight] = []
    for name in candidate.names:
        other = RecordKeys(names=name)
        straight = [
            w for w in (scoring.compare_given(query, other), scoring.compare_family(query, other)) if w
        ]
        # Swapped with a typo or a nickname as well ("Millie Jone" for Jones, Amelia) only agrees crossed;
        # not worth comparing unless a crossed pair at least starts alike.
        crossed = []
        if _starts_alike(query.names.given_key, name.family_key) or _starts_alike(
            query.names.family_key, name.given_key
        ):
            crossed = scoring.compare_names_swapped(query, other)
        for weights in (straight, crossed):
            if weights and (not best or scoring.total(weights) > scoring.total(best)):
                best = weights
    return best


def _dob_weight(query: SearchQuery, keys: RecordKeys, candidate: _Candidate) -> scoring.FieldWeight | None:
    if query.birth is None or candidate.date_of_birth is None:
        return None
    window = query.dob_range()
    theirs = BirthDate(candidate.date_of_birth, candidate.dob_precision)
    if window is None:
        return scoring.compare_dob(keys, RecordKeys(birth=theirs))
    start, end = window
    if start <= candidate.date_of_birth <= end:
        return scoring.dob_range_weight((end - start).days)
    return scoring.compare_dob(RecordKeys(birth=BirthDate(start, "year")), RecordKeys(birth=theirs))


def _name_counts(names: NameKeys, counts: dict[str, int] | None = None) -> tuple[dict[str, int], int]:
    """The query's keys' name counts (``key_counts``, looked up if not given) and the names held."""
    held = -1
    if connection.vendor == "postgresql":
        # The planner's row count: exact enough for a weight, and free where count(*) reads millions.
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'people_personname'::regclass")
            held = int(cursor.fetchone()[0])
    if held < 100_000:  # never analysed (-1), or small enough that counting is cheap and exact
        held = PersonName.objects.count()
    return (key_counts(names) if counts is None else counts), held


def _score(
    query: SearchQuery, keys: RecordKeys, candidate: _Candidate, counts: tuple[dict[str, int], int]
) -> list[scoring.FieldWeight]:
    by_key, held = counts
    names = [scoring.common_name(w, by_key.get(w.field, 0), held) for w in _best_name(keys, candidate)]
    if candidate.is_shielded:
        # Ranked by name alone: a date, an NHS number or a postcode that moved a shielded person up or
        # down the list would tell the searcher whether they guessed it (the card hides them).
        return names
    weights: list[scoring.FieldWeight | None] = []
    if query.nhs_number and candidate.nhs_numbers:
        agree = query.nhs_number in candidate.nhs_numbers
        weights.append(
            scoring.compare_nhs(keys, RecordKeys(nhs_number=query.nhs_number if agree else "other"))
        )
    weights.extend(names)
    weights.append(_dob_weight(query, keys, candidate))
    if query.postcode:
        postcodes = [RecordKeys(postcode=p, postcode_sector=s) for p, s in candidate.postcodes]
        found = [w for w in (scoring.compare_postcode(keys, p) for p in postcodes) if w]
        if found:
            weights.append(max(found, key=lambda w: w.weight))
    return [w for w in weights if w is not None]


def _record_keys(query: SearchQuery) -> RecordKeys:
    return RecordKeys(
        names=query.names,
        birth=query.birth,
        postcode=query.postcode,
        postcode_sector=query.postcode_sector,
        nhs_number=query.nhs_number,
    )


def ranked(
    query: SearchQuery, ids: set[int], key_counts: dict[str, int] | None = None
) -> list[tuple[int, list[scoring.FieldWeight]]]:
    """The persons of ``ids`` with at least one field in their favour, best first, with their weights."""
    keys = _record_keys(query)
    scored = []
    candidates = _candidates(query, ids)
    counts = _name_counts(query.names, key_counts) if candidates else ({}, 0)
    for candidate in candidates:
        weights = _score(query, keys, candidate, counts)
        total = scoring.total(weights)
        if total > 0 and any(w.agrees for w in weights):
            scored.append((total, candidate, weights))
    scored.sort(key=lambda s: (-s[0], s[1].family_name, s[1].given_name, s[1].pk))
    return [(c.pk, weights) for _, c, weights in scored]


def people_search(query: SearchQuery, *, limit: int = MAX_RESULTS) -> list[SearchHit]:
    """Ranked candidates for a search; every hit has at least one field in its favour."""
    # The query's own keys' name counts serve both retrieval (a rare name) and ranking (a common one).
    choice = name_key_choice(query.names)
    best = ranked(query, _candidate_ids(query, choice), choice.counts)[:limit]
    persons = Person.objects.in_bulk([pk for pk, _ in best])
    return [SearchHit(persons[pk], weights) for pk, weights in best]
