"""The twin and sibling rule: when a pair may be linked automatically, besides its score.

Family name, address and postcode describe a household, not a child: brothers and sisters share them,
twins share the date of birth too, and a parent may share the child's name. So an automatic link needs
evidence about the person as well as a score. This module is the one statement of that rule, a table of
rows over three comparisons of the pair (identifier, given name, date of birth); both matchers use it:
the live scorer (``scoring.auto_link_allowed``) looks its levels up in the table, and the batch linker's
filter on Splink's comparison levels (``model.auto_link_evidence_sql``) is SQL generated from it.

Where the two matchers compare a field at different levels (the batch model has a "two digits wrong"
date level and a "similar" given-name level at Jaro-Winkler 0.8; the live scorer has "one name contains
the other"), each maps its own levels onto the categories below, and the table decides. A row may hold for
one matcher only (``Row.matchers``); docs/adr/0003-batch-linker-twin-protection.md says why the rule is
what it is, and where the matchers differ.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import TypeVar

import jellyfish


class Identifier(Enum):
    """A shared identifier (NHS number, or an extra id column in the batch linker)."""

    SAME = "same"
    DIFFERENT = "different"
    MISSING = "missing"  # either record has none


class Given(Enum):
    SAME = "same"
    VARIANT = "variant"  # nickname or spelling variant (Bill / William)
    CLOSE = "close"  # Jaro-Winkler 0.92 or more
    TYPO = "typo"  # one letter out (one_letter_apart)
    SWAPPED = "swapped"  # given and family names exchanged
    SOUNDS_ALIKE = "sounds alike"  # Leo / Lea: twins' names often do
    SIMILAR = "similar"  # one contains the other (live: Ella / Isabella), Jaro-Winkler 0.8 (batch)
    DIFFERENT = "different"
    MISSING = "missing"


# Shorter names with one letter changed are usually different names (Leo / Lea, Ava / Eva).
TYPO_MIN_LENGTH = 4


def one_letter_apart(a: str, b: str) -> bool:
    """Two given-name keys one typing error apart: a letter wrong, missing, extra, or two swapped.

    In names shorter than four letters only a letter missing or extra counts (Sara / Sra, Ali / Al): a
    changed letter there is more often another name. ``one_letter_apart_sql`` is the same test in SQL.
    """
    if min(len(a), len(b)) < TYPO_MIN_LENGTH and abs(len(a) - len(b)) != 1:
        return False
    return jellyfish.damerau_levenshtein_distance(a, b) == 1


def one_letter_apart_sql(left: str, right: str) -> str:
    """``one_letter_apart`` of two text columns, in DuckDB's and Spark's SQL."""
    return (
        f"(least(length({left}), length({right})) >= {TYPO_MIN_LENGTH}"
        f" or abs(length({left}) - length({right})) = 1)"
        f" and damerau_levenshtein({left}, {right}) = 1"
    )


# In the batch linker, a name one typing error from a name at least this many times as common in the file
# counts as a typo of it, where the error alone would not make it one: a letter changed in a name under
# four letters ("Maa" beside "Mia"), or two errors in a name of five letters or more ("Olviai" beside
# "Olivia"). A typo is rare; the names of twins (Ava / Eva, Leo / Lea, Olivia / Oliver) are both in common
# use. The service has no such count and asks a data officer (docs/adr/0003).
RARE_VARIANT_RATIO = 20
TWO_ERRORS_MIN_LENGTH = 5


def rare_variant(a: str, b: str, frequency_a: float, frequency_b: float) -> bool:
    """Names close enough for a typo only if one is rare, and one ``RARE_VARIANT_RATIO`` times rarer.

    ``rare_variant_sql`` is the same test in SQL, on the batch linker's term frequencies.
    """
    distance = jellyfish.damerau_levenshtein_distance(a, b)
    shortest = min(len(a), len(b))
    close = (distance == 1 and shortest < TYPO_MIN_LENGTH) or (
        distance == 2 and shortest >= TWO_ERRORS_MIN_LENGTH
    )
    return close and max(frequency_a, frequency_b) >= RARE_VARIANT_RATIO * min(frequency_a, frequency_b)


def rare_variant_sql(left: str, right: str, tf_left: str, tf_right: str) -> str:
    """``rare_variant`` of two text columns and their frequencies, in DuckDB's and Spark's SQL."""
    shortest = f"least(length({left}), length({right}))"
    distance = f"damerau_levenshtein({left}, {right})"
    return (
        f"((({distance} = 1 and {shortest} < {TYPO_MIN_LENGTH})"
        f" or ({distance} = 2 and {shortest} >= {TWO_ERRORS_MIN_LENGTH}))"
        f" and greatest({tf_left}, {tf_right}) >= {RARE_VARIANT_RATIO} * least({tf_left}, {tf_right}))"
    )


class Born(Enum):
    SAME = "same"
    SWAPPED = "day and month swapped"
    ONE_DIGIT = "one digit different"
    TWO_DIGITS = "two digits different"  # batch model only
    SAME_MONTH = "same month and year"  # different days, or one date known to the month only
    SAME_YEAR = "same year"  # one date known to the year only (batch: any two dates of one year)
    DIFFERENT = "different"
    MISSING = "missing"


# Given names that tell one child from a brother, sister or twin. A name that only sounds alike or is
# merely similar ("Leo" / "Lea", "Ella" / "Isabella", "Mason" / "Jason") tells twins apart no better than
# a different one.
PERSONAL_GIVEN = frozenset({Given.SAME, Given.VARIANT, Given.CLOSE, Given.TYPO, Given.SWAPPED})
# Dates one mistyped date apart: a brother or sister is not born within two digits of the day.
CLOSE_BORN = frozenset({Born.SAME, Born.SWAPPED, Born.ONE_DIGIT, Born.TWO_DIGITS})
# Dates of birth that agree, at whatever precision the records have. A different birthday under the same
# name is a brother or sister named alike, or a child and the parent the child is named after.
AGREEING_BORN = CLOSE_BORN | {Born.SAME_MONTH, Born.SAME_YEAR}
ANY_GIVEN = frozenset(Given)
ANY_BORN = frozenset(Born)


class Matcher(Enum):
    LIVE = "live"  # the service, one record at a time, with a data officer's review queue behind it
    BATCH = "batch"  # goldenthread link, a whole file, with no one to review what it leaves apart


BOTH = frozenset(Matcher)


@dataclass(frozen=True)
class Row:
    """An automatic link is allowed when the pair's levels are in every set of one row."""

    why: str
    identifier: frozenset[Identifier]
    given: frozenset[Given]
    born: frozenset[Born]
    matchers: frozenset[Matcher] = BOTH

    def holds(self, identifier: Identifier, given: Given, born: Born) -> bool:
        return identifier in self.identifier and given in self.given and born in self.born


