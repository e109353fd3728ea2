from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_background_jobs"),
    ]

    operations = [
        migrations.AddField(
            model_name="job",
            name="stage_started_at",
            field=models.DateTimeField(
                blank=True, help_text="When the job entered its current stage", null=True
            ),
        ),
        migrations.AddField(
            model_name="job",
            name="heartbeat_at",
            field=models.DateTimeField(
                blank=True,
                help_text="When the worker last said it was alive; a running job silent for "
                "longer than its lease is taken as lost",
                null=True,
            ),
        ),
    ]
