"""Clustering scored pairs into people, refusing merges that the records themselves contradict.

Plain connected components lets one weak record chain two people together: a school record of a twin
with no given name matches both twins, and the twins become one child. Here pairs are merged strongest
first (Kruskal's order), and a merge is refused when the two groups already contradict each other:
different valid NHS numbers, or - unless they share a valid NHS number or extra identifier - given
names with nothing in common, different recorded sexes with no given name in common (Ming and Jing,
twins), or dates of birth too far apart to be one mistyped date between records whose given names are
not the same name give or take one typo. The NHS number is evidence, not a key: records without one
still link on everything else, and two records with the same number still need the model to score them
above the threshold.

Every pair clustered here has already passed the twin rule (``twins.RULE``, as ``model``'s evidence SQL);
the guards are not a second rule for pairs but stop a chain of links joining groups that contradict each
other (docs/adr/0003-batch-linker-twin-protection.md).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import jellyfish
import numpy as np
import pandas as pd

from goldenthread.linkage.normalise import nickname_table

GIVEN_NAME_SIMILAR = 0.8  # the loosest given-name level of the model
# A conflicting component with more distinct given names or dates than this is not checked pair by pair
# for whether a guard could refuse a merge in it (see ``_refusing_components``): it takes the guarded run.
PAIR_CHECK_MAX_VALUES = 64
# A given name mistyped by one letter ("Gillian"/"Gillan", "Stephanie"/"Stepahnie") is still the same
# name; this close (the model's tighter Jaro-Winkler level) and at least this long, it is hardly ever a
# sibling's name instead. Mason/Jason (0.87) and Ava/Eva (too short) stay different names.
TYPO_SIMILAR = 0.92
TYPO_MIN_LENGTH = 4


# Full date, year-month, year, and the digits as written (set for impossible dates such as 2016-48-24).
_Dob = tuple[str | None, str | None, int | None, str | None]


_NONE: frozenset[Any] = frozenset()
_FIELDS = ("nhs", "givens", "families", "dobs", "ids", "dated_givens", "sexes")


@dataclass
class _Group:
    # Most fields of a single record's group are empty, and at a million records there are hundreds of
    # thousands of groups: an empty field is one shared frozenset rather than a new set each, which
    # saved some 0.7 GB and a third of the clustering time. The guards only read these sets.
    nhs: AbstractSet[str] = _NONE  # valid NHS numbers
    givens: AbstractSet[str] = _NONE
    families: AbstractSet[str] = _NONE
    dobs: AbstractSet[_Dob] = _NONE
    ids: AbstractSet[tuple[int, str]] = _NONE  # extra identifiers: (column, value)
    dated_givens: AbstractSet[str] = _NONE  # given names of records with a date of birth
    sexes: AbstractSet[str] = _NONE

    def absorb(self, other: _Group) -> None:
        """Take in ``other``'s records; ``other`` is not used again, so its sets may be taken over."""
        for name in _FIELDS:
            theirs = getattr(other, name)
            if not theirs:
                continue
            mine = getattr(self, name)
            if not mine:
                setattr(self, name, theirs)
            elif isinstance(mine, set):
                mine |= theirs
            else:
                setattr(self, name, set(mine) | set(theirs))


def _names_compatible(a: _Group, b: _Group) -> bool:
    if not a.givens or not b.givens:
        return True
    table = nickname_table()
    for x in a.givens:
        if x in b.families:
            return True  # a given/family swap somewhere in the group
        for y in b.givens:
            if y in a.families or table.get(x, x) == table.get(y, y):
                return True
            if jellyfish.jaro_winkler_similarity(x, y) >= GIVEN_NAME_SIMILAR:
                return True
            if jellyfish.damerau_levenshtein_distance(x, y) <= 1:  # "Mia"/"Ma": short names, one typo
                return True
            if jellyfish.metaphone(x) == jellyfish.metaphone(y):
                return True
    return False


def _one_typo(x: str, y: str) -> bool:
    return (
        min(len(x), len(y)) >= TYPO_MIN_LENGTH
        and jellyfish.damerau_levenshtein_distance(x, y) <= 1
        and jellyfish.jaro_winkler_similarity(x, y) >= TYPO_SIMILAR
    )


