"""A tool must name its grading scale (every existing tool was put on Ofsted's grades by 0003, in
its own transaction: PostgreSQL will not alter a table with updates pending); grades lose their
fixed Ofsted choices, so a partnership's own scale can be used."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("assurance", "0003_grading_scales"),
    ]

    operations = [
        migrations.AlterField(
            model_name="audittool",
            name="scale",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="tools",
                to="assurance.gradingscale",
            ),
        ),
        migrations.AlterField(
            model_name="auditcase",
            name="agreed_grade",
            field=models.CharField(blank=True, default="", max_length=32),
        ),
        migrations.AlterField(
            model_name="caseanswer",
            name="grade",
            field=models.CharField(help_text="A code of the audit's grading scale", max_length=32),
        ),
        migrations.AlterField(
            model_name="finding",
            name="grade",
            field=models.CharField(help_text="A code of the audit's grading scale", max_length=32),
        ),
    ]
