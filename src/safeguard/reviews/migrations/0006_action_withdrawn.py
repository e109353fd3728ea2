from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0005_incident_recorded_afterwards"),
    ]

    operations = [
        migrations.AddField(
            model_name="action",
            name="withdrawn_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="action",
            name="withdrawn_reason",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.AlterField(
            model_name="action",
            name="status",
            field=models.CharField(
                choices=[
                    ("not_started", "Not started"),
                    ("in_progress", "In progress"),
                    ("completed", "Completed"),
                    ("withdrawn", "Withdrawn"),
                ],
                default="not_started",
                max_length=16,
            ),
        ),
        migrations.AddConstraint(
            model_name="action",
            constraint=models.CheckConstraint(
                condition=models.Q(("status", "withdrawn"), _negated=True)
                | models.Q(
                    models.Q(("withdrawn_reason", ""), _negated=True),
                    ("withdrawn_on__isnull", False),
                ),
                name="action_withdrawn_has_reason",
            ),
        ),
    ]
