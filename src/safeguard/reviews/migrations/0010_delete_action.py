from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0009_actions_to_governance"),
    ]

    operations = [
        migrations.DeleteModel(name="Action"),
    ]
