"""The database itself refuses to change consent records, withdrawals, assessments and notices given.

As for decisions (sharing 0002): PostgreSQL refuses UPDATE and DELETE; SQLite refuses UPDATE (DELETE stays
for Django's test flush, and the models refuse it in application code).
"""

from typing import Any

from django.db import migrations

IMMUTABLE_TABLES = (
    "consent_consentrecord",
    "consent_consentwithdrawal",
    "consent_competenceassessment",
    "consent_noticegiven",
)

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION consent_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'consent records are immutable: % refused on %', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""
PG_TRIGGER = """
CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION consent_refuse_change();
"""
SQLITE_TRIGGER = """
CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
BEGIN SELECT RAISE(ABORT, 'consent records are immutable: UPDATE refused on {table}'); END;
"""


def forward(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = [PG_FUNCTION, *(PG_TRIGGER.format(table=t) for t in IMMUTABLE_TABLES)]
    elif vendor == "sqlite":
        statements = [SQLITE_TRIGGER.format(table=t) for t in IMMUTABLE_TABLES]
    else:
        statements = []
    for sql in statements:
        schema_editor.execute(sql, params=None)


def reverse(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    for table in IMMUTABLE_TABLES:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table};", params=None)
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update;", params=None)
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS consent_refuse_change();", params=None)


class Migration(migrations.Migration):
    dependencies = [("consent", "0001_initial")]
    operations = [migrations.RunPython(forward, reverse)]
