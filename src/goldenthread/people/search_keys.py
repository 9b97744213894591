"""Which name keys of the index a search's names could be: the fuzzy first step of people.search.

The query's given and family names each pick up to MAX_KEYS keys from NameKey, the table of distinct
name keys: the same key, its nicknames (the canonical given name), keys one typing error away, then keys
that sound alike or (PostgreSQL, pg_trgm) are spelt alike. people.search joins them back to PersonName.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Q

from goldenthread.linkage.keys import EDITABLE_KEY, NameKeys, key_deletions
from goldenthread.people.models import NameKey, NamePart

MAX_KEYS = 100  # name keys per part taken from NameKey, closest first
_FIELD = {NamePart.GIVEN.value: "given_name", NamePart.FAMILY.value: "family_name"}  # the scorer's names


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def one_edit(key: str) -> list[str]:
    """Every string one typing error from ``key``: a letter dropped, added, changed, or two swapped.

    Trigrams miss many single errors in short names ("Kaur"/"Kcur" share two trigrams of eight, and a
    swapped pair like "Taylor"/"Tayolr" breaks three), so these are looked up by exact key as well, and
    the scorer's "one letter different" is always retrieved. SQLite looks these strings up; PostgreSQL
    finds the same keys through NameKeyDeletion (``_one_edit_arm``), a few hundred probes fewer.
    """
    if len(key) < EDITABLE_KEY:
        return []
    splits = [(key[:i], key[i:]) for i in range(len(key) + 1)]
    edits = {a + b[1:] for a, b in splits if b}
    edits |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    edits |= {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    edits |= {a + c + b for a, b in splits for c in _LETTERS}
    edits.discard(key)
    return sorted(edits)


def within_one_edit(key: str, other: str) -> bool:
    """``other`` is ``key`` itself or among its ``one_edit`` strings (without building them)."""
    if key == other:
        return True
    if len(key) < EDITABLE_KEY or abs(len(key) - len(other)) > 1:
        return False
    if len(key) == len(other):
        diff = [i for i, (a, b) in enumerate(zip(key, other, strict=True)) if a != b]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and key[diff[0]] == other[diff[1]]
            and key[diff[1]] == other[diff[0]]
        )
    short, long = (key, other) if len(key) < len(other) else (other, key)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


@dataclass(frozen=True)
class KeyChoice:
    """The name keys a search joins back to PersonName, and its own keys' name counts (``key_counts``)."""

    family: list[str]
    given: list[str]
    counts: dict[str, int]

    def near(self, part: str, key: str) -> list[str]:
        """The chosen keys of ``part`` that are ``key`` itself or one typing error from it."""
        chosen = self.given if part == NamePart.GIVEN else self.family
        return [k for k in chosen if within_one_edit(key, k)]


# The query's rows (linkage.keys.key_deletions) met against the index's NameKeyDeletion rows: the key
# itself, or one letter added, dropped, changed, or two neighbours swapped (see NameKeyDeletion).
_ONE_EDIT = (
    "SELECT k.part, k.key, k.names, CASE WHEN k.key = %s THEN 0 ELSE 2 END AS arm "
    "FROM unnest(%s::text[], %s::int[], %s::text[]) AS q(deleted, position, letter) "
    "JOIN people_namekeydeletion d ON d.part = %s AND d.deleted = q.deleted "
    "JOIN people_namekey k ON k.id = d.name_key_id "
    "WHERE q.position = -1 OR d.position = -1 OR d.position = q.position "
    "OR (d.position = q.position + 1 AND d.letter = q.letter)"
)
_SAME = "SELECT part, key, names, 0 AS arm FROM people_namekey WHERE part = %s AND key = %s"


def _one_edit_arm(part: str, key: str) -> tuple[str, list[Any]]:
    """The key itself and the keys one typing error from it (``one_edit``), as (part, key, names, arm)
    rows of NameKey (PostgreSQL): a dozen probes of NameKeyDeletion's index instead of one per edit.

    The key itself is looked up in NameKey as well, so a key whose deletion rows are missing (written by
    an older release during an upgrade, say) is still found as itself.
    """
    if len(key) < EDITABLE_KEY:
        return _SAME, [part, key]
    deleted, positions, letters = zip(*key_deletions(key), strict=True)
    return f"{_ONE_EDIT} UNION ALL {_SAME}", [
        key,
        list(deleted),
        list(positions),
        list(letters),
        part,
        part,
        key,
    ]


def _key_arms(part: str, key: str, phon: str, canon: str) -> tuple[str, list[Any], str, list[Any]]:
    """One part's arms over NameKey (PostgreSQL): (part, key, names, arm) rows, the exact ones and the
    trigram one apart, each with its params.

    A smaller arm number is a better way to have found a key (see ``keys``).
    """
    first, params = _one_edit_arm(part, key)
    arms = [first]
    if phon:
        arms.append("SELECT part, key, names, 3 FROM people_namekey WHERE part = %s AND phon = %s")
        params += [part, phon]
    if canon:
        arms.append("SELECT part, key, names, 1 FROM people_namekey WHERE part = %s AND canon = %s")
        params += [part, canon]
    # Trigrams rank last (with the phonetic matches), so when the key itself, its variants and the keys
    # one typing error away already fill the limit (a common name has hundreds of misspellings in a
    # large index) nothing they find could be kept, and the scan, the dearest arm, is skipped.
    fuzzy = (
        "SELECT part, key, names, 3 FROM people_namekey WHERE part = %s AND key %% %s "
        "AND (SELECT count(DISTINCT key) FROM looked_up WHERE part = %s AND arm < 3) < %s"
    )
    return " UNION ALL ".join(arms), params, fuzzy, [part, key, part, MAX_KEYS]