SAME_ID = frozenset({Identifier.SAME})
ANY_ID = frozenset(Identifier)

RULE: tuple[Row, ...] = (
    # The same identifier is enough unless the given names are different as well: then it is more
    # likely a brother's or sister's number written on the wrong record, unless the birthdays agree to
    # within a mistyped date.
    Row("same identifier, given name not different", SAME_ID, ANY_GIVEN - {Given.DIFFERENT}, ANY_BORN),
    Row("same identifier, date of birth within a typing error", SAME_ID, ANY_GIVEN, CLOSE_BORN),
    # A given name that is the child's own, unless the dates of birth disagree: a brother or sister
    # named alike, or the parent the child is named after.
    Row("a personal given name, an agreeing date of birth", ANY_ID, PERSONAL_GIVEN, AGREEING_BORN),
    # With the date missing on one record the service asks a data officer (the record may be a parent's
    # of the same name). The batch linker has no one to ask, and leaving the pair apart loses the link:
    # in its 200,000 synthetic records such pairs above the threshold are 99.9% one child.
    Row("a personal given name, no date of birth on one record", ANY_ID, PERSONAL_GIVEN,
        frozenset({Born.MISSING}), frozenset({Matcher.BATCH})),
    # A record without a given name (a school's "Baby Smith") says nothing about which child it is, so
    # the date of birth alone decides; the clustering guards keep a chain through it from joining twins.
    Row("no given name, an agreeing date of birth", ANY_ID, frozenset({Given.MISSING}), AGREEING_BORN),
)  # fmt: skip


def link_allowed(identifier: Identifier, given: Given, born: Born, matcher: Matcher) -> bool:
    """Whether the pair has the personal evidence an automatic link needs besides its score."""
    return any(row.holds(identifier, given, born) for row in RULE if matcher in row.matchers)


Category = TypeVar("Category", Given, Born)
_EQUALS = re.compile(r"(\w+) = (-?\d+)")


def _levels_sql(wanted: frozenset[Category], levels: Mapping[Category, str]) -> str | None:
    """The wanted categories' conditions, or'ed: "" when any level will do, None when none can."""
    if set(levels) <= wanted:
        return ""
    conditions: list[str] = [levels[c] for c in levels if c in wanted]
    if not conditions:
        return None
    # "x = 1 or x = 2" reads better as "x in (1, 2)".
    values: list[str] = []
    others: list[str] = []
    column = ""
    for condition in conditions:
        found = _EQUALS.fullmatch(condition)
        if found and column in ("", found[1]):
            column = found[1]
            values.append(found[2])
        else:
            others.append(condition)
    if len(values) > 1:
        conditions = [f"{column} in ({', '.join(values)})", *others]
    return conditions[0] if len(conditions) == 1 else "(" + " or ".join(conditions) + ")"


def rule_sql(
    same_identifier: Iterable[str], given_levels: Mapping[Given, str], born_levels: Mapping[Born, str]
) -> str:
    """The batch linker's rows of the table as one SQL condition on Splink's comparison levels (gammas).

    ``same_identifier`` holds one SQL condition per identifier meaning "the same"; ``given_levels`` and
    ``born_levels`` give the SQL condition that puts a pair in each category (each pair in exactly one).
    A category the model cannot tell is absent from its mapping; a row that needs only absent
    categories never holds.
    """
    same_id = [f"({condition})" for condition in same_identifier]
    clauses = []
    for row in RULE:
        if Matcher.BATCH not in row.matchers:
            continue
        parts = []
        if row.identifier == SAME_ID:
            if not same_id:
                continue
            parts.append(same_id[0] if len(same_id) == 1 else "(" + " or ".join(same_id) + ")")
        elif row.identifier != ANY_ID:
            raise ValueError(f"rule row {row.why!r}: only 'same' or any identifier can be written as SQL")
        given = _levels_sql(row.given, given_levels)
        born = _levels_sql(row.born, born_levels)
        if given is None or born is None:
            continue  # the model has no level this row needs: it never holds
        parts += [part for part in (given, born) if part]
        clauses.append("(" + " and ".join(parts or ["true"]) + ")")
    return "(" + " or ".join(clauses or ["false"]) + ")"
