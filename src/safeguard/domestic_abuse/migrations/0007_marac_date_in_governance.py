import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """A MARAC meeting's date now lives in governance (ADR 0025)."""

    dependencies = [
        ("domestic_abuse", "0006_marac_meetings_to_governance"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="maracmeeting",
            options={"ordering": ["sitting__starts_at", "pk"]},
        ),
        migrations.AlterModelOptions(
            name="referral",
            options={"ordering": ["meeting__sitting__starts_at", "pk"]},
        ),
        migrations.RemoveField(model_name="maracmeeting", name="held_on"),
        migrations.AlterField(
            model_name="maracmeeting",
            name="sitting",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="governance.meeting",
            ),
        ),
    ]
