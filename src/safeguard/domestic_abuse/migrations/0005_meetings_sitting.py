import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """A MARAC meeting and a DRAMM board gain their governance meeting (ADR 0025)."""

    dependencies = [
        ("domestic_abuse", "0004_adult_women_population"),
        ("governance", "0004_funding_priorities"),
    ]

    operations = [
        migrations.AddField(
            model_name="maracmeeting",
            name="sitting",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="governance.meeting",
            ),
        ),
        migrations.AddField(
            model_name="board",
            name="sitting",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="governance.meeting",
            ),
        ),
    ]
