import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """The date, attendees and minutes of a case's meeting now live in governance (ADR 0025)."""

    dependencies = [
        ("reviews", "0012_meetings_to_governance"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="meeting",
            options={"ordering": ["sitting__starts_at", "pk"]},
        ),
        migrations.RemoveField(model_name="meeting", name="held_on"),
        migrations.RemoveField(model_name="meeting", name="attendees"),
        migrations.RemoveField(model_name="meeting", name="minutes"),
        migrations.AlterField(
            model_name="meeting",
            name="sitting",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="governance.meeting",
            ),
        ),
    ]
