"""Per-field match weights for one pair of records: the online (one record at a time) matcher.

Pure Python, no Django. The batch linker (``linkage.batch``) trains its weights with Splink; the
service matches one incoming record or one search at a time, so it uses a fixed table in the same
Fellegi-Sunter form, transparent enough to show a data officer:

    weight of an outcome = log2(m / u)

where m is the chance of that outcome when the two records are the same person and u the chance when
they are two different people. Positive weights are evidence for a match, negative against; a field
missing on either side contributes nothing. The m and u values below are estimates for agency records of
children in one local authority (documented in docs/import-format.md); they are not trained.

Where they come from: ``bench/import_weights.py`` counts each level's m (share of true pairs) and u
(share of random pairs of different children) on labelled synthetic records and prints them next to this
table. The m of the name-error levels (close spelling, one letter different, sounds alike, swapped) and
of the date-error levels (day/month swapped, one digit different) follow those counts, rounded; their u
too, except that a swapped date is held as rare as an exact one (u of the exact date times the share of
dates that can be swapped). The exact-agreement u (same family name, same postcode) stay the local-index
estimates: the synthetic records are spread over the whole country, where a coincidence is rarer than
in one authority. The levels follow the batch model's (linkage.model) where they overlap.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

import jellyfish

from goldenthread.linkage import normalise as nm
from goldenthread.linkage import twins
from goldenthread.linkage.keys import BirthDate, RecordKeys

# Bands on the summed weight. 20 bits is odds of about a million to one in favour before the prior; with
# a prior of one in ten thousand (a local index) it leaves odds of about 100 to 1, and automatic links
# also need personal evidence (see auto_link_allowed). 10 bits is where a match is plausible enough that
# a data officer should look rather than a duplicate person be created.
AUTO_LINK_WEIGHT = 20.0
REVIEW_WEIGHT = 10.0

AUTO = "auto"
REVIEW = "review"
NEW = "new"


@dataclass(frozen=True)
class Level:
    outcome: str
    m: float
    u: float

    @property
    def weight(self) -> float:
        return math.log2(self.m / self.u)


@dataclass(frozen=True)
class FieldWeight:
    field: str
    label: str
    outcome: str
    weight: float

    @property
    def agrees(self) -> bool:
        return self.weight > 0

    @property
    def disagrees(self) -> bool:
        return self.weight < 0

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "weight": round(self.weight, 2)}


GIVEN = {
    "exact": Level("Same given name", 0.85, 0.01),
    "variant": Level("Nickname or spelling variant", 0.06, 0.002),
    "close": Level("Close spelling", 0.08, 0.002),
    "typo": Level("One letter different", 0.02, 0.0005),
    "contains": Level("One name contains the other", 0.02, 0.002),
    "phonetic": Level("Sounds alike", 0.01, 0.002),
    "swapped": Level("Given and family names swapped", 0.045, 0.001),
    "else": Level("Different given name", 0.025, 0.976),
}
FAMILY = {
    "exact": Level("Same family name", 0.88, 0.005),
    "close": Level("Close spelling", 0.08, 0.003),
    "typo": Level("One letter different", 0.02, 0.001),
    "contains": Level("Shares part of a double-barrelled name", 0.03, 0.001),
    "phonetic": Level("Sounds alike", 0.02, 0.006),
    "swapped": Level("Given and family names swapped", 0.045, 0.001),
    "else": Level("Different family name", 0.03, 0.985),
}
DOB = {
    "exact": Level("Same date of birth", 0.9, 0.0003),
    "swapped": Level("Day and month swapped", 0.02, 0.00012),
    "digit": Level("One digit different", 0.065, 0.004),
    "month": Level("Same month and year", 0.015, 0.012),
    "partial_month": Level("Same month and year (one date partial)", 0.9, 0.012),
    "partial_year": Level("Same year (one date partial)", 0.9, 0.06),
    "else": Level("Different date of birth", 0.035, 0.98),
}
SEX = {
    "exact": Level("Same sex", 0.97, 0.5),
    "else": Level("Different sex", 0.03, 0.5),
}
POSTCODE = {
    "exact": Level("Same postcode", 0.6, 0.001),
    "sector": Level("Same postcode sector", 0.1, 0.02),
    # People move, so a different postcode is only weak evidence against.
    "else": Level("Different postcode", 0.3, 0.979),
}
NHS = {
    "exact": Level("Same NHS number", 0.97, 0.000001),
    # Typing errors are caught by the check digit, so two valid different numbers are strong evidence.
    "else": Level("Different NHS number", 0.02, 0.999999),
}

_CHILD_DAYS = 18 * 365.25


def _weight(field: str, label: str, level: Level) -> FieldWeight:
    return FieldWeight(field, label, level.outcome, level.weight)


def _name_level(
    table: dict[str, Level], key_a: str, key_b: str, canon_equal: bool, phon_equal: bool, swapped: bool
) -> Level:
    if key_a == key_b:
        return table["exact"]
    if canon_equal and "variant" in table:
        return table["variant"]
    similarity = jellyfish.jaro_winkler_similarity(key_a, key_b)
    if similarity >= 0.92:
        return table["close"]
    if table is GIVEN and twins.one_letter_apart(key_a, key_b):
        return table["typo"]
    # A family name keeps the older test: four letters or more (Li / Lin are two families).
    if min(len(key_a), len(key_b)) >= 4 and jellyfish.damerau_levenshtein_distance(key_a, key_b) == 1:
        return table["typo"]
    shorter, longer = sorted((key_a, key_b), key=len)
    if len(shorter) >= 3 and shorter in longer:
        return table["contains"]
    if phon_equal:
        return table["phonetic"]
    if swapped:
        return table["swapped"]
    return table["else"]


def compare_given(a: RecordKeys, b: RecordKeys) -> FieldWeight | None:
    na, nb = a.names, b.names
    if not na.given_key or not nb.given_key:
        return None
    level = _name_level(
        GIVEN,
        na.given_key,
        nb.given_key,
        bool(na.given_canon) and na.given_canon == nb.given_canon,
        bool(na.given_phon) and na.given_phon == nb.given_phon,
        na.given_key == nb.family_key,
    )
    return _weight("given_name", "Given name", level)


def compare_family(a: RecordKeys, b: RecordKeys) -> FieldWeight | None:
    na, nb = a.names, b.names
    if not na.family_key or not nb.family_key:
        return None
    level = _name_level(
        FAMILY,
        na.family_key,
        nb.family_key,
        False,
        bool(na.family_phon) and na.family_phon == nb.family_phon,
        na.family_key == nb.given_key,
    )
    return _weight("family_name", "Family name", level)


# A common name is weaker evidence than a rare one: two different children are both "Oliver" far more
# often than the table's u, an average over all names, says. The search knows how many names in the index
# carry the key it was given (NameKey.names), so an exact agreement on it takes the larger of the table's
# u and that name's share of the index. The share is smoothed towards the table's u as if this many more
# names had been counted, so a small index (a few hundred names) keeps the table's weights.
PRIOR_NAMES = 10_000


def name_share(names_with_key: int, names_held: int, u: float) -> float:
    """How often two different people agree on this name exactly: never less than the table says."""
    return max(u, (names_with_key + PRIOR_NAMES * u) / max(1, names_held + PRIOR_NAMES))


def common_name(weight: FieldWeight, names_with_key: int, names_held: int) -> FieldWeight:
    """An exact given or family name agreement weighed by how common the name is in the index."""
    table = {"given_name": GIVEN, "family_name": FAMILY}.get(weight.field)
    if table is None or weight.outcome != table["exact"].outcome:
        return weight
    level = table["exact"]
    share = name_share(names_with_key, names_held, level.u)
    # A name nearly everyone has is no evidence either way, never evidence against.
    return FieldWeight(weight.field, weight.label, weight.outcome, max(0.0, math.log2(level.m / share)))


# A search's names compared the other way round (its given name against the record's family name and
# the reverse) cost this much for the swap itself: the chance an agency swapped them (m, about the
# generator's and the labelled pairs' share), with u 1 because two different people's names agree no more
# often crossed than straight. The search uses it where a swap comes with a typo or a nickname, which
# the per-part "swapped" level (exact keys only) cannot see.
NAME_ORDER_SWAPPED = Level("Given and family names swapped", 0.045, 1.0)


def compare_names_swapped(a: RecordKeys, b: RecordKeys) -> list[FieldWeight]:
    """Both name parts compared crossed, with the cost of the swap; empty unless both have both parts."""
    na, nb = a.names, b.names
    if not (na.given_key and na.family_key and nb.given_key and nb.family_key):
        return []
    their_given_canon = nm.canonical_given_name(nb.family_key)
    given = _name_level(
        GIVEN,
        na.given_key,
        nb.family_key,
        bool(na.given_canon) and na.given_canon == their_given_canon,
        bool(na.given_phon) and na.given_phon == nb.family_phon,
        False,
    )
    family = _name_level(
        FAMILY,
        na.family_key,
        nb.given_key,
        False,
        bool(na.family_phon) and na.family_phon == nb.given_phon,
        False,
    )
    return [
        _weight("given_name", "Given name", given),
        _weight("family_name", "Family name", family),
        _weight("name_order", "Name order", NAME_ORDER_SWAPPED),
    ]


def _dob_level(a: BirthDate, b: BirthDate) -> Level:
    if a.precision == "day" and b.precision == "day":
        if a.date == b.date:
            return DOB["exact"]
        if a.swapped == b.date:
            return DOB["swapped"]
        if jellyfish.damerau_levenshtein_distance(a.date.isoformat(), b.date.isoformat()) == 1:
            return DOB["digit"]
        if (a.date.year, a.date.month) == (b.date.year, b.date.month):
            return DOB["month"]
        return DOB["else"]
    if "year" in (a.precision, b.precision):
        return DOB["partial_year"] if a.date.year == b.date.year else DOB["else"]
    same_month = (a.date.year, a.date.month) == (b.date.year, b.date.month)
    return DOB["partial_month"] if same_month else DOB["else"]


def compare_dob(a: RecordKeys, b: RecordKeys) -> FieldWeight | None:
    if a.birth is None or b.birth is None:
        return None
    return _weight("date_of_birth", "Date of birth", _dob_level(a.birth, b.birth))


def compare_sex(a: RecordKeys, b: RecordKeys) -> FieldWeight | None:
    if a.sex in ("", "unknown") or b.sex in ("", "unknown"):
        return None
    return _weight("sex", "Sex", SEX["exact" if a.sex == b.sex else "else"])


def compare_postcode(a: RecordKeys, b: RecordKeys) -> FieldWeight | None:
    if not a.postcode or not b.postcode:
        return None
    if a.postcode == b.postcode:
        level = POSTCODE["exact"]
    elif a.postcode_sector and a.postcode_sector == b.postcode_sector:
        level = POSTCODE["sector"]
    else:
        level = POSTCODE["else"]
    return _weight("postcode", "Postcode", level)


def compare_nhs(a: RecordKeys, b: RecordKeys) -> FieldWeight | None:
    if not a.nhs_number or not b.nhs_number:
        return None
    return _weight("nhs_number", "NHS number", NHS["exact" if a.nhs_number == b.nhs_number else "else"])


COMPARISONS = (compare_nhs, compare_given, compare_family, compare_dob, compare_sex, compare_postcode)


def compare(a: RecordKeys, b: RecordKeys) -> list[FieldWeight]:
    """The weight of each field both records have, in a fixed order."""
    return [w for w in (c(a, b) for c in COMPARISONS) if w is not None]


def total(weights: Iterable[FieldWeight]) -> float:
    return sum(w.weight for w in weights)


def dob_range_weight(days_wide: int) -> FieldWeight:
    """A search by an approximate date of birth: the narrower the range, the stronger the evidence."""
    u = min(1.0, (days_wide + 1) / _CHILD_DAYS)
    return FieldWeight("date_of_birth", "Date of birth", "Born within the range given", math.log2(0.95 / u))


# Each level's outcome as a category of the twin rule (twins.RULE), which decides automatic links.
_GIVEN_CATEGORY = {
    GIVEN["exact"].outcome: twins.Given.SAME,
    GIVEN["variant"].outcome: twins.Given.VARIANT,
    GIVEN["close"].outcome: twins.Given.CLOSE,
    GIVEN["typo"].outcome: twins.Given.TYPO,
    GIVEN["contains"].outcome: twins.Given.SIMILAR,
    GIVEN["phonetic"].outcome: twins.Given.SOUNDS_ALIKE,
    GIVEN["swapped"].outcome: twins.Given.SWAPPED,
    GIVEN["else"].outcome: twins.Given.DIFFERENT,
}
_BORN_CATEGORY = {
    DOB["exact"].outcome: twins.Born.SAME,
    DOB["swapped"].outcome: twins.Born.SWAPPED,
    DOB["digit"].outcome: twins.Born.ONE_DIGIT,
    DOB["month"].outcome: twins.Born.SAME_MONTH,
    DOB["partial_month"].outcome: twins.Born.SAME_MONTH,
    DOB["partial_year"].outcome: twins.Born.SAME_YEAR,
    DOB["else"].outcome: twins.Born.DIFFERENT,
}
_IDENTIFIER_CATEGORY = {
    NHS["exact"].outcome: twins.Identifier.SAME,
    NHS["else"].outcome: twins.Identifier.DIFFERENT,
}


def twin_categories(weights: Iterable[FieldWeight]) -> tuple[twins.Identifier, twins.Given, twins.Born]:
    """The pair's NHS number, given name and date of birth as categories of the twin rule."""
    by_field = {w.field: w.outcome for w in weights}
    nhs, given, dob = (by_field.get(f) for f in ("nhs_number", "given_name", "date_of_birth"))
    return (
        _IDENTIFIER_CATEGORY[nhs] if nhs else twins.Identifier.MISSING,
        _GIVEN_CATEGORY.get(given, twins.Given.DIFFERENT) if given else twins.Given.MISSING,
        _BORN_CATEGORY.get(dob, twins.Born.DIFFERENT) if dob else twins.Born.MISSING,
    )


def auto_link_allowed(weights: Iterable[FieldWeight]) -> bool:
    """Besides the score, an automatic link needs evidence about the person, not the household.

    The rule is the batch linker's too: see twins.RULE.
    """
    return twins.link_allowed(*twin_categories(weights), twins.Matcher.LIVE)


def band(weights: list[FieldWeight]) -> str:
    """AUTO (link to the candidate), REVIEW (ask a data officer) or NEW (a different person)."""
    score = total(weights)
    if score >= AUTO_LINK_WEIGHT and auto_link_allowed(weights):
        return AUTO
    if score >= REVIEW_WEIGHT:
        return REVIEW
    return NEW
