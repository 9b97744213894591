"""The small condition language rule packs use to choose answers, bases, actions and sentences.

Conditions are parsed once when a pack loads, so a mistake in a pack file (an unknown operator, a fact
name that does not exist, a reference to a missing named condition) fails loudly at load time rather
than silently when some rare combination of facts reaches it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from goldenthread.policy.facts import FactValue

Env = Mapping[str, FactValue]

COMPARISONS = ("eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "contains_any", "empty", "is_null")


class PackError(ValueError):
    """A rule pack is missing, malformed or inconsistent."""


@dataclass(frozen=True)
class Test:
    fact: str
    op: str
    operand: Any

    def holds(self, env: Env) -> bool:
        value = env[self.fact]
        op, operand = self.op, self.operand
        if op == "eq":
            return _same(value, operand)
        if op == "ne":
            return not _same(value, operand)
        if op == "in":
            return any(_same(value, item) for item in operand)
        if op == "not_in":
            return not any(_same(value, item) for item in operand)
        if op == "is_null":
            return (value is None) is bool(operand)
        if op == "empty":
            return (isinstance(value, tuple) and not value) is bool(operand)
        if op == "contains_any":
            return isinstance(value, tuple) and any(item in value for item in operand)
        if not isinstance(value, int) or isinstance(value, bool):
            return False
        bound = int(operand)
        if op == "gt":
            return value > bound
        if op == "gte":
            return value >= bound
        if op == "lt":
            return value < bound
        return value <= bound  # lte: the parser admits no other operator


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Condition, ...]

    def holds(self, env: Env) -> bool:
        return all(part.holds(env) for part in self.parts)


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Condition, ...]

    def holds(self, env: Env) -> bool:
        return any(part.holds(env) for part in self.parts)


@dataclass(frozen=True)
class Not:
    part: Condition

    def holds(self, env: Env) -> bool:
        return not self.part.holds(env)


@dataclass(frozen=True)
class Always:
    def holds(self, env: Env) -> bool:
        return True


Condition = Test | AllOf | AnyOf | Not | Always
ALWAYS = Always()


def _same(a: object, b: object) -> bool:
    # In Python True == 1; in a rule pack `eq = true` must not match the number 1.
    return isinstance(a, bool) == isinstance(b, bool) and a == b


def parse_condition(
    raw: object, where: str, names: Sequence[str], named: Mapping[str, Condition] | None = None
) -> Condition:
    """Parse a condition table; `names` are the fact names it may test, `named` the reusable conditions."""
    if not isinstance(raw, Mapping):
        raise PackError(f"{where}: a condition must be a table")
    keys = set(raw)
    if keys == {"ref"}:
        ref = raw["ref"]
        if named is None or not isinstance(ref, str) or ref not in named:
            raise PackError(f"{where}: unknown named condition {ref!r}")
        return named[ref]
    if keys in ({"all"}, {"any"}):
        key = next(iter(keys))
        parts = raw[key]
        if not isinstance(parts, list) or not parts:
            raise PackError(f"{where}.{key}: must be a non-empty list of conditions")
        parsed = tuple(parse_condition(p, f"{where}.{key}[{i}]", names, named) for i, p in enumerate(parts))
        return AllOf(parsed) if key == "all" else AnyOf(parsed)
    if keys == {"not"}:
        return Not(parse_condition(raw["not"], f"{where}.not", names, named))
    fact = raw.get("fact")
    ops = keys - {"fact"}
    if not isinstance(fact, str) or len(ops) != 1:
        raise PackError(f"{where}: expected {{fact = NAME, OPERATOR = VALUE}}, all, any, not or ref")
    if fact not in names:
        raise PackError(f"{where}: unknown fact {fact!r}")
    op = next(iter(ops))
    if op not in COMPARISONS:
        raise PackError(f"{where}: unknown operator {op!r}; use one of {', '.join(COMPARISONS)}")
    operand = raw[op]
    if op in ("in", "not_in", "contains_any"):
        if not isinstance(operand, list):
            raise PackError(f"{where}: {op} needs a list")
        operand = tuple(operand)
    elif op in ("empty", "is_null"):
        if not isinstance(operand, bool):
            raise PackError(f"{where}: {op} needs true or false")
    elif op in ("gt", "gte", "lt", "lte") and (not isinstance(operand, int) or isinstance(operand, bool)):
        raise PackError(f"{where}: {op} needs a whole number")
    return Test(fact, op, operand)


def parse_optional(
    raw: Mapping[str, Any], where: str, names: Sequence[str], named: Mapping[str, Condition]
) -> Condition:
    """The `when` of a table, or ALWAYS when it has none."""
    if "when" not in raw:
        return ALWAYS
    return parse_condition(raw["when"], f"{where}.when", names, named)
