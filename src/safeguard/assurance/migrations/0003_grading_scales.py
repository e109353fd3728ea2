"""Grading scales of case audits: Ofsted's four grades seeded as version 1 of the default scale,
every existing tool put on it (its answers, agreed grades and findings already use its codes),
0004 then makes the scale required."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

OFSTED = [
    {
        "key": "outstanding",
        "label": "Outstanding",
        "wording": "Practice is exceptional and makes a real difference to the child",
    },
    {"key": "good", "label": "Good", "wording": "Practice meets the child's needs and keeps them safe"},
    {
        "key": "requires_improvement",
        "label": "Requires improvement",
        "wording": "Practice is not yet good; the child is not at immediate risk",
    },
    {
        "key": "inadequate",
        "label": "Inadequate",
        "wording": "Practice leaves the child at risk or their needs unmet",
    },
]


def seed_ofsted(apps, schema_editor):
    GradingScale = apps.get_model("assurance", "GradingScale")
    AuditTool = apps.get_model("assurance", "AuditTool")
    scale, _ = GradingScale.objects.get_or_create(
        name="Ofsted grades",
        version=1,
        defaults={"grades": OFSTED, "good_enough": 2, "created_at": timezone.now()},
    )
    AuditTool.objects.filter(scale__isnull=True).update(scale=scale)


class Migration(migrations.Migration):

    dependencies = [
        ("assurance", "0002_case_audits"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="GradingScale",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=200)),
                ("version", models.PositiveIntegerField()),
                ("grades", models.JSONField(default=list, help_text="[{key, label, wording}], best first")),
                ("good_enough", models.PositiveSmallIntegerField()),
                ("created_at", models.DateTimeField()),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["name", "-version"],
                "constraints": [
                    models.UniqueConstraint(fields=("name", "version"), name="asr_scale_version"),
                    models.CheckConstraint(
                        condition=models.Q(("good_enough__gte", 1)), name="asr_scale_good_enough"
                    ),
                ],
            },
        ),
        migrations.AddField(
            model_name="audittool",
            name="scale",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="tools",
                to="assurance.gradingscale",
            ),
        ),
        migrations.RunPython(seed_ofsted, migrations.RunPython.noop),
    ]
