from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("people", "0013_alert_kinds")]

    operations = [
        migrations.AddField(
            model_name="importbatch",
            name="active_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
