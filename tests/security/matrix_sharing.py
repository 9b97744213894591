"""Access matrix rows for decisions, disclosures, requests and advice (sharing app).

Decisions and advice of test-csc (social_worker's agency) are 404 to members of other agencies who
hold the permission, and 403 to those who lack it.
"""

from __future__ import annotations

from typing import Any

from goldenthread.core.actor import Actor
from goldenthread.sharing.actions import advice_request_create
from tests.security.access import Case, only
from tests.support.sharing import decision_make

RECORDERS = ["police_officer", "school_dsl", "health_visitor", "social_worker", "manager"]
READERS = [*RECORDERS, "ig_officer"]
# The guide answers everyone who sees child data; governance may also compare rule packs.
GUIDE_USERS = READERS
OTHER_AGENCY_RECORDERS = ["police_officer", "school_dsl", "health_visitor"]


def _decision(made: dict[str, Any]) -> dict[str, Any]:
    return {"decision": decision_make(made["social_worker"])}


def _advice(made: dict[str, Any]) -> dict[str, Any]:
    worker = made["social_worker"]
    advice = advice_request_create(
        agency=worker.agency,
        by=Actor.of(worker.user, worker.agency),
        adviser_role="ig_officer",
        question="Can I share without consent?",
        anonymised=True,
    )
    return {"advice": advice}


def _decision_id(made: dict[str, Any]) -> dict[str, Any]:
    return {"decision_id": made["decision"].pk}


MATRIX: dict[str, Case] = {
    "sharing:guide": Case("get", only(GUIDE_USERS, 200), others=403),
    "sharing:guide-begin": Case("post", only(GUIDE_USERS, "go"), others=403),
    "sharing:guide-question": Case(
        "get", only(GUIDE_USERS, 200), others=403, kwargs=lambda made: {"step_id": "purpose"}
    ),
    "sharing:guide-check": Case("get", only(GUIDE_USERS, 200), others=403),
    # With no answers yet the recommendation (and the comparison) send the user back to check the answers.
    "sharing:guide-recommendation": Case("get", only(GUIDE_USERS, "go"), others=403),
    "sharing:guide-compare": Case("get", only(["ig_officer"], "go"), others=403),
    # Correcting an answer read from a consent record: with no guide started from a card there is none.
    "sharing:guide-correct": Case(
        "get", only(GUIDE_USERS, 404), others=404, kwargs=lambda made: {"step_id": "consent-child"}
    ),
    "sharing:guide-flowchart": Case("get", only(GUIDE_USERS, 200), others=403),
    "sharing:decisions": Case("get", only(READERS, 200), others=403),
    "sharing:decision-new": Case("get", only(RECORDERS, "go"), others=403),
    "sharing:decisions-mine": Case("get", only(RECORDERS, 200), others=403),
    "sharing:advice-mine": Case("get", only(RECORDERS, 200), others=403),
    "sharing:decision": Case(
        "get",
        {**only(["social_worker", "manager", "ig_officer"], 200), **only(OTHER_AGENCY_RECORDERS, 404)},
        others=403,
        setup=_decision,
        kwargs=_decision_id,
    ),
    "sharing:decision-endorse": Case(
        "get", {"manager": 200, "school_dsl": 404}, others=403, setup=_decision, kwargs=_decision_id
    ),
    "sharing:decision-correct": Case(
        "post",
        {**only(["social_worker", "manager"], "go"), **only(OTHER_AGENCY_RECORDERS, 404)},
        others=403,
        setup=_decision,
        kwargs=_decision_id,
    ),
    "sharing:advice-requests": Case("get", only(READERS, 200), others=403),
    "sharing:advice-new": Case("get", only(RECORDERS, 200), others=403),
    "sharing:advice": Case(
        "get",
        {**only(["social_worker", "ig_officer"], 200), **only(["manager", *OTHER_AGENCY_RECORDERS], 404)},
        others=403,
        setup=_advice,
        kwargs=lambda made: {"advice_id": made["advice"].pk},
    ),
}
