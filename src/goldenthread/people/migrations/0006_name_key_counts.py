"""NameKey counts the names on each key, so the search can weigh a common name below a rare one.

Counted here from the names already held; people.derive keeps the count from then on.
"""

from typing import Any

from django.db import migrations, models

PG_FILL = [
    "UPDATE people_namekey k SET names = c.n FROM (SELECT given_key AS key, COUNT(*) AS n "
    "FROM people_personname GROUP BY given_key) c WHERE k.part = 'given' AND k.key = c.key",
    "UPDATE people_namekey k SET names = c.n FROM (SELECT family_key AS key, COUNT(*) AS n "
    "FROM people_personname GROUP BY family_key) c WHERE k.part = 'family' AND k.key = c.key",
]
FILL = [
    "UPDATE people_namekey SET names = (SELECT COUNT(*) FROM people_personname n "
    "WHERE n.given_key = people_namekey.key) WHERE part = 'given'",
    "UPDATE people_namekey SET names = (SELECT COUNT(*) FROM people_personname n "
    "WHERE n.family_key = people_namekey.key) WHERE part = 'family'",
]


# Rewriting every row queues a new entry per row in the trigram index's pending list, which every fuzzy
# search then reads through (seconds on a large index) until a vacuum; merge it now.
PG_AFTER = [
    "SELECT gin_clean_pending_list('namekey_key_trgm'::regclass)",
    "ANALYZE people_namekey",
]


def fill(apps: Any, schema_editor: Any) -> None:
    postgresql = schema_editor.connection.vendor == "postgresql"
    for sql in [*PG_FILL, *PG_AFTER] if postgresql else FILL:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0005_name_born"),
    ]

    operations = [
        migrations.AddField(
            model_name="namekey",
            name="names",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