def _same_dated_name(a: _Group, b: _Group) -> bool:
    """Both groups have a dated record under the same given name, give or take one typo.

    Only then are far-apart birthdays taken for a mistyped date: a shared name that came in on an
    undated record ("Muhammad", no date) says nothing about whose birthday is whose, and brothers named
    Mohammed and Muhammad would otherwise chain together through it.
    """
    if a.dated_givens & b.dated_givens:
        return True
    return any(_one_typo(x, y) for x in a.dated_givens for y in b.dated_givens)


def _sexes_conflict(a: _Group, b: _Group) -> bool:
    """Recorded sexes that cannot be one child's, unless a given name is shared (one sex mistyped)."""
    if not a.sexes or not b.sexes or a.sexes & b.sexes:
        return False
    table = nickname_table()
    canonical_a = {table.get(x, x) for x in a.givens}
    return not any(table.get(y, y) in canonical_a for y in b.givens)


def guard_allows(a: _Group, b: _Group) -> bool:
    """Whether two groups without a shared identifier may be one person."""
    if not _names_compatible(a, b) or _sexes_conflict(a, b):
        return False
    # Far-apart birthdays are tolerated only between records with the same given name: agencies
    # mistype dates, but a sibling has another name.
    return _same_dated_name(a, b) or _dobs_compatible(a, b)


def merge_allowed(a: _Group, b: _Group) -> bool:
    """Whether two groups of records may be one person, on the records' own evidence."""
    if a.nhs & b.nhs or a.ids & b.ids:
        return True
    if a.nhs and b.nhs:
        return False  # two different valid NHS numbers
    return guard_allows(a, b)


def numbers_allow(a: _Group, b: _Group) -> bool:
    """The merge rule without twin protection: only two different valid NHS numbers are refused."""
    return bool(a.nhs & b.nhs or a.ids & b.ids) or not (a.nhs and b.nhs)


def _dob_compatible(a: _Dob, b: _Dob) -> bool:
    iso_a, month_a, year_a, digits_a = a
    iso_b, month_b, year_b, digits_b = b
    if iso_a and iso_b:
        swapped_b = f"{iso_b[:4]}-{iso_b[8:10]}-{iso_b[5:7]}"
        return iso_a == swapped_b or jellyfish.damerau_levenshtein_distance(iso_a, iso_b) <= 2
    if digits_a and digits_b:
        return jellyfish.damerau_levenshtein_distance(digits_a, digits_b) <= 2
    if month_a and month_b:
        return month_a == month_b
    return year_a is None or year_b is None or year_a == year_b


def _dobs_compatible(a: _Group, b: _Group) -> bool:
    if not a.dobs or not b.dobs:
        return True
    return any(_dob_compatible(x, y) for x in a.dobs for y in b.dobs)


def _group(row: tuple[Any, ...]) -> _Group:
    nhs, given, family, dob, month, year, digits, sex, *extra = row
    group = _Group()
    if isinstance(nhs, str):
        group.nhs = {nhs}
    if isinstance(given, str):
        group.givens = {given}
    if isinstance(family, str):
        group.families = {family}
    if year is not None:
        group.dobs = {(dob, month, int(year), digits)}
        if isinstance(given, str):
            group.dated_givens = {given}
    if isinstance(sex, str):
        group.sexes = {sex}
    if extra:
        group.ids = {(i, str(v)) for i, v in enumerate(extra) if v is not None}
    return group


