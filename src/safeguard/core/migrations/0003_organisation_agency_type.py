from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_audit_append_only"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="agency_type",
            field=models.CharField(
                blank=True,
                choices=[
                    ("police", "Police"),
                    ("childrens_social_work", "Children's social work"),
                    ("health", "Health"),
                    ("education", "Education"),
                    ("other", "Other"),
                ],
                default="",
                max_length=32,
                verbose_name="Agency type",
            ),
        ),
    ]
