"""Access matrix rows for consent records, competence and capacity, and the notice (consent app).

Consent records and assessments are read by everyone who sees child data and written by the front line;
the "how we share information" notice of each agency is public (no sign-in, no personal data).
"""

from __future__ import annotations

from typing import Any

from goldenthread.consent.actions import Upload, consent_record
from tests.security.access import EVERYONE, Case, only
from tests.support.consent import actor, assessment_make, girl, terms

RECORDERS = ["police_officer", "school_dsl", "health_visitor", "social_worker", "manager"]
READERS = [*RECORDERS, "ig_officer"]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def _made(made: dict[str, Any]) -> dict[str, Any]:
    worker = made["social_worker"]
    child = girl()
    record = consent_record(
        person_id=child.pk, terms=terms(), document=Upload("signed.png", PNG), by=actor(worker)
    )
    return {"person": child, "record": record, "assessment": assessment_make(worker, child)}


def _person(made: dict[str, Any]) -> dict[str, Any]:
    return {"person_id": made["person"].pk}


def _record(made: dict[str, Any]) -> dict[str, Any]:
    return {"record_id": made["record"].pk}


MATRIX: dict[str, Case] = {
    "consent:new": Case("get", only(RECORDERS, 200), others=404, setup=_made, kwargs=_person),
    "consent:assessment-new": Case("get", only(RECORDERS, 200), others=404, setup=_made, kwargs=_person),
    "consent:notice-given": Case("post", only(RECORDERS, "go"), others=404, setup=_made, kwargs=_person),
    "consent:detail": Case("get", only(READERS, 200), others=404, setup=_made, kwargs=_record),
    "consent:document": Case("get", only(READERS, 200), others=404, setup=_made, kwargs=_record),
    "consent:withdraw": Case("get", only(RECORDERS, 200), others=404, setup=_made, kwargs=_record),
    "consent:assessment": Case(
        "get",
        only(READERS, 200),
        others=404,
        setup=_made,
        kwargs=lambda made: {"assessment_id": made["assessment"].pk},
    ),
    # Public: the notice holds no personal data and is handed out at first contact.
    "consent:notice": Case(
        "get",
        only([p for p in EVERYONE if p not in ("anonymous", "outsider")], 200),
        others=200,
        unauthenticated=200,
        # A signed-in user with no membership has their session ended first, as on every page.
        outsider="login",
        setup=_made,
        kwargs=lambda made: {"agency_code": made["social_worker"].agency.code},
    ),
}