def cluster_pairs(
    prepared: pd.DataFrame, pairs: pd.DataFrame, threshold: float, *extra: Any, **options: Any
) -> dict[str, str]:
    """Map each record's unique_id to a representative unique_id of its person.

    ``prepared`` is the output of ``features.prepare``; ``pairs`` has ``unique_id_l``, ``unique_id_r`` and
    ``match_probability``; ``extra`` and ``options`` are those of ``cluster_roots``: the names of extra
    identifier columns, and ``twin_protection=False`` to keep only the refusal of two different NHS
    numbers (for measuring what the guards cost on data known to hold no twins or siblings, e.g. FEBRL).

    The guarded merge order only matters where a guard could refuse a merge. Plain connected components
    are found first (vectorised); a component whose records hold at most one NHS number, one given name,
    one recorded sex and one date of birth can refuse nothing, so every merge in it is accepted and it is
    one person with its earliest record as representative - exactly what the guarded run gives. Of the
    other components, those where every two records agree can refuse nothing either
    (``_refusing_components``); only the rest go through the guarded Kruskal run, over their own edges
    in the same global order.
    """
    ids = prepared["unique_id"].astype(str).to_numpy()
    roots = cluster_roots(
        prepared.assign(unique_id=ids),
        pairs.assign(
            unique_id_l=pairs["unique_id_l"].astype(str), unique_id_r=pairs["unique_id_r"].astype(str)
        ),
        threshold,
        *extra,
        **options,
    )
    return dict(zip(ids.tolist(), ids[roots].tolist(), strict=True))


def cluster_roots(
    prepared: pd.DataFrame,
    pairs: pd.DataFrame,
    threshold: float,
    extra_identifiers: Sequence[str] = (),
    *,
    twin_protection: bool = True,
) -> np.ndarray:
    """``cluster_pairs`` as the position in ``prepared`` of each record's representative.

    The unique ids may be of any one sortable type; pairs of equal probability are taken in the order
    of their ids, so integer ranks of the record ids give exactly the clusters the record ids give.
    """
    ids = prepared["unique_id"].to_numpy()
    count = len(ids)
    index = pd.Index(ids)
    edges = pairs[pairs["match_probability"] >= threshold]
    left = index.get_indexer(edges["unique_id_l"])
    right = index.get_indexer(edges["unique_id_r"])
    if (left < 0).any() or (right < 0).any():
        raise ValueError("pairs name a unique_id that is not among the prepared records")
    component = _components(count, left, right)

    linked = np.flatnonzero(component != np.arange(count))
    members = _union(count, linked, component[linked])  # every record in a component of two or more
    guarded = _conflicting_components(prepared, members, component[members], twin_protection)
    if twin_protection and len(guarded):
        guarded = _refusing_components(prepared, members, component[members], guarded)
    roots = component.copy()
    if len(guarded):
        in_guarded = np.isin(component[left], guarded)
        allowed = merge_allowed if twin_protection else numbers_allow
        with _no_garbage_collection():
            roots = _guarded_kruskal(
                prepared,
                edges[in_guarded],
                left[in_guarded],
                right[in_guarded],
                extra_identifiers,
                roots,
                allowed,
            )
    return roots


@contextmanager
def _no_garbage_collection() -> Iterator[None]:
    """The guarded run makes hundreds of thousands of small sets, tuples and groups, none of them in a
    reference cycle; the cyclic collector scanned them again and again, a third of the run at 1M."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _union(count: int, *indices: np.ndarray) -> np.ndarray:
    """Sorted distinct record indices below ``count``: np.union1d, without its hashing and sorting."""
    seen = np.zeros(count, dtype=bool)
    for index in indices:
        seen[index] = True
    return np.flatnonzero(seen)


def _components(count: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Connected components as the smallest record index in each, by min-label propagation."""
    label = np.arange(count)
    while True:
        lowest = np.minimum(label[left], label[right])
        np.minimum.at(label, left, lowest)
        np.minimum.at(label, right, lowest)
        while True:  # pointer jumping: every label points at a smaller index of the same component
            jumped = label[label]
            if np.array_equal(jumped, label):
                break
            label = jumped
        if np.array_equal(label[left], label[right]):
            return label


# The prepared columns a guard reads. Recorded sex counts too: a record with no given name and the other
# sex can be refused.
_DATE = ("dob", "dob_month", "dob_year", "dob_digits")  # a record's date, as the guards compare it
_GUARDED = ("nhs", "given_key", "sex", *_DATE)


def columns_read(extra_identifiers: Sequence[str] = ()) -> list[str]:
    """The prepared columns ``cluster_roots`` reads."""
    return ["unique_id", *_GUARDED, "family_key", *extra_identifiers]


