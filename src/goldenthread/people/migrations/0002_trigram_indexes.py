"""Trigram indexes for the real-time name search, on PostgreSQL only.

pg_trgm finds names within a few typing errors of the query using a GIN index, so the fuzzy part of the
search reads a short list instead of every name. SQLite (the embedded mode) has no such index; the search
falls back to key and phonetic equality there (see people.search).
"""

from typing import Any

from django.db import migrations

PG_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS personname_family_key_trgm ON people_personname USING gin (family_key gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS personname_given_key_trgm ON people_personname USING gin (given_key gin_trgm_ops)",
]
PG_REVERSE = [
    "DROP INDEX IF EXISTS personname_given_key_trgm",
    "DROP INDEX IF EXISTS personname_family_key_trgm",
]


def forward(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for sql in PG_FORWARD:
            schema_editor.execute(sql, params=None)


def reverse(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for sql in PG_REVERSE:
            schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(forward, reverse)]
