"""The scorecard, the page of each indicator, and the scorecard's exports."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone

from safeguard.core import audit, measures
from safeguard.core.clock import london_date
from safeguard.core.http import capability_required
from safeguard.core.models.audit import AuditAction
from safeguard.performance import (
    analysis,
    charts,
    exports,
    periods,
    policies,
    presenting,
    rules,
    selectors,
)
from safeguard.performance.models import Theme
from safeguard.performance.views.downloads import exporting


def _grouped(lines: list[presenting.Line]) -> list[dict[str, object]]:
    themes: dict[str, list[presenting.Line]] = {}
    for item in lines:
        themes.setdefault(item.theme, []).append(item)
    order = [label for _, label in Theme.choices]
    return [
        {"theme": theme, "lines": themes[theme]}
        for theme in sorted(themes, key=lambda t: order.index(t) if t in order else 99)
    ]


def _lines(request: HttpRequest) -> list[presenting.Line]:
    return [presenting.line(row) for row in selectors.scorecard(actor=request.user)]


@capability_required(policies.VIEW)
def scorecard(request: HttpRequest) -> HttpResponse:
    lines = _lines(request)
    concerns = [
        i for i in lines if i.variation == analysis.VARIATION_LABELS[analysis.spc.Variation.CONCERN]
    ]
    return render(
        request,
        "performance/scorecard.html",
        {
            "groups": _grouped(lines),
            "concerns": concerns,
            "can_manage": policies.can_manage(request.user),
            "can_import_records": policies.can_import_records(request.user),
            "open_exceptions": selectors.exceptions(actor=request.user, open_only=True).count(),
        },
    )


@capability_required(policies.VIEW)
def indicator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.indicator_row(actor=request.user, pk=pk)
    if row is None:
        raise Http404
    indicator = row.indicator
    svg = charts.xmr_chart(
        row.reading, title=indicator.name, target=indicator.target, unit=indicator.unit
    )
    line = presenting.line(row)
    measure = measures.get(indicator.measure_key) if indicator.measure_key else None
    return render(
        request,
        "performance/indicator.html",
        {
            "line": line,
            "indicator": indicator,
            "chart": charts.data_uri(svg) if svg else "",
            "chart_alt": charts.describe(row.reading, title=indicator.name),
            "table": presenting.series_table(row),
            "notes": row.reading.notes,
            "exceptions": indicator.exceptions.all()[:10],
            "limits_from": periods.label(indicator.limits_from, indicator.frequency)
            if indicator.limits_from
            else "",
            "can_manage": policies.can_manage(request.user),
            "can_submit": not indicator.fed_by_measure
            and policies.can_submit_for(request.user, indicator.owner_organisation_id),
            "measure": measure,
            # The population a rate over adult women divides by, as its module holds it now.
            "population": measure.population() if measure and measure.population else None,
            "all_comparators": [
                {
                    "year": c.year,
                    "kind": c.get_kind_display(),  # type: ignore[attr-defined]
                    "value": rules.display(c.value, indicator.unit),
                    "source": c.source,
                }
                for c in indicator.comparators.all()
            ],
        },
    )


def _export_name(extension: str) -> str:
    return f"scorecard-{london_date(timezone.now()):%Y-%m-%d}.{extension}"


@capability_required(policies.VIEW)
@exporting(child_details=False)
def scorecard_xlsx(request: HttpRequest) -> HttpResponse:
    lines = _lines(request)
    content = exports.scorecard_xlsx(lines)
    audit.record(
        action=AuditAction.EXPORT,
        record_type="performance.scorecard",
        actor=request.user,
        detail=f"xlsx, {len(lines)} indicators",
    )
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_export_name("xlsx")}"'
    return response


@capability_required(policies.VIEW)
@exporting(child_details=False)
def scorecard_pdf(request: HttpRequest) -> HttpResponse:
    lines = _lines(request)
    html = render_to_string(
        "performance/scorecard_pdf.html",
        {"groups": _grouped(lines), "printed_on": london_date(timezone.now())},
        request=request,
    )
    content = exports.pdf_from_html(html, base_url=request.build_absolute_uri("/"))
    audit.record(
        action=AuditAction.EXPORT,
        record_type="performance.scorecard",
        actor=request.user,
        detail=f"pdf, {len(lines)} indicators",
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_export_name("pdf")}"'
    return response


urlpatterns = [
    path("", scorecard, name="scorecard"),
    path("indicators/<int:pk>", indicator_detail, name="indicator_detail"),
    path("scorecard.xlsx", scorecard_xlsx, name="scorecard_xlsx"),
    path("scorecard.pdf", scorecard_pdf, name="scorecard_pdf"),
]
