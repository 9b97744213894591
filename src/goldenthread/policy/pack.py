"""Rule packs: versioned TOML data files holding the flowchart, outcomes, bases, actions and citations.

Loading checks the whole pack (every branch leads somewhere, the flowchart has no loops, every id that
is mentioned exists) so that an edited pack cannot quietly produce a recommendation with a dangling
lawful basis or an endless walk.
"""

from __future__ import annotations

import functools
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Any

from goldenthread.policy.conditions import (
    ALWAYS,
    Always,
    Condition,
    Not,
    PackError,
    parse_condition,
    parse_optional,
)
from goldenthread.policy.facts import FACT_NAMES

DEFAULT_PACK = "england-2024"
OUTCOMES = ("share", "do_not_share", "seek_consent_first", "seek_advice")
# Known only once an outcome is reached, so usable in an outcome's lists but not in the questions.
RESULT_NAMES = ("outcome", "outcome_node", "seek_consent")


@dataclass(frozen=True)
class Answer:
    value: str
    label: str
    when: Condition
    next: str


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    hint: str
    facts: tuple[str, ...]
    answers: tuple[Answer, ...]


@dataclass(frozen=True)
class Conditional:
    """An item (an id or a sentence) that applies only when its condition holds."""

    value: str
    when: Condition


@dataclass(frozen=True)
class Outcome:
    id: str
    outcome: str
    title: str
    relies_on_consent: bool
    seek_consent: Condition
    lawful_basis: tuple[Conditional, ...]
    actions: tuple[Conditional, ...]
    citations: tuple[Conditional, ...]
    explanation: tuple[Conditional, ...]


@dataclass(frozen=True)
class DerivedRule:
    when: Condition
    value: str | None
    value_from: str | None


@dataclass(frozen=True)
class Derived:
    name: str
    rules: tuple[DerivedRule, ...]


@dataclass(frozen=True)
class Citation:
    id: str
    title: str
    text: str
    status: str

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "title": self.title, "text": self.text}


# Compared and hashed by identity: a loaded pack is a cached singleton, and its tables are not hashable.
@dataclass(frozen=True, eq=False)
class Pack:
    name: str
    version: str
    title: str
    sources: tuple[str, ...]
    notes: str
    start: str
    global_note: str
    record_note: str
    questions: Mapping[str, Question]
    outcomes: Mapping[str, Outcome]
    derived: tuple[Derived, ...]
    lawful_bases: Mapping[str, str]
    actions: Mapping[str, str]
    citations: Mapping[str, Citation]
    labels: Mapping[str, Mapping[str, str]]
    label_for: Mapping[str, str]
    always_actions: tuple[str, ...]
    always_citations: tuple[str, ...]
    consent_action: str
    global_actions: tuple[Conditional, ...]
    global_citations: tuple[Conditional, ...]
    global_explanation: tuple[Conditional, ...]
    refer_without_delay: Condition

    def question_order(self) -> list[Question]:
        """Questions in the order the pack file lists them, which is the precedence order."""
        return list(self.questions.values())


def list_packs() -> list[str]:
    """Names of the rule packs shipped with the engine, sorted."""
    folder = resources.files("goldenthread.policy.packs")
    return sorted(item.name.removesuffix(".toml") for item in folder.iterdir() if item.name.endswith(".toml"))


def load_pack(name: str | None = None) -> Pack:
    """Load and check a rule pack by name (the default pack when name is None)."""
    return _load_pack(DEFAULT_PACK if name is None else name)


@functools.cache
def _load_pack(name: str) -> Pack:
    available = list_packs()
    if name not in available:
        raise PackError(f"unknown rule pack {name!r}; available packs: {', '.join(available)}")
    raw_text = resources.files("goldenthread.policy.packs").joinpath(f"{name}.toml").read_text("utf-8")
    try:
        data = tomllib.loads(raw_text)
    except tomllib.TOMLDecodeError as exc:
        raise PackError(f"rule pack {name!r} is not valid TOML: {exc}") from exc
    pack = parse_pack(data, where=name)
    if pack.name != name:
        raise PackError(f"rule pack file {name!r} declares the name {pack.name!r}")
    return pack