def _conflicting_components(
    prepared: pd.DataFrame, members: np.ndarray, labels: np.ndarray, twin_protection: bool = True
) -> np.ndarray:
    """Components where some guard could refuse a merge: more than one NHS number, given name or date.

    Without twin protection only NHS numbers can conflict.
    """
    if not len(members):
        return np.empty(0, dtype=np.int64)
    # Columns first, then rows: a copy of every prepared column for every linked record cost 0.4 GB.
    rows = prepared[list(_GUARDED)].iloc[members]
    table = pd.DataFrame(
        {
            "component": labels,
            "nhs": rows["nhs"].to_numpy(),
            "given_key": rows["given_key"].to_numpy(),
            "sex": rows["sex"].to_numpy(),
        }
    )
    has_year = rows["dob_year"].notna().to_numpy()
    # A group's dates are (dob, month, year) triples of records with a year; one distinct triple is
    # one distinct value in each part, missing parts counted as a value.
    for column in _DATE:
        table[column] = rows[column].astype(object).where(rows[column].notna(), "").to_numpy()
        table.loc[~has_year, column] = None
    grouped = table.groupby("component", sort=False)
    distinct = grouped[list(_GUARDED) if twin_protection else ["nhs"]].nunique(dropna=True)
    conflicting = (distinct > 1).any(axis=1)
    return np.asarray(conflicting.index[conflicting.to_numpy()], dtype=np.int64)


def _given_names_related(x: str, y: str) -> bool:
    """Two given names that ``_names_compatible`` takes for one child's, whatever else the groups hold."""
    table = nickname_table()
    return (
        table.get(x, x) == table.get(y, y)
        or jellyfish.jaro_winkler_similarity(x, y) >= GIVEN_NAME_SIMILAR
        or jellyfish.damerau_levenshtein_distance(x, y) <= 1
        or jellyfish.metaphone(x) == jellyfish.metaphone(y)
    )


def _pairs_within(labels: np.ndarray, values: np.ndarray) -> pd.DataFrame:
    """Every pair of distinct value codes that occur in one component: component, x, y with x < y."""
    distinct = pd.DataFrame({"c": labels, "v": values}).drop_duplicates()
    paired = distinct.merge(distinct, on="c", suffixes=("_x", "_y"))
    return paired[paired["v_x"] < paired["v_y"]]


def _disagreeing(labels: np.ndarray, codes: np.ndarray, agree: Callable[[int, int], bool]) -> list[int]:
    """The components in which some two of the coded values do not ``agree`` (each pair asked once)."""
    pairs = _pairs_within(labels, codes)
    distinct = pairs[["v_x", "v_y"]].drop_duplicates()
    agreeing = np.fromiter(
        (agree(x, y) for x, y in zip(distinct["v_x"], distinct["v_y"], strict=True)),
        dtype=bool,
        count=len(distinct),
    )
    components: list[int] = pairs.merge(distinct[~agreeing], on=["v_x", "v_y"])["c"].tolist()
    return components