def name_key_choice(names: NameKeys) -> KeyChoice:
    """The keys of each name part in the index that could be the query's, closest first (``keys``).

    On PostgreSQL both parts and the query's own keys' counts come from one statement, one round trip.
    """
    if connection.vendor != "postgresql":
        return KeyChoice(
            keys(NamePart.FAMILY, names.family_key, names.family_phon),
            keys(NamePart.GIVEN, names.given_key, names.given_phon, names.given_canon),
            key_counts(names) if names.given_key or names.family_key else {},
        )
    exact: list[str] = []
    fuzzy: list[str] = []
    exact_params: list[Any] = []
    fuzzy_params: list[Any] = []
    own = {}
    for part, key, phon, canon in (
        (NamePart.FAMILY.value, names.family_key, names.family_phon, ""),
        (NamePart.GIVEN.value, names.given_key, names.given_phon, names.given_canon),
    ):
        if key:
            arms, params, trigram, trigram_params = _key_arms(part, key, phon, canon)
            exact.append(arms)
            exact_params += params
            fuzzy.append(trigram)
            fuzzy_params += trigram_params
            own[part] = key
    picked: dict[str, list[str]] = {NamePart.FAMILY.value: [], NamePart.GIVEN.value: []}
    counts: dict[str, int] = {}
    if not exact:
        return KeyChoice([], [], counts)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH looked_up AS ({' UNION ALL '.join(exact)}) "  # noqa: S608 - fixed SQL, values bound
            "SELECT part, key, names FROM (SELECT part, key, names, row_number() OVER (PARTITION BY part "
            "ORDER BY arm, similarity(key, CASE WHEN part = %s THEN %s ELSE %s END) DESC, key) AS rank "
            "FROM (SELECT part, key, names, min(arm) AS arm FROM "
            f"(SELECT * FROM looked_up UNION ALL {' UNION ALL '.join(fuzzy)}) AS k "
            "GROUP BY part, key, names) AS g) AS r WHERE rank <= %s ORDER BY part, rank",
            [
                *exact_params,
                NamePart.FAMILY.value,
                names.family_key,
                names.given_key,
                *fuzzy_params,
                MAX_KEYS,
            ],
        )
        for part, key, count in cursor.fetchall():
            picked[part].append(key)
            if own.get(part) == key:
                counts[_FIELD[part]] = count
    return KeyChoice(picked[NamePart.FAMILY.value], picked[NamePart.GIVEN.value], counts)


def keys(part: str, key: str, phon: str, canon: str = "") -> list[str]:
    """Keys of ``part`` in the index that could be this one: same, sounds alike, nickname, close spelling.

    A common name has hundreds of misspellings in a large index, more than the limit, so the order
    decides what is kept: the same key, then its nicknames and variants (a short list), then keys one
    typing error away, then the closest spellings (trigram similarity on PostgreSQL).
    """
    if not key:
        return []
    if connection.vendor == "postgresql":
        choice = name_key_choice(
            NameKeys(given_key=key, given_phon=phon, given_canon=canon)
            if part == NamePart.GIVEN
            else NameKeys(family_key=key, family_phon=phon)
        )
        return choice.given if part == NamePart.GIVEN else choice.family
    edits = one_edit(key)
    close = Q(key=key) | (Q(key__startswith=key[:3]) if len(key) >= 3 else Q())
    if phon:
        close |= Q(phon=phon)
    if canon:
        close |= Q(canon=canon)
    # The same order as on PostgreSQL, without trigrams: the key, its variants, one error away, the rest.
    nicknames = NameKey.objects.filter(part=part, canon=canon) if canon else NameKey.objects.none()
    found = [key] if NameKey.objects.filter(part=part, key=key).exists() else []
    seen = set(found)
    for keys in (
        nicknames,
        NameKey.objects.filter(part=part, key__in=edits),
        NameKey.objects.filter(close, part=part),
    ):
        for k in keys.values_list("key", flat=True)[: MAX_KEYS * 5]:
            if k not in seen:
                found.append(k)
                seen.add(k)
    return found[:MAX_KEYS]


def key_counts(names: NameKeys) -> dict[str, int]:
    """How many names in the index carry the query's own given and family keys, by field."""
    wanted = Q(part=NamePart.GIVEN, key=names.given_key) if names.given_key else Q(pk__in=[])
    if names.family_key:
        wanted |= Q(part=NamePart.FAMILY, key=names.family_key)
    return {
        _FIELD[part]: count for part, count in NameKey.objects.filter(wanted).values_list("part", "names")
    }
