"""Migration sharing 0003 links recorded decisions and advice requests to the people they named."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

BEFORE_SHARING = ("sharing", "0002_immutable_triggers")
AFTER = [("sharing", "0003_person")]
WHEN = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def old_rows(transactional_db: None) -> Iterator[dict[str, Any]]:
    """Rows written before 0003 (every other app at its latest); the database migrated forward after."""
    executor = MigrationExecutor(connection)
    # Other apps stay at their latest migrations, so their historical models match their tables.
    before = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "sharing"]
    before.append(BEFORE_SHARING)
    executor.migrate(before)
    try:
        yield _old_rows(executor.loader.project_state(before).apps)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def _decision(apps: Any, agency: Any, user: Any, child_ref: str) -> Any:
    return apps.get_model("sharing", "Decision").objects.create(
        agency=agency,
        decided_by=user,
        decided_at=WHEN,
        child_ref=child_ref,
        facts={},
        pack_name="default",
        pack_version="1",
        recommendation={},
        recommended_outcome="share",
        decision="share",
        purpose="A referral",
        recipients="Children's social care",
        consent_position="given",
        risks="Weighed",
    )


def _old_rows(apps: Any) -> dict[str, Any]:
    agency = apps.get_model("agencies", "Agency").objects.create(code="old", name="Old", kind="school")
    user = apps.get_model("accounts", "User").objects.create(username="old-worker")
    person_model = apps.get_model("people", "Person")
    kept, child = person_model.objects.create(), person_model.objects.create()
    absorbed = person_model.objects.create(merged_into=kept, merged_at=WHEN)
    advice_model = apps.get_model("sharing", "AdviceRequest")
    common = {"agency": agency, "requested_by": user, "requested_at": WHEN, "adviser_role": "dsl"}
    return {
        "child": child.pk,
        "absorbed": absorbed.pk,
        "named": _decision(apps, agency, user, f"person-{child.pk}").pk,
        "merged": _decision(apps, agency, user, f"person-{absorbed.pk}").pk,
        "typed": _decision(apps, agency, user, "C-0001").pk,
        "missing": _decision(apps, agency, user, "person-987654").pk,
        "none": _decision(apps, agency, user, "").pk,
        "answered": advice_model.objects.create(
            **common,
            question="May I share?",
            child_ref=f"person-{child.pk}",
            answer="Yes",
            answered_by=user,
            answered_at=WHEN,
        ).pk,
        "anonymised": advice_model.objects.create(**common, question="In general?", anonymised=True).pk,
    }


def test_migration_0003_links_named_people_and_keeps_every_reference(old_rows: dict[str, Any]) -> None:
    old = old_rows
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    decisions = apps.get_model("sharing", "Decision").objects
    linked = {
        key: decisions.values_list("person_id", "legacy_child_ref").get(pk=old[key])
        for key in ("named", "merged", "typed", "missing", "none")
    }
    assert linked == {
        "named": (old["child"], f"person-{old['child']}"),
        # The person named, though merged since: readers follow the merge, the record is not rewritten.
        "merged": (old["absorbed"], f"person-{old['absorbed']}"),
        "typed": (None, "C-0001"),
        "missing": (None, "person-987654"),
        "none": (None, ""),
    }
    advice = apps.get_model("sharing", "AdviceRequest").objects
    assert advice.values_list("person_id", "answer").get(pk=old["answered"]) == (old["child"], "Yes")
    assert advice.values_list("person_id", "anonymised").get(pk=old["anonymised"]) == (None, True)


def test_migration_0003_leaves_decisions_immutable(old_rows: dict[str, Any]) -> None:
    old = old_rows
    MigrationExecutor(connection).migrate(AFTER)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE sharing_decision SET purpose = 'changed' WHERE id = %s", [old["named"]])
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE sharing_advicerequest SET answer = 'No' WHERE id = %s", [old["answered"]])
