"""The scorecard's own list of PMSG meeting dates is gone: the PMSG's meetings are scheduled
in governance (migration 0007 moved each date there; ADR 0025)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("performance", "0007_meetings_to_governance")]

    operations = [migrations.DeleteModel(name="Meeting")]
