"""The retention pages for the data protection officer: the schedule, the passes, what they did.

Nothing here names a person or a child: record types, classes, counts and record ids only.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.views.decorators.http import require_GET

from safeguard.core import retention
from safeguard.core.http import capability_required
from safeguard.core.models import RetentionRun
from safeguard.core.roles import Capability

RUNS_SHOWN = 30


def _entries(summary: list[dict[str, Any]], *, dry_run: bool) -> list[dict[str, Any]]:
    chosen = retention.schedule()
    rows = []
    for entry in summary:
        retention_class = chosen.classes.get(entry["retention_class"])
        rows.append(
            {
                **entry,
                "record_type": retention.verbose_name(entry["model"]),
                "class_label": retention_class.label if retention_class else "",
                "action_label": retention.ACTION_LABELS[retention.Action(entry["action"])],
                "count": entry["expired"] if dry_run else entry["done"],
            }
        )
    return rows


@capability_required(Capability.VIEW_AUDIT)
@require_GET
def retention_index(request: HttpRequest) -> HttpResponse:
    preview = retention.retention_run(dry_run=True)
    schedule = [
        {
            "retention_class": retention_class,
            "rules": [
                {
                    "record_type": retention.verbose_name(rule.model),
                    "action": retention.ACTION_LABELS[rule.action],
                    "note": rule.note,
                }
                for rule in rules
            ],
        }
        for retention_class, rules in retention.rules_by_class()
    ]
    context = {
        "schedule": schedule,
        "runs": RetentionRun.objects.filter(dry_run=False)[:RUNS_SHOWN],
        "preview": _entries(preview.summary, dry_run=True),
        "preview_day": preview.as_of,
    }
    return render(request, "core/retention/index.html", context)


@capability_required(Capability.VIEW_AUDIT)
@require_GET
def retention_run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(RetentionRun, pk=pk, dry_run=False)
    context = {"run": run, "entries": _entries(run.summary, dry_run=False)}
    return render(request, "core/retention/run.html", context)


urlpatterns = [
    path("audit/retention", retention_index, name="retention"),
    path("audit/retention/<int:pk>", retention_run_detail, name="retention_run"),
]
