"""The database itself refuses to change or remove recorded decisions, their items and endorsements.

PostgreSQL refuses UPDATE and DELETE on all three, and refuses changing an advice request once it has
been answered (or deleting one). SQLite refuses UPDATE; DELETE stays possible there because Django's test
flush empties tables with DELETE (as for the audit log), and the models refuse deletion in application
code. TRUNCATE is not blocked on PostgreSQL for the same reason (the test flush).
"""

from typing import Any

from django.db import migrations

IMMUTABLE_TABLES = ("sharing_decision", "sharing_decisionitem", "sharing_endorsement")

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION sharing_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'recorded decisions are immutable: % refused on %', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""
PG_TRIGGER = """
CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION sharing_refuse_change();
"""
PG_ADVICE = """
CREATE TRIGGER sharing_advicerequest_answered_final BEFORE UPDATE ON sharing_advicerequest
    FOR EACH ROW WHEN (OLD.answered_at IS NOT NULL) EXECUTE FUNCTION sharing_refuse_change();
CREATE TRIGGER sharing_advicerequest_no_delete BEFORE DELETE ON sharing_advicerequest
    FOR EACH ROW EXECUTE FUNCTION sharing_refuse_change();
"""
PG_REVERSE = (
    "".join(f"DROP TRIGGER IF EXISTS {t}_immutable ON {t};\n" for t in IMMUTABLE_TABLES)
    + "DROP TRIGGER IF EXISTS sharing_advicerequest_answered_final ON sharing_advicerequest;\n"
    + "DROP TRIGGER IF EXISTS sharing_advicerequest_no_delete ON sharing_advicerequest;\n"
    + "DROP FUNCTION IF EXISTS sharing_refuse_change();\n"
)
SQLITE_TRIGGER = """
CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
BEGIN SELECT RAISE(ABORT, 'recorded decisions are immutable: UPDATE refused on {table}'); END;
"""


def forward(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = [PG_FUNCTION, *(PG_TRIGGER.format(table=t) for t in IMMUTABLE_TABLES), PG_ADVICE]
    elif vendor == "sqlite":
        statements = [SQLITE_TRIGGER.format(table=t) for t in IMMUTABLE_TABLES]
    else:
        statements = []
    for sql in statements:
        schema_editor.execute(sql, params=None)


def reverse(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_REVERSE, params=None)
    elif vendor == "sqlite":
        for table in IMMUTABLE_TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update;", params=None)


class Migration(migrations.Migration):
    dependencies = [("sharing", "0001_initial")]
    operations = [migrations.RunPython(forward, reverse)]
