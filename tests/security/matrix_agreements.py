"""Access matrix rows for the register of information sharing agreements (agreements app).

Every member reads the register (it holds no child data, and a nominated officer signs from it whatever
their role); IG officers and administrators draft and change agreements; frontline and governance roles
check coverage. An object's page answers 404 to a member without its permission.
"""

from __future__ import annotations

from typing import Any

from goldenthread.agreements.actions import agreement_document_attach, agreement_submit
from tests.security.access import MEMBERS, Case, only
from tests.support.agreements import actor, agreement_active, agreement_draft

MANAGERS = ["ig_officer", "system_administrator"]
CHECKERS = ["police_officer", "school_dsl", "health_visitor", "social_worker", "manager", "ig_officer"]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _officers(made: dict[str, Any]) -> list[Any]:
    return [made["ig_officer"], made["police_officer"]]


def _draft(made: dict[str, Any]) -> dict[str, Any]:
    version = agreement_draft(made["system_administrator"], _officers(made))
    document = agreement_document_attach(
        version_id=version.pk, name="signed.pdf", data=PDF, by=actor(made["system_administrator"])
    )
    return {
        "agreement_id": version.agreement_id,
        "party_id": version.parties.first().pk,  # type: ignore[union-attr]
        "document_id": document.pk,
    }


def _lonely(made: dict[str, Any]) -> dict[str, Any]:
    """A draft with one party: sending it for signing is refused (400) whoever tries."""
    version = agreement_draft(made["system_administrator"], [made["ig_officer"]])
    return {"agreement_id": version.agreement_id}


def _awaiting(made: dict[str, Any]) -> dict[str, Any]:
    version = agreement_draft(made["system_administrator"], _officers(made))
    agreement_submit(version_id=version.pk, by=actor(made["system_administrator"]))
    return {"agreement_id": version.agreement_id}


def _active(made: dict[str, Any]) -> dict[str, Any]:
    return {"agreement_id": agreement_active(made["system_administrator"], _officers(made)).agreement_id}


def _agreement(made: dict[str, Any]) -> dict[str, Any]:
    return {"agreement_id": made["agreement_id"]}


def _version(made: dict[str, Any]) -> dict[str, Any]:
    return {"agreement_id": made["agreement_id"], "number": 1}


MATRIX: dict[str, Case] = {
    "agreements:register": Case("get", only(MEMBERS, 200), others=403),
    "agreements:new": Case("get", only(MANAGERS, 200), others=403),
    "agreements:coverage": Case("get", only(CHECKERS, 200), others=403),
    "agreements:detail": Case("get", only(MEMBERS, 200), others=404, setup=_draft, kwargs=_agreement),
    "agreements:edit": Case("get", only(MANAGERS, 200), others=404, setup=_draft, kwargs=_agreement),
    # No officer chosen: the edit page again with the problem.
    "agreements:party-add": Case("post", only(MANAGERS, 400), others=404, setup=_draft, kwargs=_agreement),
    # The IG officer (first in the table's order) removes the party; it is gone for the administrator.
    "agreements:party-remove": Case(
        "post",
        {"ig_officer": "go", "system_administrator": 404},
        others=404,
        setup=_draft,
        kwargs=lambda made: {"agreement_id": made["agreement_id"], "party_id": made["party_id"]},
    ),
    "agreements:document-add": Case("post", only(MANAGERS, 400), others=404, setup=_draft, kwargs=_agreement),
    "agreements:document": Case(
        "get",
        only(MEMBERS, 200),
        others=404,
        setup=_draft,
        kwargs=lambda made: {"agreement_id": made["agreement_id"], "document_id": made["document_id"]},
    ),
    "agreements:submit": Case("post", only(MANAGERS, 400), others=404, setup=_lonely, kwargs=_agreement),
    # The IG officer takes it back to draft; there is then nothing awaiting signatures for the administrator.
    "agreements:return-to-draft": Case(
        "post",
        {"ig_officer": "go", "system_administrator": 404},
        others=404,
        setup=_awaiting,
        kwargs=_agreement,
    ),
    "agreements:sign": Case("get", only(MEMBERS, 200), others=404, setup=_awaiting, kwargs=_agreement),
    # A second amendment while the first is drafted is refused with a message on the agreement's page.
    "agreements:amend": Case("post", only(MANAGERS, "go"), others=404, setup=_active, kwargs=_agreement),
    "agreements:end": Case("get", only(MANAGERS, 200), others=404, setup=_active, kwargs=_agreement),
    "agreements:version": Case("get", only(MEMBERS, 200), others=404, setup=_active, kwargs=_version),
    "agreements:version-pdf": Case("get", only(MEMBERS, 200), others=404, setup=_active, kwargs=_version),
    "agreements:version-json": Case("get", only(MEMBERS, 200), others=404, setup=_active, kwargs=_version),
}
