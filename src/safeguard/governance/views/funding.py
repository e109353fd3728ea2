"""The funding page: each partner's contribution by financial year, with a chart and its table,
and the Business Unit's form to record one."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from safeguard.core import svg_charts
from safeguard.core.http import capability_required
from safeguard.governance import policies
from safeguard.governance.forms import FundingForm, add_service_errors
from safeguard.governance.policies import FundingCap
from safeguard.governance.selectors import funding as selectors
from safeguard.governance.services import funding as services


def _chart(table: selectors.FundingTable) -> str:
    series = [(row.partner, [float(a or 0) for a in row.amounts]) for row in table.rows]
    return svg_charts.bar_chart(categories=list(table.labels), series=series, stacked=True)


@capability_required(FundingCap.VIEW)
def funding(request: HttpRequest) -> HttpResponse:
    table = selectors.funding_table(selectors.recorded_years())
    return render(
        request,
        "governance/funding.html",
        {
            "table": table,
            "chart": _chart(table) if table.rows else "",
            "may_manage": policies.may_manage_funding(request.user),
        },
    )


@capability_required(FundingCap.MANAGE)
def funding_add(request: HttpRequest) -> HttpResponse:
    form = FundingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.funding_record(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Contribution recorded.")
            return redirect("governance:funding")
    return render(
        request,
        "governance/form.html",
        {
            "form": form,
            "title": "Record a partner's contribution",
            "button": "Save the contribution",
            "back": "governance:funding",
        },
    )


urlpatterns = [
    path("funding", funding, name="funding"),
    path("funding/add", funding_add, name="funding_add"),
]
