"""The published annual report for everyone, signed in or not, at a stable address:
``/reports/public/`` lists what is published, ``/reports/public/<id>`` is the public version as
it was frozen at publication, ``/reports/public/<id>/report.pdf`` its PDF.

Only a published report answers; a draft (or an address that never was a report) answers 404,
the same, so nobody learns from the address which drafts exist. What is shown is
``Report.published_html``: made at publication by the public build (small numbers withheld,
percentages made from them too, no figure links, no names of people), never the draft. The
PDF is the one made in the background at publication (``builds.public_pdf_job``); until it is
ready the address says so rather than making one per visitor. These pages hold no personal
data, so reading them is not audited (every refusal of the signed-in pages still is).
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import path

from safeguard.core.http import public
from safeguard.reports.models import Report
from safeguard.reports.selectors import reports as selectors
from safeguard.reports.services import builds


def _published(pk: int) -> Report:
    found = selectors.published_report(pk=pk)
    if found is None:
        raise Http404("No such published report")
    return found


@public
def public_list(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/public_list.html", {"reports": selectors.published_reports()})


@public
def public_report(request: HttpRequest, pk: int) -> HttpResponse:
    report = _published(pk)
    return render(
        request,
        "reports/public_report.html",
        {"report": report, "pdf_ready": builds.public_pdf_file(report.pk).is_file()},
    )


@public
def public_pdf(request: HttpRequest, pk: int) -> HttpResponseBase:
    report = _published(pk)
    found = builds.public_pdf_file(report.pk)
    if not found.is_file():
        return render(request, "reports/public_pdf_pending.html", {"report": report}, status=404)
    return FileResponse(
        found.open("rb"),
        filename=f"annual-report-{report.period_start:%Y}-to-{report.period_end:%Y}.pdf",
        content_type="application/pdf",
    )


urlpatterns = [
    path("public/", public_list, name="public_list"),
    path("public/<int:pk>", public_report, name="public_report"),
    path("public/<int:pk>/report.pdf", public_pdf, name="public_pdf"),
]
