"""Seeded generator of messy, realistic child records as several agencies would hold them.

Children live in households (siblings share a family name, address and sometimes a birthday: twins),
move house, and are recorded by two to five agencies, each with its own habits and mistakes: nicknames
and spelling variants, typos, given and family names swapped, day and month swapped, blank or malformed
dates, old addresses, missing or mistyped NHS numbers. Names follow real frequencies closely enough that
namesakes (different children with one name and birthday) are rare, as they are in real records: British
family names have a long tail beyond the commonest hundred (see ``synthetic_names``). The output is the
``goldenthread link`` input format plus ``true_person_id``, so anyone can reproduce the linkage benchmarks.

    python -m goldenthread.linkage.synthetic --people 100000 --out records.csv --seed 1

The same seed and people count always give the same file. Records are written in shuffled chunks, so
memory stays flat however many people are asked for.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import itertools
import random
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TextIO

from anyascii import anyascii

from goldenthread.linkage import normalise as nm
from goldenthread.linkage import synthetic_names as pools

OUTPUT_COLUMNS = (
    "record_id",
    "source",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "postcode",
    "address_line",
    "nhs_number",
    "true_person_id",
)
# Fixed, not today's date, so a seed gives the same file next year.
REFERENCE_DATE = dt.date(2025, 1, 1)
CHUNK_PEOPLE = 20_000
COPIES = (1, 2, 3, 4, 5)
COPY_WEIGHTS = (0.18, 0.32, 0.26, 0.15, 0.09)
LETTERS = "abcdefghijklmnopqrstuvwxyz"


@dataclass
class Address:
    line: str
    postcode: str
    short_line: str


@dataclass
class Child:
    person_id: str
    given: str
    family: str
    dob: dt.date
    sex: str
    nhs: str
    community: str
    addresses: list[Address] = field(default_factory=list)
    siblings_nhs: list[str] = field(default_factory=list)


def _zipf_weights(n: int) -> list[float]:
    return [1.0 / (rank + 1) ** 0.9 for rank in range(n)]


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - reproducible test data, not security
        self.communities = list(pools.COMMUNITIES)
        self.community_weights = [pools.COMMUNITIES[c][0] for c in self.communities]
        self.weights = {
            name: tuple(_zipf_weights(len(lst)) for lst in pools.COMMUNITIES[name][1:])
            for name in self.communities
        }
        groups: dict[str, list[str]] = {}
        for variant, canonical in nm.nickname_table().items():
            groups.setdefault(canonical, []).append(variant)
        self.variants = groups
        self.used_nhs: set[str] = set()
        self.next_person = 0

    # --- the truth ---------------------------------------------------------------------------------

    def _pick(self, community: str, which: int) -> str:
        names: list[str] = pools.COMMUNITIES[community][which + 1]  # type: ignore[assignment]  # a row is (share, lists...): a list index
        tail = pools.FAMILY_TAIL.get(community) if which == 2 else None
        if tail and self.rng.random() >= pools.FAMILY_HEAD_SHARE[community]:
            return self.rng.choice(tail)
        return self.rng.choices(names, weights=self.weights[community][which])[0]

    def _nhs(self) -> str:
        while True:
            first = f"{self.rng.randrange(400_000_000, 799_999_999):09d}"
            check = nm.nhs_check_digit(first)
            if check is not None and first + str(check) not in self.used_nhs:
                self.used_nhs.add(first + str(check))
                return first + str(check)

    def _address(self) -> Address:
        rng = self.rng
        number = rng.randint(1, 220)
        street = rng.choice(pools.STREETS)
        long_type, short_type = rng.choice(pools.STREET_TYPES)
        district = rng.randint(1, 30)
        inward = f"{rng.randint(0, 9)}{rng.choice(pools.INWARD_LETTERS)}{rng.choice(pools.INWARD_LETTERS)}"
        postcode = f"{rng.choice(pools.POSTCODE_AREAS)}{district} {inward}"
        flat = f"Flat {rng.randint(1, 12)}, " if rng.random() < 0.15 else ""
        return Address(
            f"{flat}{number} {street} {long_type}", postcode, f"{flat}{number} {street} {short_type}"
        )

    def _dob(self) -> dt.date:
        span = (REFERENCE_DATE - dt.date(2007, 1, 1)).days
        return dt.date(2007, 1, 1) + dt.timedelta(days=self.rng.randrange(span))

    def household(self) -> list[Child]:
        rng = self.rng
        community = rng.choices(self.communities, weights=self.community_weights)[0]
        family = self._pick(community, 2)
        if rng.random() < 0.05:
            family = f"{family}-{self._pick(community, 2)}"
        addresses = [self._address() for _ in range(1 + (rng.random() < 0.35) + (rng.random() < 0.15))]
        size = rng.choices((1, 2, 3, 4), weights=(0.4, 0.35, 0.15, 0.1))[0]
        children: list[Child] = []
        for index in range(size):
            sex = rng.choice("mf")
            own_family = family
            if index and rng.random() < 0.12:
                own_family = self._pick(community, 2)  # half-siblings
            twin = index and rng.random() < 0.04
            dob = children[-1].dob if twin else self._dob()
            given = self._pick(community, 0 if sex == "m" else 1)
            while any(c.given == given for c in children):
                given = self._pick(community, 0 if sex == "m" else 1)
            self.next_person += 1
            children.append(
                Child(
                    f"T{self.next_person:08d}", given, own_family, dob, sex, self._nhs(), community, addresses
                )
            )
        for child in children:
            child.siblings_nhs = [c.nhs for c in children if c is not child]
        return children

    # --- what agencies write down --------------------------------------------------------------------

    def typo(self, text: str) -> str:
        rng = self.rng
        if len(text) < 3:
            return text
        i = rng.randrange(1, len(text))  # first letters are typed with more care
        op = rng.random()
        if op < 0.3:
            return text[:i] + rng.choice(LETTERS) + text[i + 1 :]
        if op < 0.55:
            return text[:i] + text[i + 1 :]
        if op < 0.8:
            return text[:i] + rng.choice(LETTERS) + text[i:]
        if i < len(text) - 1:
            return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        return text[:i]

    def variant(self, given: str) -> str:
        canonical = nm.canonical_given_name(given)
        options = [v for v in self.variants.get(canonical, []) if v != nm.name_key(given)]
        return self.rng.choice(options).title() if options else given

    def _case(self, text: str) -> str:
        roll = self.rng.random()
        return text.upper() if roll < 0.2 else text.lower() if roll < 0.25 else text

    def _date_text(self, dob: dt.date) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.04:
            return ""
        if roll < 0.055:
            return rng.choice(pools.MALFORMED_DATES)
        if roll < 0.085 and dob.day <= 12 and dob.day != dob.month:
            return f"{dob.year:04d}-{dob.day:02d}-{dob.month:02d}"
        iso = dob.isoformat()
        if roll < 0.115:
            i = rng.choice((3, 5, 6, 8, 9))
            return iso[:i] + str(rng.randrange(10)) + iso[i + 1 :]
        if roll < 0.135:
            return f"{dob.day:02d}/{dob.month:02d}/{dob.year:04d}"
        if roll < 0.145:
            return f"{dob.year:04d}" if rng.random() < 0.5 else f"{dob.year:04d}-{dob.month:02d}"
        if roll < 0.155:
            return f"{dob.year + rng.choice((-1, 1)):04d}-{dob.month:02d}-{dob.day:02d}"
        return iso

    def _postcode_text(self, postcode: str) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.06:
            return ""
        if roll < 0.09:
            i = rng.choice([j for j, ch in enumerate(postcode) if ch != " "])
            pool = "0123456789" if postcode[i].isdigit() else "ABCDEFGHJKLMNPRSTUWXY"
            postcode = postcode[:i] + rng.choice(pool) + postcode[i + 1 :]
        if rng.random() < 0.2:
            postcode = postcode.replace(" ", "")
        return postcode.lower() if rng.random() < 0.1 else postcode

    def _nhs_text(self, child: Child, source: str) -> str:
        rng = self.rng
        if rng.random() >= pools.NHS_RECORDED[source]:
            return ""
        roll = rng.random()
        nhs = child.nhs
        if roll < 0.02:
            i = rng.randrange(10)
            nhs = nhs[:i] + str((int(nhs[i]) + rng.randint(1, 9)) % 10) + nhs[i + 1 :]
        elif roll < 0.023 and child.siblings_nhs:
            nhs = rng.choice(child.siblings_nhs)
        if rng.random() < 0.3:
            nhs = f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"
        return nhs

    def record(self, child: Child, source: str) -> list[str]:
        rng = self.rng
        given, family = child.given, child.family
        if rng.random() < 0.12:
            given = self.variant(given)
        if rng.random() < 0.07:
            given = self.typo(given)
        if rng.random() < 0.06:
            family = self.typo(family)
        if "-" in family and rng.random() < 0.5:
            parts = family.split("-")
            family = rng.choice((parts[0], parts[-1], " ".join(parts)))
        if rng.random() < 0.015:
            family = self._pick(child.community, 2)  # recorded under another parent's name
        if not given.isascii() and rng.random() < 0.5:
            given = anyascii(given)
        if not family.isascii() and rng.random() < 0.5:
            family = anyascii(family)
        if rng.random() < 0.01:
            given = f"{rng.choice(pools.TITLES_BY_SEX[child.sex])} {given}"
        if rng.random() < 0.03:
            given, family = family, given
        given = "" if rng.random() < 0.01 else self._case(given)
        family = "" if rng.random() < 0.01 else self._case(family)

        address = child.addresses[0]
        if len(child.addresses) > 1 and rng.random() < 0.3:
            address = rng.choice(child.addresses[1:])
        roll = rng.random()
        line = "" if roll < 0.05 else address.short_line if roll < 0.2 else address.line
        sex = child.sex
        roll = rng.random()
        if roll < 0.02:
            sex = ""
        elif roll < 0.025:
            sex = "f" if sex == "m" else "m"
        if sex:
            sex = rng.choice({"m": ("M", "M", "Male"), "f": ("F", "F", "Female")}[sex])
        return [
            source,
            given,
            family,
            self._date_text(child.dob),
            sex,
            self._postcode_text(address.postcode),
            self._case(line),
            self._nhs_text(child, source),
            child.person_id,
        ]

    def records_for(self, child: Child) -> list[list[str]]:
        copies = self.rng.choices(COPIES, weights=COPY_WEIGHTS)[0]
        sources = self.rng.choices(pools.AGENCIES, weights=pools.AGENCY_WEIGHTS, k=copies)
        return [self.record(child, source) for source in sources]


def generate(people: int, seed: int) -> Iterator[list[str]]:
    """Rows of OUTPUT_COLUMNS for ``people`` children (record ids in output order)."""
    gen = Generator(seed)
    record_number = itertools.count(1)
    made = 0
    while made < people:
        chunk: list[list[str]] = []
        target = min(people, made + CHUNK_PEOPLE)
        while made < target:
            for child in gen.household()[: target - made]:
                chunk.extend(gen.records_for(child))
                made += 1
        gen.rng.shuffle(chunk)
        for row in chunk:
            yield [f"R{next(record_number):09d}", *row]


def write_csv(out: TextIO, people: int, seed: int) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(OUTPUT_COLUMNS)
    count = 0
    for row in generate(people, seed):
        writer.writerow(row)
        count += 1
    return count


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, required=True, help="number of distinct children")
    parser.add_argument("--out", required=True, help="CSV file to write ('-' for standard output)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.out == "-":
        count = write_csv(sys.stdout, args.people, args.seed)
    else:
        with open(args.out, "w", encoding="utf-8", newline="") as handle:
            count = write_csv(handle, args.people, args.seed)
    print(f"wrote {count:,} records for {args.people:,} children", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
