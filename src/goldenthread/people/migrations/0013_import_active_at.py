from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("people", "0012_break_glass")]

    operations = [
        migrations.AddField(
            model_name="importbatch",
            name="active_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
