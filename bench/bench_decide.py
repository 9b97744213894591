"""The policy engine's speed: recommendations a second for the 3,000 recorded facts of the policy tests
(tests/unit/policy/recorded.py), on each shipped pack, best of --repeat runs. Prints; never fails on time.

    .venv/bin/python bench/bench_decide.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.unit.policy.recorded import recorded_cases

from goldenthread.policy import decide, list_packs, load_pack, parse_facts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    cases = recorded_cases()
    parsed = [parse_facts(facts) for facts in cases]
    for name in list_packs():
        pack = load_pack(name)
        best_raw = best_parsed = float("inf")
        for _ in range(args.repeat):
            start = time.perf_counter()
            for facts in cases:
                decide(facts, pack)
            best_raw = min(best_raw, time.perf_counter() - start)
            start = time.perf_counter()
            for checked in parsed:
                decide(checked, pack)
            best_parsed = min(best_parsed, time.perf_counter() - start)
        print(
            f"{name} {pack.version}: {len(cases) / best_raw:,.0f} decisions/s from JSON-shaped facts "
            f"({best_raw / len(cases) * 1e6:.0f} us each), "
            f"{len(cases) / best_parsed:,.0f}/s from parsed facts"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
