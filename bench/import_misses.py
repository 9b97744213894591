"""Where the online matcher loses true matches on import, by reason, with examples.

    .venv/bin/python bench/import_misses.py --records 3000 [--seed 1] [--examples 5]

Runs the same import as bench_import.py (synthetic agency files, SQLite in a temporary folder) while
recording, for every imported record, the candidates the matcher retrieved and its decision. A record
"has a match" when an earlier record of the same generated child is already in the index. Each such
record is counted once, by the first reason that applies:

    auto, right person        linked automatically to a person holding its child (the goal)
    not retrieved             no person holding its child was among the candidates
    another person ranked top the right person was retrieved but another scored higher
    two AUTO candidates       the top was right and AUTO, but a second person also scored AUTO
    blocked by auto_link_...  the top was right and scored >= 20 bits, but auto_link_allowed said no
    scored REVIEW / NEW       the top was right and scored below 20 / below 10 bits

and every automatic link to a person not holding the child is a false link. Prints the field outcomes of
each reason (which levels the missed pairs fell on) and a few examples. Never fails on a figure.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--examples", type=int, default=5)
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="gt-bench-misses-")
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
    os.environ.setdefault("GOLDENTHREAD_ENV", "test")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goldenthread.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_import import RECORDS_PER_PERSON, _files

    from goldenthread.agencies.models import Agency, AgencyKind
    from goldenthread.core.actor import Actor
    from goldenthread.linkage import scoring
    from goldenthread.people import actions
    from goldenthread.people.actions import import_rows, imports
    from goldenthread.people.models import SourceRecord

    call_command("migrate", verbosity=0)
    people = max(1, round(args.records / RECORDS_PER_PERSON))
    files, truth = _files(people, args.seed)

    # child -> person ids holding one of its records so far; filled as the import goes.
    holders: dict[str, set[int]] = defaultdict(set)
    earlier: dict[str, Any] = {}
    reasons: Counter[str] = Counter()
    outcomes: dict[str, Counter[str]] = defaultdict(Counter)
    examples: dict[str, list[str]] = defaultdict(list)
    last: dict[str, Any] = {}
    original_matches, original_apply = import_rows.person_matches, imports._row_apply

    def matches_spy(keys: Any, **kwargs: Any) -> Any:
        found = original_matches(keys, **kwargs)
        last["matches"] = found
        return found

    def apply_spy(*, row: Any, agency: Any, **kwargs: Any) -> str:
        last.clear()
        result = original_apply(row=row, agency=agency, **kwargs)
        if "matches" not in last:
            return result
        record = SourceRecord.objects.get(agency=agency, local_id=row.local_id)
        child = truth[(agency.code, row.local_id)]
        reason, shown = _classify(scoring, last["matches"], holders[child], result, actions)
        if reason:
            reasons[reason] += 1
            for w in shown:
                outcomes[reason][f"{w.field}: {w.outcome}"] += 1
            if len(examples[reason]) < args.examples:
                examples[reason].append(_describe(row, shown, earlier.get(child)))
        holders[child].add(record.person_id)
        earlier.setdefault(child, row)
        return result

    # Each patched where it is called: the row's matcher in import_rows, the row itself in imports.
    import_rows.person_matches = matches_spy
    imports._row_apply = apply_spy
    for source, content in sorted(files.items()):
        agency, _ = Agency.objects.get_or_create(
            code=source, defaults={"name": source, "kind": AgencyKind.OTHER}
        )
        actions.records_import(
            agency=agency,
            filename=f"{source}.csv",
            content=content,
            by=Actor(username="bench", agency_code=source),
        )

    with_match = sum(n for r, n in reasons.items() if r != "false automatic link")
    print(f"records with an earlier true match in the index: {with_match:,}")
    for reason, n in reasons.most_common():
        print(f"  {reason}: {n:,} ({n / max(with_match, 1):.1%})")
    for reason, _ in reasons.most_common():
        if reason == "auto, right person":
            continue
        print(f"\n== {reason}: field outcomes of the pair shown")
        for outcome, n in outcomes[reason].most_common(14):
            print(f"    {n:5d}  {outcome}")
        for example in examples[reason]:
            print("  e.g. " + example)
    return 0


def _classify(
    scoring: Any, matches: list[Any], right: set[int], result: str, actions: Any
) -> tuple[str, list[Any]]:
    top = matches[0] if matches else None
    if result == actions.CREATED_AUTO and top is not None and top.person_id not in right:
        return "false automatic link", top.weights
    if not right:
        return "", []
    if result == actions.CREATED_AUTO:
        return "auto, right person", []
    hit = next((m for m in matches if m.person_id in right), None)
    if hit is None:
        return "not retrieved", []
    if hit is not top:
        return f"another person ranked top ({scoring.band(hit.weights)} for the right one)", hit.weights
    score = hit.weight
    if scoring.band(hit.weights) == scoring.AUTO:
        second = matches[1].person_id if len(matches) > 1 else None
        split = "both hold the child: split earlier" if second in right else "the other is another child"
        return f"two AUTO candidates ({split})", hit.weights
    if score >= scoring.AUTO_LINK_WEIGHT:
        return "blocked by auto_link_allowed", hit.weights
    if score >= scoring.REVIEW_WEIGHT:
        return "scored REVIEW", hit.weights
    return "scored NEW", hit.weights


def _said(row: Any) -> str:
    keys = ("given_name", "family_name", "date_of_birth", "sex", "postcode", "nhs_number")
    return " | ".join(row.raw.get(k, "") for k in keys)


def _describe(row: Any, weights: list[Any], first: Any) -> str:
    fields = ", ".join(f"{w.field}={w.outcome} {w.weight:+.1f}" for w in weights)
    also = f" (first record of the child: [{_said(first)}])" if first is not None else ""
    return f"[{_said(row)}]{also} total {sum(w.weight for w in weights):.1f}: {fields}"


if __name__ == "__main__":
    raise SystemExit(main())
