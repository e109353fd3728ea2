"""The oversight table and the learning from reviews, which anyone in the partnership may read."""

from __future__ import annotations

import csv
from datetime import date

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import path

from safeguard.core.forms.govuk import GovukForm
from safeguard.core.http import capability_required
from safeguard.reviews import charts, policies
from safeguard.reviews.forms import date_field
from safeguard.reviews.models import Theme
from safeguard.reviews.policies import Cap
from safeguard.reviews.selectors import learning as learning_selectors
from safeguard.reviews.selectors.oversight import (
    Oversight,
    YearRow,
    oversight_between,
    oversight_by_year,
)
from safeguard.reviews.services._common import today


class RangeForm(GovukForm):
    start = date_field("From")
    end = date_field("To")

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "To must be the same as or after From")
        return data


def _period(request: HttpRequest) -> tuple[RangeForm, date, date]:
    """The range asked for, or the last four reporting years (1 April three years ago to today)."""
    form = RangeForm(request.GET or None)
    now = today()
    start, end = date(now.year - 3 if now.month >= 4 else now.year - 4, 4, 1), now
    if form.is_bound and form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
    return form, start, end


def _series(years: list[YearRow]) -> list[tuple[str, list[int]]]:
    return [
        ("Referrals", [y.table.referrals for y in years]),
        ("Notified", [y.table.notifications for y in years]),
        ("Not notified", [y.table.not_notified for y in years]),
        ("CSPRs commissioned", [y.table.csprs_commissioned for y in years]),
    ]


@capability_required(Cap.VIEW_OVERSIGHT)
def oversight(request: HttpRequest) -> HttpResponse:
    form, start, end = _period(request)
    table = oversight_between(start, end)
    years = oversight_by_year(start, end)
    labels = [y.label for y in years]
    series = _series(years)
    open_cases = learning_selectors.open_cases_for(actor=request.user)
    return render(
        request,
        "reviews/oversight.html",
        {
            "form": form,
            "table": table,
            "years": years,
            "chart": charts.data_uri(
                charts.year_on_year_chart(
                    years=labels, series=series, title="Serious incidents by reporting year"
                )
            )
            if years
            else "",
            "chart_alt": charts.describe(years=labels, series=series),
            "open_cases": open_cases,
            "export_query": request.GET.urlencode(),
        },
    )


def _rows(table: Oversight) -> list[tuple[str, str]]:
    """The oversight table as (measure, value) rows, in the order of the page."""
    rows = [
        (f"Referrals from {label.lower()}", str(n)) for label, n in table.referrals_by_agency_type
    ]
    rows += [
        ("All referrals", str(table.referrals)),
        ("Notified to the National Panel", str(table.notifications)),
        ("Not notified", str(table.not_notified)),
        ("Rapid Reviews", str(table.rapid_reviews)),
    ]
    rows += [(f"Rapid Reviews, age {label.lower()}", str(n)) for label, n in table.by_age]
    rows += [(f"Rapid Reviews, {label.lower()}", str(n)) for label, n in table.by_gender]
    rows += [(f"Rapid Reviews, {label.lower()}", str(n)) for label, n in table.by_harm]
    rows += [
        ("CSPRs commissioned", str(table.csprs_commissioned)),
        ("Panel agreed with the local decision", str(table.panel_agrees)),
        ("Panel disagreed", str(table.panel_disagrees)),
        ("Panel to undertake a national review", str(table.panel_national_reviews)),
        ("Panel's response awaited", str(table.panel_awaited)),
        ("Decisions within 5 working days", str(table.decisions_on_time)),
        ("Rapid Reviews within 15 working days", str(table.rapid_reviews_on_time)),
        ("CSPRs published within 6 months", str(table.csprs_on_time)),
    ]
    return rows


@capability_required(Cap.VIEW_OVERSIGHT)
def oversight_csv(request: HttpRequest) -> HttpResponseBase:
    """The same figures as a spreadsheet: the whole period, then one column per reporting year.
    Counts only, as on the page."""
    form, start, end = _period(request)
    if form.is_bound and not form.is_valid():
        return oversight(request)
    whole = _rows(oversight_between(start, end))
    years = oversight_by_year(start, end)
    by_year = [_rows(y.table) for y in years]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="serious-incidents-oversight-{start:%Y-%m-%d}-to-{end:%Y-%m-%d}.csv"'
    )
    writer = csv.writer(response)
    period = f"{start.day} {start:%B %Y} to {end.day} {end:%B %Y}"
    writer.writerow(["Measure", period, *(y.label for y in years)])
    for index, (measure, value) in enumerate(whole):
        writer.writerow([measure, value, *(rows[index][1] for rows in by_year)])
    return response


class LearningSearchForm(GovukForm):
    theme = forms.ModelChoiceField(
        label="Theme",
        queryset=Theme.objects.order_by("name"),
        required=False,
        empty_label="Any theme",
        error_messages={"invalid_choice": "Choose a theme from the list"},
    )
    words = forms.CharField(
        label="Words", required=False, max_length=200, help_text="For example, bruising"
    )


@capability_required(Cap.VIEW_LEARNING)
def learning(request: HttpRequest) -> HttpResponse:
    form = LearningSearchForm(request.GET or None)
    sheets = learning_selectors.published_sheets()
    searching = form.is_bound and form.is_valid() and any(form.cleaned_data.values())
    if searching:
        theme = form.cleaned_data["theme"]
        sheets = learning_selectors.search_sheets(
            theme_id=theme.pk if theme else None, words=form.cleaned_data["words"] or ""
        )
    years, themes = learning_selectors.theme_counts_by_year()
    names, counts = [name for name, _ in themes], [row for _, row in themes]
    return render(
        request,
        "reviews/learning.html",
        {
            "sheets": sheets,
            "form": form,
            "searching": searching,
            "theme_years": years,
            "theme_counts": themes,
            "theme_chart": (
                charts.data_uri(charts.theme_chart(themes=names, years=years, counts=counts))
                if themes
                else ""
            ),
            "theme_chart_alt": charts.describe_themes(themes=names, years=years, counts=counts),
            "can_manage": policies.can(request.user, Cap.MANAGE),
            "active_themes": learning_selectors.active_themes(),
        },
    )


urlpatterns = [
    path("oversight", oversight, name="oversight"),
    path("oversight.csv", oversight_csv, name="oversight_csv"),
    path("learning", learning, name="learning"),
]
