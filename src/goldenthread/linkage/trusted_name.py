"""Which of a person's recorded names the index shows: the most trustworthy, never a typo of another.

The rule, in order:
1. A name counts once per agency that records it (two records of one agency are one voice), compared by
   its normalised keys, so "HARRY Wilkinson" and "Harry Wilkinson" agree.
2. A name one typing error away from another of the person's names (one letter added, dropped, changed,
   or two neighbours swapped, in one part, the other part the same) is taken as a typo of it when the
   other is recorded by more agencies; with as many agencies each, when the other spelling is more
   common across the whole index (a typo is rare: "wilkinsoa" is nobody else's name). A typo is never shown
   while the name it is a typo of is there.
3. Of the rest, the name most agencies record; on a tie, the most recently recorded.
The shown spelling is the most recent record's of the chosen name.

A genuinely different name (a new family name after adoption or marriage) is more than one error away,
so it is never taken for a typo: rules 3's agencies and recency decide, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import jellyfish


@dataclass(frozen=True)
class RecordedName:
    """One source record's name, newest records first in the sequence given to ``trusted_name``."""

    given_name: str
    family_name: str
    given_key: str
    family_key: str
    agency: int


Key = tuple[str, str]


def one_error_apart(a: Key, b: Key) -> bool:
    """One part the same and the other one typing error away (Damerau-Levenshtein distance 1)."""
    if a == b:
        return False
    if a[0] == b[0]:
        return bool(a[1]) and bool(b[1]) and jellyfish.damerau_levenshtein_distance(a[1], b[1]) == 1
    if a[1] == b[1]:
        return bool(a[0]) and bool(b[0]) and jellyfish.damerau_levenshtein_distance(a[0], b[0]) == 1
    return False


def trusted_name(names: Sequence[RecordedName], commonness: Callable[[Key], int]) -> tuple[str, str]:
    """The name to show, by the rule above; ``commonness(key)`` counts the index's names with that key."""
    agencies: dict[Key, set[int]] = {}
    spelling: dict[Key, tuple[str, str]] = {}
    newest: dict[Key, int] = {}
    for order, name in enumerate(names):
        key = (name.given_key, name.family_key)
        agencies.setdefault(key, set()).add(name.agency)
        spelling.setdefault(key, (name.given_name, name.family_name))
        newest.setdefault(key, order)
    if not agencies:
        return "", ""
    keys = list(agencies)
    near = {k: [o for o in keys if one_error_apart(k, o)] for k in keys}
    common = {k: commonness(k) for k in keys if near[k]}

    def is_typo(key: Key) -> bool:
        support = len(agencies[key])
        return any(
            len(agencies[other]) > support
            or (len(agencies[other]) == support and common[other] > common[key])
            for other in near[key]
        )

    candidates = [k for k in keys if not is_typo(k)] or keys
    best = max(candidates, key=lambda k: (len(agencies[k]), -newest[k]))
    return spelling[best]
