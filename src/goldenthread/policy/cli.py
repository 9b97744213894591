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
# What `decide` takes and echoes (README): a facts file up to MAX_INPUT_BYTES holding at most MAX_FACTS
# cases; each message quotes at most MESSAGE_CHARS characters (a key may be a megabyte long), and at most
# MESSAGES are printed.
MAX_INPUT_BYTES = 5 * 1024 * 1024
MAX_FACTS = 1000
MESSAGE_CHARS = 300
MESSAGES = 50


class _InputTooLarge(Exception):
    pass


def _short(message: str) -> str:
    if len(message) <= MESSAGE_CHARS:
        return message
    return f"{message[:MESSAGE_CHARS]}... ({len(message):,} characters in all)"


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # A repeated key would silently keep the last value; in facts that could flip a decision unseen.
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(_short(f"duplicate key {key!r}"))
        result[key] = value
    return result


def _read(facts_path: str, stdin: TextIO) -> str:
    """The facts as text, without a UTF-8 byte order mark (which Windows editors write)."""
    if facts_path == "-":
        text = stdin.read(MAX_INPUT_BYTES + 1)
    else:
        with open(facts_path, encoding="utf-8-sig") as handle:
            text = handle.read(MAX_INPUT_BYTES + 1)
    if len(text) > MAX_INPUT_BYTES:
        raise _InputTooLarge
    return text.removeprefix("\ufeff")


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
    except _InputTooLarge:
        stderr.write(f"error: facts in {source} are larger than {MAX_INPUT_BYTES:,} characters; split them\n")
        return EXIT_USAGE
    except (OSError, UnicodeDecodeError) as exc:
        stderr.write(f"error: cannot read facts file {source}: {_short(str(exc))}\n")
        return EXIT_USAGE
    try:
        raw = json.loads(text, object_pairs_hook=_reject_duplicates)
    except RecursionError:
        stderr.write(f"error: facts in {source} are not valid JSON: nested too deeply\n")
        return EXIT_USAGE
    except ValueError as exc:
        stderr.write(f"error: facts in {source} are not valid JSON: {_short(str(exc))}\n")
        return EXIT_USAGE
    if raw == []:
        stderr.write(f"error: no facts in {source}: the array is empty\n")
        return EXIT_USAGE
    if isinstance(raw, list) and len(raw) > MAX_FACTS:
        stderr.write(f"error: {source} holds {len(raw):,} sets of facts; at most {MAX_FACTS:,} at a time\n")
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
        stderr.writelines(f"  {_short(message)}\n" for message in errors[:MESSAGES])
        if len(errors) > MESSAGES:
            stderr.write(f"  ... and {len(errors) - MESSAGES:,} more\n")
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