def _str(data: Mapping[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise PackError(f"{where}.{key}: must be a non-empty string")
    return value


def _list(data: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise PackError(f"{where}.{key}: must be a list")
    return value


def _table(data: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, Mapping):
        raise PackError(f"{where}.{key}: must be a table")
    return value


def _conditionals(
    items: list[Any], where: str, key: str, names: tuple[str, ...], named: Mapping[str, Condition]
) -> tuple[Conditional, ...]:
    """A list whose items are plain strings or tables {KEY = ..., when = ...}."""
    parsed = []
    for index, item in enumerate(items):
        at = f"{where}[{index}]"
        if isinstance(item, str):
            parsed.append(Conditional(item, ALWAYS))
        elif isinstance(item, Mapping):
            parsed.append(Conditional(_str(item, key, at), parse_optional(item, at, names, named)))
        else:
            raise PackError(f"{at}: must be a string or a table")
    return tuple(parsed)


def parse_pack(data: Mapping[str, Any], where: str = "pack") -> Pack:
    """Build a Pack from parsed TOML, checking it thoroughly."""
    named: dict[str, Condition] = {}
    derived, names = _parse_derived(data, where, named)

    # Named conditions may refer to derived facts and to each other, in file order.
    result_names = (*names, *RESULT_NAMES)
    for cname, raw in _table(data, "conditions", where).items():
        named[cname] = parse_condition(raw, f"{where}.conditions.{cname}", result_names, named)

    questions = _parse_questions(data, where, names, named)
    outcomes = {
        oid: _parse_outcome(oid, raw, f"{where}.outcomes.{oid}", names, result_names, named)
        for oid, raw in _table(data, "outcomes", where).items()
    }

    citations = {
        cid: Citation(
            cid,
            _str(c, "title", f"{where}.citations.{cid}"),
            _str(c, "text", f"{where}.citations.{cid}"),
            c.get("status", "M"),
        )
        for cid, c in _table(data, "citations", where).items()
    }
    # Kept whole past 60 lines: what is left is the Pack's one constructor, a field a line.
    pack = Pack(
        name=_str(data, "name", where),
        version=_str(data, "version", where),
        title=_str(data, "title", where),
        sources=tuple(_list(data, "sources", where)),
        notes=str(data.get("notes", "")),
        start=_str(data, "start", where),
        global_note=_str(data, "global_note", where),
        record_note=_str(data, "record_note", where),
        questions=MappingProxyType(questions),
        outcomes=MappingProxyType(outcomes),
        derived=tuple(derived),
        lawful_bases=MappingProxyType(dict(_table(data, "lawful_bases", where))),
        actions=MappingProxyType(dict(_table(data, "actions", where))),
        citations=MappingProxyType(citations),
        labels=MappingProxyType(
            {k: MappingProxyType(dict(v)) for k, v in _table(data, "labels", where).items()}
        ),
        label_for=MappingProxyType(dict(_table(data, "label_for", where))),
        always_actions=tuple(_list(data, "always_actions", where)),
        always_citations=tuple(_list(data, "always_citations", where)),
        consent_action=_str(data, "consent_action", where),
        global_actions=_conditionals(
            _list(data, "global_actions", where), f"{where}.global_actions", "id", result_names, named
        ),
        global_citations=_conditionals(
            _list(data, "global_citations", where), f"{where}.global_citations", "id", result_names, named
        ),
        global_explanation=_conditionals(
            _list(data, "global_explanation", where),
            f"{where}.global_explanation",
            "text",
            result_names,
            named,
        ),
        refer_without_delay=parse_optional(
            _table(data, "refer_without_delay", where), f"{where}.refer_without_delay", names, named
        ),
    )
    _check_references(pack, where)
    return pack


def _parse_derived(
    data: Mapping[str, Any], where: str, named: dict[str, Condition]
) -> tuple[list[Derived], tuple[str, ...]]:
    """The derived facts, in file order, and every fact name a later part may use (each derived one
    may use those before it)."""
    names: tuple[str, ...] = FACT_NAMES
    derived: list[Derived] = []
    for index, raw in enumerate(_list(data, "derived", where)):
        at = f"{where}.derived[{index}]"
        dname = _str(raw, "name", at)
        rules = []
        for rindex, rule in enumerate(_list(raw, "rules", at)):
            rat = f"{at}.rules[{rindex}]"
            value, value_from = rule.get("value"), rule.get("value_from")
            if (value is None) == (value_from is None):
                raise PackError(f"{rat}: needs exactly one of value or value_from")
            if value_from is not None and value_from not in names:
                raise PackError(f"{rat}: unknown fact {value_from!r}")
            rules.append(DerivedRule(parse_optional(rule, rat, names, named), value, value_from))
        if not rules or "when" in _list(raw, "rules", at)[-1]:
            raise PackError(f"{at}: the last rule must have no `when`, so the value is always defined")
        derived.append(Derived(dname, tuple(rules)))
        names = (*names, dname)
    return derived, names


def _parse_questions(
    data: Mapping[str, Any], where: str, names: tuple[str, ...], named: dict[str, Condition]
) -> dict[str, Question]:
    questions: dict[str, Question] = {}
    for index, raw in enumerate(_list(data, "questions", where)):
        at = f"{where}.questions[{index}]"
        qid = _str(raw, "id", at)
        if qid in questions:
            raise PackError(f"{at}: duplicate question id {qid!r}")
        answers = []
        for aindex, answer in enumerate(_list(raw, "answers", at)):
            aat = f"{at}.answers[{aindex}]"
            answers.append(
                Answer(
                    value=_str(answer, "value", aat),
                    label=_str(answer, "label", aat),
                    when=parse_optional(answer, aat, names, named),
                    next=_str(answer, "next", aat),
                )
            )
        if not answers or "when" in _list(raw, "answers", at)[-1]:
            raise PackError(f"{at}: the last answer must have no `when`, so every case has an answer")
        facts = tuple(_list(raw, "facts", at))
        questions[qid] = Question(qid, _str(raw, "text", at), _str(raw, "hint", at), facts, tuple(answers))
    return questions


def _parse_outcome(
    oid: str,
    raw: Mapping[str, Any],
    at: str,
    names: tuple[str, ...],
    result_names: tuple[str, ...],
    named: dict[str, Condition],
) -> Outcome:
    kind = _str(raw, "outcome", at)
    if kind not in OUTCOMES:
        raise PackError(f"{at}.outcome: {kind!r} is not one of {', '.join(OUTCOMES)}")
    relies = raw.get("relies_on_consent")
    if not isinstance(relies, bool):
        raise PackError(f"{at}.relies_on_consent: must be true or false")
    raw_seek = raw.get("seek_consent")
    if isinstance(raw_seek, bool):
        seek: Condition = ALWAYS if raw_seek else Not(ALWAYS)
    else:
        seek = parse_condition(raw_seek, f"{at}.seek_consent", names, named)
    return Outcome(
        id=oid,
        outcome=kind,
        title=_str(raw, "title", at),
        relies_on_consent=relies,
        seek_consent=seek,
        lawful_basis=_conditionals(
            _list(raw, "lawful_basis", at), f"{at}.lawful_basis", "id", result_names, named
        ),
        actions=_conditionals(_list(raw, "actions", at), f"{at}.actions", "id", result_names, named),
        citations=_conditionals(_list(raw, "citations", at), f"{at}.citations", "id", result_names, named),
        explanation=_conditionals(
            _list(raw, "explanation", at), f"{at}.explanation", "text", result_names, named
        ),
    )


def _check_references(pack: Pack, where: str) -> None:
    if not pack.always_actions:
        raise PackError(f"{where}.always_actions: must name the action that records the decision")
    if pack.start not in pack.questions:
        raise PackError(f"{where}.start: {pack.start!r} is not a question")
    for question in pack.questions.values():
        for answer in question.answers:
            if answer.next not in pack.questions and answer.next not in pack.outcomes:
                raise PackError(f"{where}.questions.{question.id}: answer leads to unknown {answer.next!r}")
    _check_no_loops(pack, where)

    def need(ids: list[str], table: Mapping[str, object], kind: str, at: str) -> None:
        for item in ids:
            if item not in table:
                raise PackError(f"{at}: unknown {kind} {item!r}")

    for outcome in pack.outcomes.values():
        at = f"{where}.outcomes.{outcome.id}"
        need([c.value for c in outcome.lawful_basis], pack.lawful_bases, "lawful basis", at)
        need([c.value for c in outcome.actions], pack.actions, "action", at)
        need([c.value for c in outcome.citations], pack.citations, "citation", at)
        if outcome.outcome == "share" and not any(isinstance(c.when, Always) for c in outcome.lawful_basis):
            raise PackError(f"{at}: a share outcome needs at least one unconditional lawful basis")
    need([c.value for c in pack.global_actions], pack.actions, "action", f"{where}.global_actions")
    need([*pack.always_actions, pack.consent_action], pack.actions, "action", where)
    need([c.value for c in pack.global_citations], pack.citations, "citation", f"{where}.global_citations")
    need(list(pack.always_citations), pack.citations, "citation", where)
    for fact, label_set in pack.label_for.items():
        if label_set not in pack.labels:
            raise PackError(f"{where}.label_for.{fact}: unknown label set {label_set!r}")
    _check_templates(pack, where)


def _check_no_loops(pack: Pack, where: str) -> None:
    # A loop would make `decide` walk for ever, so insist the flowchart is a directed acyclic graph.
    done: set[str] = set()

    def visit(qid: str, trail: tuple[str, ...]) -> None:
        if qid in trail:
            raise PackError(f"{where}: the flowchart loops: {' -> '.join((*trail, qid))}")
        if qid in done or qid not in pack.questions:
            return
        for answer in pack.questions[qid].answers:
            visit(answer.next, (*trail, qid))
        done.add(qid)

    for qid in pack.questions:
        visit(qid, ())


def template_names(pack: Pack) -> set[str]:
    """Every placeholder an explanation sentence may use."""
    plain = [*(n.replace(".", "_") for n in FACT_NAMES), *(d.name for d in pack.derived)]
    labelled = [n.replace(".", "_") + suffix for n in pack.label_for for suffix in ("_text", "_text_cap")]
    return {*plain, *labelled}


def _check_templates(pack: Pack, where: str) -> None:
    allowed = template_names(pack)
    sentences = [c.value for o in pack.outcomes.values() for c in o.explanation]
    sentences += [c.value for c in pack.global_explanation]
    for sentence in sentences:
        for _, field, _, _ in string.Formatter().parse(sentence):
            if field is not None and field not in allowed:
                raise PackError(f"{where}: explanation {sentence!r} uses unknown placeholder {{{field}}}")
