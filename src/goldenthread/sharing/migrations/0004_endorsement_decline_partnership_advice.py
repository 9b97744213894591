"""An endorser may decline (with reasons) and the record names the endorser's role; advice may be asked of
a safeguarding partnership's advisers.

On SQLite, adding a column that is not null (and a check constraint) rebuilds the endorsement table, which
drops migration 0002's trigger refusing UPDATE on it: the last step puts it back. PostgreSQL adds the
columns in place (its triggers stay, and no row is updated).
"""

from typing import Any

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

SQLITE_TRIGGER = """
CREATE TRIGGER sharing_endorsement_no_update BEFORE UPDATE ON sharing_endorsement
BEGIN SELECT RAISE(ABORT, 'recorded decisions are immutable: UPDATE refused on sharing_endorsement'); END;
"""


def sqlite_trigger_again(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS sharing_endorsement_no_update;", params=None)
        schema_editor.execute(SQLITE_TRIGGER, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0003_membership_approval"),
        ("sharing", "0003_person"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="advicerequest",
            name="adviser_agency",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="advice_asked",
                to="agencies.agency",
            ),
        ),
        migrations.AddField(
            model_name="endorsement",
            name="declined",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="endorsement",
            name="role",
            field=models.CharField(blank=True, default="", max_length=32),
        ),
        migrations.AddConstraint(
            model_name="endorsement",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("declined", False), models.Q(("comment", ""), _negated=True), _connector="OR"
                ),
                name="endorsement_declined_has_reasons",
            ),
        ),
        migrations.RunPython(sqlite_trigger_again, migrations.RunPython.noop),
    ]
