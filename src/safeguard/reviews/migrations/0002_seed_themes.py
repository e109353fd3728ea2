"""Seed the editable list of learning themes with the annual report's cross-cutting themes."""

from django.db import migrations

from safeguard.reviews.rules import SEED_THEMES


def seed(apps, schema_editor):
    Theme = apps.get_model("reviews", "Theme")
    for name in SEED_THEMES:
        Theme.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
