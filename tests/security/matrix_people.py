"""Access matrix rows for the child index (people app).

Searching and cards are for frontline and governance roles; importing and reviewing matches are for the
index's data officers (MASH and IG officers: here the ig_officer persona). The system administrator and
the board analyst see no child data.
"""

from __future__ import annotations

from typing import Any

from goldenthread.core.actor import Actor
from goldenthread.people.actions import access_alert_raise, records_import_start
from goldenthread.people.models import AlertKind, ImportBatch, MatchReview
from tests.integration.people_support import AMELIA, agency, csv_bytes, import_rows, record, row
from tests.security.access import GOVERNANCE, Case, only

CHILD_DATA = ["police_officer", "school_dsl", "health_visitor", "social_worker", "manager", "ig_officer"]
DATA_OFFICERS = GOVERNANCE


def _index(made: dict[str, Any]) -> dict[str, Any]:
    """A child known to health, and a test-csc record of them waiting for review."""
    import_rows("health", [AMELIA])
    import_rows("test-csc", [row(local_id="CSC-1", date_of_birth="", nhs_number="", sex="", service="CSC")])
    return {
        "person_id": record("health", "H-1").person_id,
        "review_id": MatchReview.objects.get().pk,
        "batch_id": ImportBatch.objects.get(agency__code="test-csc").pk,
    }


def _started(made: dict[str, Any]) -> dict[str, Any]:
    """An import by the data officer's agency that has not applied any row yet."""
    batch = records_import_start(
        agency=agency("test-csc"), filename="csc.csv", content=csv_bytes([AMELIA]), by=Actor(username="t")
    )
    return {"batch_id": batch.pk}


def _merged(made: dict[str, Any]) -> dict[str, Any]:
    """One person with two agencies' records, so the data officer's agency's record can be separated."""
    import_rows("health", [AMELIA])
    import_rows("test-csc", [row(local_id="CSC-2", service="CSC")])
    return {"record_id": record("test-csc", "CSC-2").pk, "person_id": record("test-csc", "CSC-2").person_id}


def _alert(made: dict[str, Any]) -> dict[str, Any]:
    """An unusual access by one of test-csc's people, for its IG officer to review."""
    worker = made["social_worker"]
    alert = access_alert_raise(
        kind=AlertKind.BURST, user=worker.user, agency=worker.agency, by=Actor(username="t"), details={}
    )
    return {"alert_id": alert.pk}


MATRIX: dict[str, Case] = {
    "people:search": Case("get", only(CHILD_DATA, 200), others=403),
    # Without a purpose in the session the card sends the user to say why they are looking.
    "people:card": Case(
        "get",
        only(CHILD_DATA, "go"),
        others=403,
        setup=_index,
        kwargs=lambda m: {"person_id": m["person_id"]},
    ),
    # Break-glass: roles that allow it (manager, DSL, MASH officer) see the form; others are refused.
    "people:break-glass": Case(
        "get",
        only(["manager", "school_dsl"], 200),
        others=403,
        setup=_index,
        kwargs=lambda m: {"person_id": m["person_id"]},
    ),
    "people:purpose": Case(
        "get", only(CHILD_DATA, 200), others=403, setup=_index, kwargs=lambda m: {"person_id": m["person_id"]}
    ),
    # Who has seen a record: governance officers of an agency holding a record of the person (here
    # test-csc's); an uninvolved agency's officer gets 404 (tests/integration/test_people_access.py).
    "people:access": Case(
        "get",
        only(GOVERNANCE, 200),
        others=403,
        setup=_merged,
        kwargs=lambda m: {"person_id": m["person_id"]},
    ),
    "people:alerts": Case("get", only(GOVERNANCE, 200), others=403),
    "people:alert-close": Case(
        "get", only(GOVERNANCE, 200), others=403, setup=_alert, kwargs=lambda m: {"alert_id": m["alert_id"]}
    ),
    "people:import": Case("get", only(DATA_OFFICERS, 200), others=403),
    "people:import-format": Case("get", only(DATA_OFFICERS, 200), others=403),
    "people:import-template": Case("get", only(DATA_OFFICERS, 200), others=403),
    "people:import-detail": Case(
        "get",
        only(DATA_OFFICERS, 200),
        others=403,
        setup=_index,
        kwargs=lambda m: {"batch_id": m["batch_id"]},
    ),
    "people:import-continue": Case(
        "post",
        only(DATA_OFFICERS, "go"),
        others=403,
        setup=_started,
        kwargs=lambda m: {"batch_id": m["batch_id"]},
    ),
    "people:import-stop": Case(
        "post",
        only(DATA_OFFICERS, "go"),
        others=403,
        setup=_started,
        kwargs=lambda m: {"batch_id": m["batch_id"]},
    ),
    "people:reviews": Case("get", only(DATA_OFFICERS, 200), others=403),
    "people:review": Case(
        "get",
        only(DATA_OFFICERS, 200),
        others=403,
        setup=_index,
        kwargs=lambda m: {"review_id": m["review_id"]},
    ),
    "people:record-unlink": Case(
        "post",
        only(DATA_OFFICERS, "go"),
        others=403,
        setup=_merged,
        kwargs=lambda m: {"record_id": m["record_id"]},
    ),
}
