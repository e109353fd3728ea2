import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """A case's meeting gains its governance meeting of the RAG (ADR 0025)."""

    dependencies = [
        ("reviews", "0010_delete_action"),
        ("governance", "0004_funding_priorities"),
    ]

    operations = [
        migrations.AddField(
            model_name="meeting",
            name="sitting",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="governance.meeting",
            ),
        ),
    ]
