"""Each name key's one-letter deletions (people.models.NameKeyDeletion), the index the search meets a
name's own deletions against to find the keys one typing error away.

Filled from NameKey in one statement (the same as people.derive.name_keys_rebuild), before its indexes
are built, so a large index is filled quickly.
"""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models

# Keys of three letters or more (linkage.keys.EDITABLE_KEY) get a row per letter; every key, itself.
FILL = (
    "INSERT INTO people_namekeydeletion (name_key_id, part, deleted, position, letter) "
    "WITH RECURSIVE positions(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM positions WHERE i < 199) "
    "SELECT id, part, key, -1, '' FROM people_namekey UNION ALL "
    "SELECT k.id, k.part, substr(k.key, 1, p.i) || substr(k.key, p.i + 2), p.i, substr(k.key, p.i + 1, 1) "
    "FROM people_namekey k JOIN positions p ON p.i < length(k.key) WHERE length(k.key) >= 3"
)


def fill(apps: Any, schema_editor: Any) -> None:
    schema_editor.execute(FILL, params=None)


def after(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ANALYZE people_namekeydeletion", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0006_name_key_counts"),
    ]

    operations = [
        migrations.CreateModel(
            name="NameKeyDeletion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "part",
                    models.CharField(
                        choices=[("given", "Given name"), ("family", "Family name")], max_length=6
                    ),
                ),
                ("deleted", models.CharField(max_length=200)),
                ("position", models.SmallIntegerField()),
                ("letter", models.CharField(blank=True, max_length=1)),
                (
                    "name_key",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="deletions",
                        db_index=False,
                        to="people.namekey",
                    ),
                ),
            ],
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="namekeydeletion",
            index=models.Index(fields=["part", "deleted"], name="namekeydeletion_part_deleted"),
        ),
        migrations.AddConstraint(
            model_name="namekeydeletion",
            constraint=models.UniqueConstraint(
                fields=("name_key", "position"), name="namekeydeletion_key_position"
            ),
        ),
        migrations.RunPython(after, migrations.RunPython.noop),
    ]