def _refusing_components(
    prepared: pd.DataFrame, members: np.ndarray, labels: np.ndarray, conflicting: np.ndarray
) -> np.ndarray:
    """Of the ``conflicting`` components, those where a guard could in fact refuse a merge.

    Every guard asks whether some record of one group agrees with some record of the other, so a
    component where every two records agree cannot refuse any merge in any order: at most one valid NHS
    number, at most one recorded sex, every two of its given names related as ``_names_compatible``
    relates them and every two of its dates of birth compatible. Most components with several spellings
    of a name or a mistyped date are such; the guarded run would merge all of their pairs, giving the
    component with its earliest record as representative, as for a conflict-free one.
    """
    chosen = np.isin(labels, conflicting)
    records, labels = members[chosen], labels[chosen]
    rows = prepared[list(_GUARDED)].iloc[records]
    table = pd.DataFrame({"c": labels, "nhs": rows["nhs"].to_numpy(), "sex": rows["sex"].to_numpy()})
    counts = table.groupby("c", sort=False)[["nhs", "sex"]].nunique(dropna=True)
    refusing = set(counts.index[((counts["nhs"] > 1) | (counts["sex"] > 1)).to_numpy()].tolist())
    # Checking every two values costs the square of their number: a component already refusing, or with
    # many names or dates (a chain through placeholder records), goes to the guarded run unchecked.
    date_codes = rows[list(_DATE)].groupby(list(_DATE), dropna=False, sort=False).ngroup().to_numpy()
    many = pd.DataFrame({"c": labels, "given": rows["given_key"].to_numpy(dtype=object), "date": date_codes})
    spread = many.groupby("c", sort=False).nunique(dropna=True).max(axis=1)
    refusing.update(spread.index[(spread > PAIR_CHECK_MAX_VALUES).to_numpy()].tolist())
    kept = ~np.isin(labels, np.fromiter(refusing, dtype=np.int64, count=len(refusing)))
    rows, labels, date_codes = rows.iloc[np.flatnonzero(kept)], labels[kept], date_codes[kept]

    given = rows["given_key"].to_numpy(dtype=object)
    named = pd.notna(given)
    codes, names = pd.factorize(given[named])
    refusing.update(_disagreeing(labels[named], codes, lambda x, y: _given_names_related(names[x], names[y])))

    # A record's date is the ``_DATE`` tuple ``_group`` keeps, for records with a year.
    dated = np.flatnonzero(rows["dob_year"].notna().to_numpy())
    first = pd.Series(dated).groupby(date_codes[dated]).first()  # a record holding each date
    parts = rows[list(_DATE)].iloc[first.to_numpy()]
    values = parts.astype(object).where(parts.notna(), None).to_numpy()
    dates = {
        code: (dob, month, int(year), digits)
        for code, (dob, month, year, digits) in zip(first.index, values, strict=True)
    }
    refusing.update(
        _disagreeing(labels[dated], date_codes[dated], lambda x, y: _dob_compatible(dates[x], dates[y]))
    )
    return np.asarray(sorted(refusing), dtype=np.int64)


def _guarded_kruskal(
    prepared: pd.DataFrame,
    edges: pd.DataFrame,
    left_index: np.ndarray,
    right_index: np.ndarray,
    extra_identifiers: Sequence[str],
    roots: np.ndarray,
    allowed: Callable[[_Group, _Group], bool] = merge_allowed,
) -> np.ndarray:
    """Merge strongest pairs first, refusing merges the groups contradict; ``roots`` updated for them."""
    # Over 60 lines on purpose: find and group_of close over parent, rows and groups for the hot loop
    # (one pass per scored pair, millions at national scale) rather than passing them at every call.
    order = (
        pd.DataFrame(
            {
                "p": edges["match_probability"].to_numpy(),
                "l": edges["unique_id_l"].to_numpy(),
                "r": edges["unique_id_r"].to_numpy(),
            }
        )
        .sort_values(["p", "l", "r"], ascending=[False, True, True], kind="stable")
        .index.to_numpy()
    )
    left = left_index[order].tolist()
    right = right_index[order].tolist()
    nodes = _union(len(prepared), left_index, right_index)
    parent = {int(node): int(node) for node in nodes}
    wanted = [
        *("nhs", "given_key", "family_key", "dob", "dob_month", "dob_year", "dob_digits", "sex"),
        *extra_identifiers,
    ]
    columns = prepared[wanted].iloc[nodes].astype(object)
    values = columns.where(columns.notna(), None).to_numpy()
    rows = {int(node): tuple(row) for node, row in zip(nodes, values, strict=True)}
    groups: dict[int, _Group] = {}

    def find(node: int) -> int:
        root = node
        while parent[root] != root:
            root = parent[root]
        while parent[node] != root:  # path compression keeps later finds short
            parent[node], node = root, parent[node]
        return root

    def group_of(root: int) -> _Group:
        if root not in groups:
            groups[root] = _group(rows[root])
        return groups[root]

    for a, b in zip(left, right, strict=True):
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        ga, gb = group_of(ra), group_of(rb)
        if not allowed(ga, gb):
            continue
        # The smaller index becomes the root, so the representative is the earliest record.
        low, high = (ra, rb) if ra < rb else (rb, ra)
        parent[high] = low
        groups[low].absorb(groups.pop(high))

    roots = roots.copy()
    roots[nodes] = [find(int(node)) for node in nodes]
    return roots
