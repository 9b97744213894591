"""Facts, guide answers and decisions for the sharing tests."""

from __future__ import annotations

import copy
from dataclasses import fields
from typing import Any

from goldenthread.core.actor import Actor
from goldenthread.sharing.actions import decision_record
from goldenthread.sharing.models import Decision
from goldenthread.sharing.rules import DecisionDraft, ItemInput
from tests.support.personas import Persona

# A 7-year-old with unexplained bruising; asking the parent would increase the risk.
BRUISING_FACTS: dict[str, Any] = {
    "purpose": "safeguarding",
    "subject": {"age": 7, "competent_to_consent": None},
    "information": {"identifies_individual": True, "confidential": True},
    "concern": "reasonable_cause_to_suspect_significant_harm",
    "indicators": [],
    "consent": {"subject": "not_sought", "parent": "not_sought"},
    "risks_of_seeking_consent": ["increase_risk_to_child"],
    "legal_requirement": "none",
}

# The same case as the guide's answers, page by page.
BRUISING_ANSWERS: dict[str, Any] = {
    "purpose": "safeguarding",
    "age": "7",
    "competence": "not_assessed",
    "concern": "reasonable_cause_to_suspect_significant_harm",
    "indicators": ["none"],
    "legal-requirement": "none",
    "identifies": "yes",
    "confidential": "yes",
    "consent-child": "not_sought",
    "consent-parent": "not_sought",
    "risks": ["increase_risk_to_child"],
}

# Early help for a 9-year-old whose parent refused: the engine says do not share.
REFUSED_FACTS: dict[str, Any] = {
    "purpose": "early_help",
    "subject": {"age": 9},
    "information": {"identifies_individual": True, "confidential": True},
    "concern": "additional_needs",
    "consent": {"parent": "refused"},
}


def bruising_facts() -> dict[str, Any]:
    return copy.deepcopy(BRUISING_FACTS)


_DRAFT_FIELDS = [field.name for field in fields(DecisionDraft)]


def share_without_consent(**overrides: Any) -> dict[str, Any]:
    """decision_record arguments for sharing the bruising case without consent; overrides may name any
    argument or any field of its draft."""
    arguments: dict[str, Any] = {
        "facts": bruising_facts(),
        "pack_name": None,
        "decision": "share",
        "departure_reason": "",
        "purpose": "Refer to children's social care under child protection procedures",
        "recipients": "Test CSC, duty social worker",
        "items": [
            ItemInput("Bruises seen on both upper arms on 3 March", "fact"),
            ItemInput("The explanation given did not fit the injuries", "opinion"),
        ],
        "consent_position": "not_sought",
        "consent_reasons": "Asking the parent would increase the risk to the child",
        "risks": "Not sharing leaves the child at risk of further harm; sharing may upset the family",
        "consulted": "",
        "emergency": False,
    }
    arguments.update(overrides)
    # What the practitioner entered goes into the draft; the rest are decision_record's own arguments.
    entered = {name: arguments.pop(name) for name in _DRAFT_FIELDS if name in arguments}
    return {**arguments, "draft": DecisionDraft(**entered)}


def decision_make(persona: Persona, **overrides: Any) -> Decision:
    assert persona.agency is not None
    return decision_record(
        agency=persona.agency,
        by=Actor.of(persona.user, persona.agency),
        **share_without_consent(**overrides),
    )
