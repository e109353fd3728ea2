"""The analysis page (exact counts, for the team) and its CSV for publication (suppressed)."""

from __future__ import annotations

import csv
from datetime import date, timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from safeguard.child_deaths import charts, policies, rules
from safeguard.child_deaths.policies import Cap
from safeguard.child_deaths.selectors import analysis as selectors
from safeguard.child_deaths.selectors import dataset
from safeguard.core.clock import london_date
from safeguard.core.http import capability_required, sensitive


def _period(request: HttpRequest) -> tuple[date, date]:
    end = london_date(timezone.now())
    start = end - timedelta(days=365)
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return start, end
    if 2000 <= year <= end.year:
        return date(year, 4, 1), date(year + 1, 3, 31)
    return start, end


def _tables(request: HttpRequest) -> tuple[date, date, list[selectors.Table]]:
    start, end = _period(request)
    return start, end, selectors.analysis(actor=request.user, start=start, end=end)


@capability_required(Cap.REVIEW)
def analysis(request: HttpRequest) -> HttpResponse:
    start, end, tables = _tables(request)
    shown = []
    for table in tables:
        rows = [(row.label, row.deaths) for row in table.rows]
        svg = charts.bar_chart(rows=rows, title=table.title)
        shown.append(
            {
                "table": table,
                "chart": charts.data_uri(svg),
                "alt": charts.describe(rows=rows, title=table.title),
            }
        )
    deaths, reviews = selectors.totals(tables)
    return render(
        request,
        "child_deaths/analysis.html",
        {
            "start": start,
            "end": end,
            "shown": shown,
            "deaths": deaths,
            "reviews": reviews,
            "is_team": policies.is_team(request.user),
            "may_import_deprivation": policies.may_import_deprivation(request.user),
        },
    )


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


@capability_required(Cap.REVIEW)
def analysis_csv(request: HttpRequest) -> HttpResponse:
    """For publication: every count of 1 to 4 reads "fewer than 5"."""
    start, end, tables = _tables(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="child-deaths-analysis.csv"'
    writer = csv.writer(response)
    writer.writerow(["table", "group", "deaths", "completed_reviews", "period_start", "period_end"])
    for table in tables:
        for row in table.rows:
            writer.writerow(
                [
                    table.title,
                    row.label,
                    rules.suppressed(row.deaths),
                    rules.suppressed(row.reviews),
                    _day(start),
                    _day(end),
                ]
            )
    return response


@capability_required(Cap.REVIEW)
@sensitive
def dataset_csv(request: HttpRequest) -> HttpResponse:
    """The national dataset's shape, pseudonymised: an export, so the second factor again."""
    rows = dataset.dataset_rows(actor=request.user)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="child-deaths-dataset.csv"'
    writer = csv.writer(response)
    writer.writerow(dataset.COLUMNS)
    writer.writerows(rows)
    return response


urlpatterns = [
    path("analysis", analysis, name="analysis"),
    path("analysis.csv", analysis_csv, name="analysis_csv"),
    path("dataset.csv", dataset_csv, name="dataset_csv"),
]
