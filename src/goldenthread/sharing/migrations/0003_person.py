"""Decisions and advice requests point at the Person they are about, instead of a typed reference.

Until now a record named its child by text: the card's link carried "person-<id>", the decision form let a
practitioner type anything. Each record whose text names a person still in the index ("person-<id>") is
linked to that person (the one named, even if since merged: readers follow the merge). The text itself is
kept, unchanged, in ``legacy_child_ref``: a record of what was written at the time.

Recorded decisions are immutable and, on PostgreSQL, so is an answered advice request: the triggers of
migration 0002 refuse the UPDATE that links them. This migration turns them off around its own changes and
back on in the same transaction, so no other writer ever sees a table without them. On SQLite the decision
table's UPDATE trigger is dropped and created again (SQLite cannot disable a trigger).
"""

import re
from collections import defaultdict
from typing import Any

import django.db.models.deletion
from django.db import migrations, models

PERSON_REF = re.compile(r"^person-([0-9]{1,18})$")
LEGACY_HELP = "The child reference typed before decisions pointed at the index, kept as recorded"

PG_TRIGGERS = (
    ("sharing_decision", "sharing_decision_immutable"),
    ("sharing_advicerequest", "sharing_advicerequest_answered_final"),
)
SQLITE_DECISION_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS sharing_decision_no_update BEFORE UPDATE ON sharing_decision
BEGIN SELECT RAISE(ABORT, 'recorded decisions are immutable: UPDATE refused on sharing_decision'); END;
"""


def _triggers(schema_editor: Any, *, on: bool) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        if on:
            # Link checks still pending from this transaction would make ALTER TABLE refuse to run.
            schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE", params=None)
        verb = "ENABLE" if on else "DISABLE"
        for table, trigger in PG_TRIGGERS:
            schema_editor.execute(f"ALTER TABLE {table} {verb} TRIGGER {trigger}", params=None)
    elif vendor == "sqlite":
        if on:
            schema_editor.execute(SQLITE_DECISION_TRIGGER, params=None)
        else:
            schema_editor.execute("DROP TRIGGER IF EXISTS sharing_decision_no_update", params=None)


def triggers_off(apps: Any, schema_editor: Any) -> None:
    _triggers(schema_editor, on=False)


def triggers_on(apps: Any, schema_editor: Any) -> None:
    _triggers(schema_editor, on=True)


def link_people(apps: Any, schema_editor: Any) -> None:
    alias = schema_editor.connection.alias
    person_ids = set(apps.get_model("people", "Person").objects.using(alias).values_list("pk", flat=True))
    for name in ("Decision", "AdviceRequest"):
        model = apps.get_model("sharing", name)
        by_person: dict[int, list[int]] = defaultdict(list)
        rows = model.objects.using(alias).exclude(legacy_child_ref="").values_list("pk", "legacy_child_ref")
        for pk, ref in rows.iterator():
            found = PERSON_REF.match(ref.strip())
            if found and int(found.group(1)) in person_ids:
                by_person[int(found.group(1))].append(pk)
        for person_id, pks in by_person.items():
            # An anonymised request never held a reference (the old constraint), so none is linked here.
            model.objects.using(alias).filter(pk__in=pks).update(person_id=person_id)


def legacy_field() -> Any:
    return models.CharField(blank=True, editable=False, help_text=LEGACY_HELP, max_length=64)


def person_field() -> Any:
    return models.ForeignKey(
        blank=True,
        null=True,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="people.person",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0008_name_born_covering"),
        ("sharing", "0002_immutable_triggers"),
    ]

    operations = [
        migrations.RunPython(triggers_off, triggers_on),
        migrations.RemoveConstraint(model_name="advicerequest", name="advice_anonymised_names_no_child"),
        migrations.RenameField(model_name="advicerequest", old_name="child_ref", new_name="legacy_child_ref"),
        migrations.AlterField(model_name="advicerequest", name="legacy_child_ref", field=legacy_field()),
        migrations.RenameField(model_name="decision", old_name="child_ref", new_name="legacy_child_ref"),
        migrations.AlterField(model_name="decision", name="legacy_child_ref", field=legacy_field()),
        migrations.AddField(model_name="advicerequest", name="person", field=person_field()),
        migrations.AddField(model_name="decision", name="person", field=person_field()),
        migrations.AddConstraint(
            model_name="advicerequest",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("anonymised", False),
                    models.Q(("legacy_child_ref", ""), ("person__isnull", True)),
                    _connector="OR",
                ),
                name="advice_anonymised_names_no_child",
            ),
        ),
        migrations.RunPython(link_people, migrations.RunPython.noop),
        migrations.RunPython(triggers_on, triggers_off),
    ]
