"""Count m and u of each level of the online scorer's table on labelled synthetic records.

    .venv/bin/python bench/import_weights.py [--people 20000] [--seed 7]

m of a level: the share of true pairs (two records of one generated child) that fall on it; u: the
share of random pairs of different children; "household": the share of pairs of different children
who share a family name and postcode (siblings, twins), the pairs auto_link_allowed must keep apart.
Pairs where a field is missing on either side are left out of that field's counts, as in the scorer.
Prints the counted m, u and log2(m/u) next to the table's. No Django, no database. Never fails.
"""

from __future__ import annotations

import argparse
import math
import random
from collections import Counter, defaultdict
from itertools import combinations

from goldenthread.linkage import scoring, synthetic
from goldenthread.linkage.keys import NameKeys, RecordKeys, parse_birth_date, postcode_keys

TABLES = {
    "given_name": scoring.GIVEN,
    "family_name": scoring.FAMILY,
    "date_of_birth": scoring.DOB,
    "sex": scoring.SEX,
    "postcode": scoring.POSTCODE,
    "nhs_number": scoring.NHS,
}


def _keys(given: str, family: str, dob: str, sex: str, postcode: str, nhs: str) -> RecordKeys:
    pc = postcode_keys(postcode) if postcode else None
    digits = "".join(ch for ch in nhs if ch.isdigit())
    return RecordKeys(
        names=NameKeys.of(given, family),
        birth=parse_birth_date(dob, today=synthetic.REFERENCE_DATE),
        sex={"m": "male", "male": "male", "f": "female", "female": "female"}.get(sex.lower(), "unknown"),
        postcode=pc[0] if pc else "",
        postcode_sector=pc[1] if pc else "",
        nhs_number=digits if len(digits) == 10 else "",
    )


def _count(pairs: list[tuple[RecordKeys, RecordKeys]]) -> dict[str, Counter[str]]:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for a, b in pairs:
        for weight in scoring.compare(a, b):
            counts[weight.field][weight.outcome] += 1
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    by_child: dict[str, list[RecordKeys]] = defaultdict(list)
    for _rid, _src, given, family, dob, sex, postcode, _line, nhs, true_id in synthetic.generate(
        args.people, args.seed
    ):
        by_child[true_id].append(_keys(given, family, dob, sex, postcode, nhs))
    records = [(child, k) for child, ks in by_child.items() for k in ks]
    true_pairs = [pair for ks in by_child.values() for pair in combinations(ks, 2)]
    random_pairs = []
    while len(random_pairs) < 400_000:
        (ca, a), (cb, b) = rng.choice(records), rng.choice(records)
        if ca != cb:
            random_pairs.append((a, b))
    households: dict[tuple[str, str], list[tuple[str, RecordKeys]]] = defaultdict(list)
    for child, k in records:
        if k.names.family_key and k.postcode:
            households[(k.names.family_key, k.postcode)].append((child, k))
    household_pairs = [
        (a, b) for group in households.values() for (ca, a), (cb, b) in combinations(group, 2) if ca != cb
    ]
    m, u, h = _count(true_pairs), _count(random_pairs), _count(household_pairs)
    print(
        f"{len(true_pairs):,} true pairs, {len(random_pairs):,} random pairs,"
        f" {len(household_pairs):,} household pairs"
    )
    for field, table in TABLES.items():
        print(f"\n{field}")
        mt, ut, ht = sum(m[field].values()), sum(u[field].values()), sum(h[field].values())
        for name, level in table.items():
            mc, uc, hc = (
                m[field][level.outcome] / mt,
                u[field][level.outcome] / ut,
                h[field][level.outcome] / max(ht, 1),
            )
            counted = math.log2(mc / uc) if mc and uc else float("nan")
            print(
                f"  {name:14s} table m {level.m:<8g} u {level.u:<9g} w {level.weight:+6.1f}"
                f" | counted m {mc:.4f} u {uc:.6f} w {counted:+6.1f} | household {hc:.4f}  {level.outcome}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
