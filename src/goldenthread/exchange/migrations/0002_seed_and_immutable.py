"""The common MASH scheme of priorities (red 4, amber 24, green 72 working hours) with their escalation
ladders, the protocol's request types, and the database's refusal to change a disclosure.

PostgreSQL refuses UPDATE and DELETE on disclosures, their items and withheld items; SQLite refuses UPDATE
(DELETE stays possible there for the test flush, as for decisions; the models refuse it).
"""

from typing import Any

from django.db import migrations

from goldenthread.exchange.defaults import LADDER, PRIORITIES

TYPES = (
    ("general_safeguarding", "General safeguarding request", "amber"),
    (
        "police_la_material",
        "Police request for local-authority material for a criminal investigation",
        "amber",
    ),
    ("investigation_notice", "Notice that a criminal investigation has begun", "amber"),
    (
        "cps_la_consultation",
        "Consultation between the CPS and the local authority about disclosure of its material",
        "green",
    ),
    ("family_court_police_material", "Request from the family court for police material", "green"),
    ("strategy_discussion", "Request for a strategy discussion", "red"),
)

IMMUTABLE_TABLES = ("exchange_disclosure", "exchange_disclosureitem", "exchange_withhelditem")
PG_FUNCTION = """
CREATE OR REPLACE FUNCTION exchange_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'disclosures are immutable: % refused on %', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""
PG_TRIGGER = """
CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION exchange_refuse_change();
"""
SQLITE_TRIGGER = """
CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
BEGIN SELECT RAISE(ABORT, 'disclosures are immutable: UPDATE refused on {table}'); END;
"""


def seed(apps: Any, schema_editor: Any) -> None:
    priority_model = apps.get_model("exchange", "Priority")
    step_model = apps.get_model("exchange", "EscalationStep")
    type_model = apps.get_model("exchange", "RequestType")
    made = {}
    for position, (code, name, hours, colour, description) in enumerate(PRIORITIES, start=1):
        made[code] = priority_model.objects.create(
            code=code, name=name, hours=hours, colour=colour, position=position, description=description
        )
        for rung, (after, target) in enumerate(LADDER, start=1):
            step_model.objects.create(priority=made[code], position=rung, after_hours=after, target=target)
    for position, (code, name, priority) in enumerate(TYPES, start=1):
        type_model.objects.create(code=code, name=name, default_priority=made[priority], position=position)


def triggers(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = [PG_FUNCTION, *(PG_TRIGGER.format(table=t) for t in IMMUTABLE_TABLES)]
    elif vendor == "sqlite":
        statements = [SQLITE_TRIGGER.format(table=t) for t in IMMUTABLE_TABLES]
    else:
        statements = []
    for sql in statements:
        schema_editor.execute(sql, params=None)


def triggers_reverse(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    for table in IMMUTABLE_TABLES:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table};", params=None)
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update;", params=None)
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS exchange_refuse_change();", params=None)


class Migration(migrations.Migration):
    dependencies = [("exchange", "0001_initial")]
    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(triggers, triggers_reverse),
    ]
