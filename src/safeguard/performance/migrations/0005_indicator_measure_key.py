from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("performance", "0004_comparator_metropolitan_boroughs"),
    ]

    operations = [
        migrations.AddField(
            model_name="indicator",
            name="measure_key",
            field=models.CharField(
                blank=True,
                default="",
                help_text="The measure of Safeguard's records that counts it, if any",
                max_length=80,
            ),
        ),
        migrations.AlterField(
            model_name="observation",
            name="source",
            field=models.CharField(
                choices=[
                    ("form", "Return form"),
                    ("upload", "Uploaded file"),
                    ("api", "Partner system (API)"),
                    ("records", "Computed from record-level DfE data"),
                    ("measure", "Counted from Safeguard's records"),
                    ("demo", "Synthetic demo data"),
                ],
                max_length=10,
            ),
        ),
    ]
