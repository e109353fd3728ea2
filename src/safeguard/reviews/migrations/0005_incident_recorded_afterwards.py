from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0004_api_receipt"),
    ]

    operations = [
        migrations.AddField(
            model_name="incident",
            name="recorded_afterwards",
            field=models.BooleanField(
                default=False,
                help_text="A past case entered with its real dates after the events",
            ),
        ),
    ]
