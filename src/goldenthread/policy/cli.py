"""Pure functions behind `goldenthread decide` and `goldenthread policy show`.

They take their streams as arguments and return an exit status, so the project's command line can call
them and tests can drive them with StringIO. Errors are messages on stderr and exit status 2, never a
traceback, and a failed run prints nothing on stdout so a script cannot mistake half an answer for one.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from goldenthread.policy.conditions import PackError
from goldenthread.policy.engine import decide
from goldenthread.policy.facts import FactsError, parse_facts
from goldenthread.policy.flowchart import flowchart_svg, flowchart_text
from goldenthread.policy.pack import Pack, load_pack

EXIT_OK = 0
EXIT_USAGE = 2
FORMATS = ("text", "svg")


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # A repeated key would silently keep the last value; in facts that could flip a decision unseen.
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _read(facts_path: str, stdin: TextIO) -> str:
    if facts_path == "-":
        return stdin.read()
    with open(facts_path, encoding="utf-8") as handle:
        return handle.read()


def _pack(name: str | None, stderr: TextIO) -> Pack | None:
    try:
        return load_pack(name)
    except PackError as exc:
        stderr.write(f"error: {exc}\n")
        return None


def run_decide(facts_path: str, pack: str | None, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    """Decide for one facts object or an array of them; print the recommendation(s) as JSON."""
    source = "standard input" if facts_path == "-" else repr(facts_path)
    try:
        text = _read(facts_path, stdin)
    except FileNotFoundError:
        stderr.write(f"error: facts file {source} not found\n")
        return EXIT_USAGE
    except (OSError, UnicodeDecodeError) as exc:
        stderr.write(f"error: cannot read facts file {source}: {exc}\n")
        return EXIT_USAGE
    try:
        raw = json.loads(text, object_pairs_hook=_reject_duplicates)
    except (ValueError, RecursionError) as exc:
        stderr.write(f"error: facts in {source} are not valid JSON: {exc}\n")
        return EXIT_USAGE

    rules = _pack(pack, stderr)
    if rules is None:
        return EXIT_USAGE

    items = raw if isinstance(raw, list) else [raw]
    errors: list[str] = []
    facts = []
    for index, item in enumerate(items):
        try:
            facts.append(parse_facts(item))
        except FactsError as exc:
            prefix = f"[{index}] " if isinstance(raw, list) else ""
            errors += [prefix + message for message in exc.errors]
    if errors:
        stderr.write(f"error: the facts in {source} are not valid:\n")
        stderr.writelines(f"  {message}\n" for message in errors)
        return EXIT_USAGE

    try:
        results = [decide(f, rules).to_dict() for f in facts]
    except PackError as exc:
        stderr.write(f"error: rule pack {rules.name!r} is faulty: {exc}\n")
        return EXIT_USAGE
    output = results if isinstance(raw, list) else results[0]
    stdout.write(json.dumps(output, indent=2, ensure_ascii=False) + "\n")
    return EXIT_OK


def run_policy_show(pack: str | None, stdout: TextIO, stderr: TextIO, fmt: str = "text") -> int:
    """Print a rule pack's flowchart as text or as an SVG diagram."""
    if fmt not in FORMATS:
        stderr.write(f"error: unknown format {fmt!r}; use one of {', '.join(FORMATS)}\n")
        return EXIT_USAGE
    rules = _pack(pack, stderr)
    if rules is None:
        return EXIT_USAGE
    stdout.write(flowchart_text(rules) if fmt == "text" else flowchart_svg(rules))
    return EXIT_OK
