"""Golden Thread policy engine: pure Python, standard library only, no Django.

The facts of a case go in, a recommendation comes out: whether to share, on what lawful basis, the
path through the flowchart, the actions that must go with it, citations and a plain-English explanation.
The law lives in versioned rule packs (TOML files in `packs/`), not in the code.
"""

from goldenthread.policy.cli import run_decide, run_policy_show
from goldenthread.policy.conditions import PackError
from goldenthread.policy.engine import CONTRACT_KEYS, Recommendation, Step, decide
from goldenthread.policy.facts import Facts, FactsError, parse_facts
from goldenthread.policy.flowchart import flowchart_svg, flowchart_text
from goldenthread.policy.pack import DEFAULT_PACK, Citation, Pack, list_packs, load_pack

__all__ = [
    "CONTRACT_KEYS",
    "DEFAULT_PACK",
    "Citation",
    "Facts",
    "FactsError",
    "Pack",
    "PackError",
    "Recommendation",
    "Step",
    "decide",
    "flowchart_svg",
    "flowchart_text",
    "list_packs",
    "load_pack",
    "parse_facts",
    "run_decide",
    "run_policy_show",
]
