"""Access matrix rows for the exchange: requests, answers, differences of opinion and disclosures.

The world: children's social care (social_worker, manager, ig_officer) asks health (health_visitor);
health declines and the social worker disputes it; health also discloses to children's social care on
its own initiative. The police and the school are party to none of it: every object's page is 404 to
them, as to anyone without the page's permission.
"""

from __future__ import annotations

from typing import Any

from goldenthread.exchange.actions import difference_raise, disclosure_send, request_answer
from goldenthread.exchange.models import RequestRecipient
from tests.security.access import MEMBERS, Case, only
from tests.support.exchange import (
    NOT_TOLD,
    all_items,
    by,
    child_make,
    decline_decision,
    request_make,
    share_decision,
)

READERS = ["police_officer", "school_dsl", "health_visitor", "social_worker", "manager", "ig_officer"]
RECORDERS = ["police_officer", "school_dsl", "health_visitor", "social_worker", "manager"]
CSC = ["social_worker", "manager", "ig_officer"]


def _world(made: dict[str, Any]) -> dict[str, Any]:
    csc, health = made["social_worker"], made["health_visitor"]
    child = child_make()
    sent = request_make(csc, child, health)
    row = RequestRecipient.objects.get(request=sent, agency=health.agency)
    request_answer(
        recipient=row,
        by=by(health),
        decision=decline_decision(health, child),
        outcome="decline",
        decline_reason="No consent and no safeguarding threshold",
    )
    difference = difference_raise(recipient=row, by=by(csc), reason="The bruising meets the threshold")
    decision = share_decision(health, child)
    disclosure = disclosure_send(
        agency=health.agency,
        by=by(health),
        decision=decision,
        to_agency=csc.agency,
        purpose="Refer a concern",
        lawful_basis="Children Act 1989 s47",
        items=all_items(decision),
        notice=NOT_TOLD,
    )
    return {
        "child": child,
        "sent": sent,
        "row": row,
        "difference": difference,
        "decision": decision,
        "disclosure": disclosure,
    }


def _request(made: dict[str, Any]) -> dict[str, Any]:
    return {"request_id": made["sent"].pk}


def _row(made: dict[str, Any]) -> dict[str, Any]:
    return {"recipient_id": made["row"].pk}


def _disclosure(made: dict[str, Any]) -> dict[str, Any]:
    return {"disclosure_id": made["disclosure"].pk}


MATRIX: dict[str, Case] = {
    "exchange:inbox": Case("get", only(READERS, 200), others=403),
    "exchange:team": Case("get", only(["school_dsl", "manager"], 200), others=403),
    "exchange:priorities": Case("get", only(MEMBERS, 200), others=403),
    "exchange:request-new": Case(
        "get",
        only(RECORDERS, 200),
        others=403,
        setup=_world,
        data=lambda made: {"child": f"person-{made['child'].pk}"},
    ),
    "exchange:request": Case(
        "get",
        {**only([*CSC, "health_visitor"], 200), **only(["police_officer", "school_dsl"], 404)},
        others=403,
        setup=_world,
        kwargs=_request,
    ),
    "exchange:request-withdraw": Case(
        "post", only(["social_worker", "manager"], "go"), others=403, setup=_world, kwargs=_request
    ),
    "exchange:recipient-acknowledge": Case(
        "post", {"health_visitor": "go"}, others=403, setup=_world, kwargs=_row
    ),
    "exchange:recipient-assign": Case(
        "post", {"health_visitor": "go"}, others=403, setup=_world, kwargs=_row
    ),
    "exchange:recipient-answer": Case("get", {"health_visitor": 200}, others=403, setup=_world, kwargs=_row),
    "exchange:difference-raise": Case(
        "get", only(["social_worker", "manager"], 200), others=403, setup=_world, kwargs=_row
    ),
    "exchange:difference-resolve": Case(
        "post",
        only([*CSC, "health_visitor"], "go"),
        others=403,
        setup=_world,
        kwargs=lambda made: {"difference_id": made["difference"].pk},
    ),
    "exchange:disclosure-new": Case(
        "get",
        {"health_visitor": 200, **only(["police_officer", "school_dsl", "social_worker", "manager"], 404)},
        others=403,
        setup=_world,
        data=lambda made: {"decision": made["decision"].pk},
    ),
    "exchange:disclosure": Case(
        "get", only([*CSC, "health_visitor"], 200), others=403, setup=_world, kwargs=_disclosure
    ),
    "exchange:disclosure-acknowledge": Case(
        "post", only([*CSC, "health_visitor"], "go"), others=403, setup=_world, kwargs=_disclosure
    ),
    "exchange:disclosure-action": Case(
        "post", only([*CSC, "health_visitor"], "go"), others=403, setup=_world, kwargs=_disclosure
    ),
    "exchange:disclosure-correct": Case(
        "get", {"health_visitor": 200}, others=403, setup=_world, kwargs=_disclosure
    ),
}
