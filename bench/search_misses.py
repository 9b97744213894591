"""Why the right child is missing from the top 10 of a search, by query shape, with examples.

    .venv/bin/python bench/search_misses.py \
        --database-url postgres://postgres@127.0.0.1:5432/gt_search_bench1m [--sample 1000] [--examples 3]

Reads a database bench_search.py has loaded (its ``bench_search_query`` table) and runs the same
searches. Each search whose target is not in the top 10 is counted once, by the first reason that applies:

    nothing agrees          no field of the query agrees with the target as indexed: the copy holds
                            nothing that identifies the child, so no search could rank it (still counted
                            in bench_search.py's denominator)
    scores <= 0             something agrees, but more disagrees: the scorer rejects it outright
    ambiguous / tie         it scores exactly as the 10th: "ambiguous" when with the same outcomes on
                            every field (nothing in the query tells it from ten others), else a tie
    ranked low: <fields>    the 10th outscores it; <fields> are where the target's weight is below the
                            10th's (the score part that lost it); "(and not retrieved)" when no arm
                            found it either, though finding it would not have helped
    not retrieved: <arm>    it would rank in the top 10 but no arm found it, and <arm> would have
                            without its LIMIT (cut by the limit)
    not retrieved: keys     the name arm would have found it with the right name keys: the key of the
                            part named was not among those NameKey picked (trigram, phonetic, nickname)
    not retrieved: no arm   no arm covers what agrees (e.g. only a postcode sector agrees)

Prints the counts per shape and a few examples of each reason: the query, the target's indexed data,
which arms found it, its rank and weights against the 10th's. Never fails on a figure.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _indexed(pk: int) -> dict[str, Any]:
    from goldenthread.people.models import Address, Identifier, Person, PersonName

    person = Person.objects.get(pk=pk)
    return {
        "name": f"{person.given_name} | {person.family_name}",
        "dob": f"{person.date_of_birth} ({person.dob_precision})",
        "keys": list(
            PersonName.objects.filter(person_id=pk).values_list("given_key", "family_key", "person_born")
        ),
        "postcodes": list(Address.objects.filter(person_id=pk).values_list("postcode", flat=True)),
        "nhs": list(Identifier.objects.filter(person_id=pk).values_list("value", flat=True)),
    }


def _unbounded_arms(query: Any, pk: int) -> list[str]:
    """The arms that would find the target without their LIMIT, and a name-key miss by part."""
    from goldenthread.people import search, search_keys
    from goldenthread.people.models import Address, Identifier, NamePart, Person, PersonName

    out = []
    if query.nhs_number and Identifier.objects.filter(person_id=pk, value=query.nhs_number).exists():
        out.append("nhs")
    names = query.names
    named = search._name_rows(names)
    if named is not None:
        if PersonName.objects.filter(named, person_id=pk).exists():
            out.append("names")
        else:
            family = set(search_keys.keys(NamePart.FAMILY, names.family_key, names.family_phon))
            given = set(
                search_keys.keys(NamePart.GIVEN, names.given_key, names.given_phon, names.given_canon)
            )
            for g, f in PersonName.objects.filter(person_id=pk).values_list("given_key", "family_key"):
                missing = [
                    part
                    for part, key, picked in (("given", g, given), ("family", f, family))
                    if key and picked and key not in picked
                ]
                if missing and len(missing) < 2:
                    out.append(f"keys({missing[0]})")
    dates = search._born_dates(query)
    window = query.dob_range()
    born = Person.objects.filter(pk=pk)
    by_day = bool(dates) and born.filter(date_of_birth__in=dates).exists()
    by_window = bool(window) and named is None and born.filter(date_of_birth__range=window).exists()
    if by_day or by_window:
        out.append("born")
    if query.postcode and Address.objects.filter(person_id=pk, postcode=query.postcode).exists():
        out.append("postcode")
    return out


def _fmt(weights: list[Any]) -> str:
    return ", ".join(f"{w.field}={w.outcome} {w.weight:+.1f}" for w in weights)


def _reason(query: Any, pk: int, arms: dict[str, set[int]], ranking: list[Any]) -> tuple[str, str]:
    from goldenthread.linkage import scoring
    from goldenthread.people import search

    own = search.ranked(query, {pk})
    if not own:
        keys = search._record_keys(query)
        counts = search._name_counts(query.names)
        weights = search._score(query, keys, search._candidates(query, {pk})[0], counts)
        if not any(w.agrees for w in weights):
            return "nothing agrees", _fmt(weights)
        return "scores <= 0", _fmt(weights)
    target_weights = own[0][1]
    score = scoring.total(target_weights)
    tenth = ranking[9][1] if len(ranking) >= 10 else []
    tenth_score = scoring.total(tenth) if tenth else float("-inf")
    found_by = [arm for arm, ids in arms.items() if pk in ids]
    retrieved = "" if found_by else " (and not retrieved)"
    versus = f"{_fmt(target_weights)}  vs 10th {_fmt(tenth)}"
    if abs(score - tenth_score) < 1e-9:
        same = sorted(w.outcome for w in target_weights) == sorted(w.outcome for w in tenth)
        kind = "ambiguous: same outcomes as the 10th" if same else "tie with the 10th"
        return kind + retrieved, versus
    if score < tenth_score:
        theirs = {w.field: w.weight for w in tenth}
        mine = {w.field: w.weight for w in target_weights}
        lost = sorted(f for f in theirs.keys() | mine.keys() if mine.get(f, 0.0) < theirs.get(f, 0.0) - 1e-9)
        return f"ranked low: {'+'.join(lost) or '?'}{retrieved}", versus
    would = _unbounded_arms(query, pk)
    if any(w in arms for w in would):
        return f"not retrieved: {'+'.join(w for w in would if w in arms)} (limit)", _fmt(target_weights)
    keyed = [w for w in would if w.startswith("keys")]
    if keyed:
        return f"not retrieved: {keyed[0]}", _fmt(target_weights)
    return "not retrieved: no arm", _fmt(target_weights)


def main(argv: list[str] | None = None) -> int:
    from bench_search import DEFAULT_URL, _django, _queries

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--sample", type=int, default=0, help="only the first N searches")
    parser.add_argument("--examples", type=int, default=3)
    parser.add_argument("--shape", default="", help="only this query shape")
    args = parser.parse_args(argv)
    _django(args.database_url)
    from goldenthread.people import search

    queries = _queries()
    if args.shape:
        queries = [q for q in queries if q[1] == args.shape]
    if args.sample:
        queries = queries[: args.sample]
    totals: Counter[str] = Counter()
    reasons: dict[str, Counter[str]] = defaultdict(Counter)
    examples: dict[str, list[str]] = defaultdict(list)
    for pk, shape, query in queries:
        totals[shape] += 1
        arms = search.candidate_arms(query)
        ranking = search.ranked(query, set().union(*arms.values()))
        top = [p for p, _ in ranking[:10]]
        if pk in top:
            continue
        reason, detail = _reason(query, pk, arms, ranking)
        reasons[shape][reason] += 1
        if len(examples[reason]) < args.examples:
            rank = next((i + 1 for i, (p, _) in enumerate(ranking) if p == pk), None)
            q = query
            examples[reason].append(
                f"  [{shape}] query: {q.given_name!r} {q.family_name!r} dob={q.birth} pc={q.postcode!r} "
                f"nhs={q.nhs_number!r}\n    target {pk}: {_indexed(pk)}\n"
                f"    arms found it: {[a for a, ids in arms.items() if pk in ids]} of {sorted(arms)}; "
                f"rank {rank} of {len(ranking)}\n    {detail}"
            )
    for shape in sorted(totals):
        missed = sum(reasons[shape].values())
        print(f"{shape}: {totals[shape]} searches, {missed} missed ({missed / totals[shape]:.1%})")
        for reason, count in reasons[shape].most_common():
            print(f"    {count:4}  {reason}")
    everything = sum(totals.values())
    impossible = sum(r["nothing agrees"] for r in reasons.values())
    print(f"all: {everything} searches; 'nothing agrees' {impossible} ({impossible / everything:.1%})")
    for reason, lines in sorted(examples.items()):
        print(f"\n== {reason}")
        print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
