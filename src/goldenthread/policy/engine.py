"""The engine: walk a rule pack's flowchart for the facts of a case and explain the recommendation.

The engine knows nothing about the law; everything it says comes from the pack, so that a recorded
decision can be re-explained exactly as the pack version it names would have explained it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from goldenthread.policy.conditions import PackError
from goldenthread.policy.facts import Facts, FactValue, parse_facts
from goldenthread.policy.pack import Citation, Conditional, Pack, load_pack

CONTRACT_KEYS = (
    "outcome",
    "refer_without_delay",
    "relies_on_consent",
    "seek_consent",
    "lawful_basis",
    "path",
    "actions",
    "citations",
    "explanation",
    "pack",
)


@dataclass(frozen=True)
class Step:
    question: str
    answer: str

    def to_dict(self) -> dict[str, str]:
        return {"question": self.question, "answer": self.answer}


@dataclass(frozen=True)
class Recommendation:
    outcome: str
    refer_without_delay: bool
    relies_on_consent: bool
    seek_consent: bool
    lawful_basis: tuple[str, ...]
    path: tuple[Step, ...]
    actions: tuple[str, ...]
    citations: tuple[Citation, ...]
    explanation: str
    pack_name: str
    pack_version: str
    # Which outcome box of the flowchart was reached; not part of the output contract.
    outcome_id: str

    def to_dict(self) -> dict[str, Any]:
        """Exactly the keys of the recommendation output contract, JSON-ready."""
        return {
            "outcome": self.outcome,
            "refer_without_delay": self.refer_without_delay,
            "relies_on_consent": self.relies_on_consent,
            "seek_consent": self.seek_consent,
            "lawful_basis": list(self.lawful_basis),
            "path": [step.to_dict() for step in self.path],
            "actions": list(self.actions),
            "citations": [citation.to_dict() for citation in self.citations],
            "explanation": self.explanation,
            "pack": {"name": self.pack_name, "version": self.pack_version},
        }


def decide(facts: Mapping[str, Any] | Facts, pack: Pack | str | None = None) -> Recommendation:
    """Recommend whether to share, for facts in the input contract (raises FactsError if invalid)."""
    checked = facts if isinstance(facts, Facts) else parse_facts(facts)
    rules = pack if isinstance(pack, Pack) else load_pack(pack)
    env = _environment(checked, rules)

    path: list[Step] = []
    node = rules.start
    while node in rules.questions:
        question = rules.questions[node]
        answer = next(a for a in question.answers if a.when.holds(env))
        path.append(Step(question.id, answer.value))
        node = answer.next
    outcome = rules.outcomes[node]

    seek_consent = outcome.seek_consent.holds(env)
    result_env: dict[str, FactValue] = {
        **env,
        "outcome": outcome.outcome,
        "outcome_node": outcome.id,
        "seek_consent": seek_consent,
    }
    lawful_basis = _chosen(outcome.lawful_basis, result_env)
    if outcome.outcome == "share" and not lawful_basis:
        raise PackError(f"{rules.name}: outcome {outcome.id!r} shares with no lawful basis")
    actions = _chosen(outcome.actions, result_env)
    if seek_consent:
        actions.insert(0, rules.consent_action)
    actions += _chosen(rules.global_actions, result_env) + list(rules.always_actions)
    citation_ids = _chosen(outcome.citations, result_env) + _chosen(rules.global_citations, result_env)
    citation_ids += list(rules.always_citations)
    sentences = _chosen(outcome.explanation, result_env) + _chosen(rules.global_explanation, result_env)
    context = _template_context(env, rules)

    return Recommendation(
        outcome=outcome.outcome,
        refer_without_delay=rules.refer_without_delay.holds(env),
        relies_on_consent=outcome.relies_on_consent,
        seek_consent=seek_consent,
        lawful_basis=_unique(lawful_basis),
        path=tuple(path),
        actions=_unique(actions),
        citations=tuple(rules.citations[c] for c in _unique(citation_ids)),
        explanation=" ".join(sentence.format_map(context) for sentence in sentences),
        pack_name=rules.name,
        pack_version=rules.version,
        outcome_id=outcome.id,
    )


def _environment(facts: Facts, pack: Pack) -> dict[str, FactValue]:
    env = facts.flat()
    for derived in pack.derived:
        rule = next(r for r in derived.rules if r.when.holds(env))
        env[derived.name] = env[rule.value_from] if rule.value_from is not None else rule.value
    return env


def _chosen(items: Iterable[Conditional], env: Mapping[str, FactValue]) -> list[str]:
    return [item.value for item in items if item.when.holds(env)]


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _template_context(env: Mapping[str, FactValue], pack: Pack) -> dict[str, str]:
    context: dict[str, str] = {}
    for name, value in env.items():
        key = name.replace(".", "_")
        context[key] = ", ".join(value) if isinstance(value, tuple) else str(value)
        label_set = pack.label_for.get(name)
        if label_set is None:
            continue
        labels = pack.labels[label_set]
        items = list(value) if isinstance(value, tuple) else [str(value)]
        text = _join([labels.get(item, item.replace("_", " ")) for item in items]) or "none"
        context[f"{key}_text"] = text
        context[f"{key}_text_cap"] = text[:1].upper() + text[1:]
    return context
