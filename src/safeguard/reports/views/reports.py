"""The report pages: the list, starting a report, the draft with its figures' links, the
published public version, publishing, and the PDF (built in the background)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from safeguard.core import audit
from safeguard.core.clock import london_date
from safeguard.core.http import capability_required
from safeguard.core.models import Job, JobState
from safeguard.core.models.audit import AuditAction
from safeguard.core.services import jobs
from safeguard.reports import policies, tasks
from safeguard.reports.forms import ReportForm
from safeguard.reports.policies import Cap
from safeguard.reports.selectors import contents
from safeguard.reports.selectors import reports as selectors
from safeguard.reports.services import builds, narratives, word
from safeguard.reports.services import reports as services
from safeguard.reports.services._common import REPORT


def _add_errors(form: ReportForm, error: ValidationError) -> None:
    for name, problems in error.message_dict.items():
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem)


@capability_required(Cap.READ_PUBLISHED)
def report_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reports/list.html",
        {
            "reports": selectors.reports_for(actor=request.user),
            "may_view": policies.may_view(request.user),
            "may_manage": policies.may_manage(request.user),
        },
    )


@capability_required(Cap.MANAGE)
def report_add(request: HttpRequest) -> HttpResponse:
    form = ReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Report started. Write its sections.")
            return redirect("reports:report", pk=report.pk)
    return render(request, "reports/form.html", {"form": form, "title": "Start an annual report"})


@capability_required(Cap.VIEW)
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft as it stands: narratives with their state, every table counted now."""
    report = selectors.report_for(actor=request.user, pk=pk)
    shown = contents.build(report, actor=request.user, public=False)
    narratives = selectors.narratives_of(report)
    statuses = [n.status for n in narratives]
    return render(
        request,
        "reports/report.html",
        {
            "report": report,
            "contents": shown,
            "body": contents.render_body(shown),
            "narratives": narratives,
            "may_publish": policies.may_publish(request.user, report, statuses),
            "may_manage": policies.may_manage(request.user),
        },
    )


@capability_required(Cap.READ_PUBLISHED)
def report_published(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.published_for(actor=request.user, pk=pk)
    return render(request, "reports/published.html", {"report": report})


@capability_required(Cap.MANAGE)
@require_POST
def report_publish(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_for(actor=request.user, pk=pk)
    try:
        services.report_publish(actor=request.user, report=report)
    except ValidationError as error:
        for problems in error.message_dict.values():
            for problem in problems:
                messages.error(request, problem)
        return redirect("reports:report", pk=report.pk)
    messages.success(request, "The report is published.")
    return redirect("reports:published", pk=report.pk)


@capability_required(Cap.READ_PUBLISHED)
@require_POST
def pdf_start(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue the PDF (the draft for those who see drafts, else the public version)."""
    public = request.POST.get("version") == "public"
    if public:
        report = selectors.published_for(actor=request.user, pk=pk)
    else:
        report = selectors.report_for(actor=request.user, pk=pk)
    job = jobs.job_start(
        actor=request.user,
        kind=builds.BUILD_JOB,
        task=tasks.report_pdf,
        task_kwargs={"report_id": report.pk, "public": public},
    )
    return redirect("core:job", pk=job.pk)


@capability_required(Cap.READ_PUBLISHED)
def pdf_file(request: HttpRequest, pk: int) -> FileResponse:
    found = Job.objects.filter(
        pk=pk, kind=builds.BUILD_JOB, started_by_id=request.user.pk, state=JobState.SUCCEEDED
    ).first()
    if found is None or not builds.build_file(found.pk).is_file():
        audit.record(
            action=AuditAction.DENIED,
            record_type="core.job",
            record_id=pk,
            actor=request.user,
            detail="report PDF not found or not the person's",
        )
        raise Http404("No such download")
    audit.record(
        action=AuditAction.EXPORT,
        record_type="reports.report_pdf",
        record_id=found.pk,
        actor=request.user,
        detail="public" if found.result.get("public") else "draft",
    )
    return FileResponse(
        builds.build_file(found.pk).open("rb"),
        as_attachment=True,
        filename=f"annual-report-{found.created_at:%Y-%m-%d}.pdf",
        content_type="application/pdf",
    )


@capability_required(Cap.VIEW)
def narrative_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """The narrative sections as a Word document, for those who see the draft (audited)."""
    report = selectors.report_for(actor=request.user, pk=pk)
    data = word.narrative_docx(
        report=report,
        narratives=selectors.narratives_of(report),
        partners=narratives.statutory_partners(),
        on=london_date(timezone.now()),
    )
    audit.record(
        action=AuditAction.EXPORT,
        record_type=REPORT,
        record_id=report.pk,
        actor=request.user,
        detail="narrative sections as Word",
    )
    response = HttpResponse(data, content_type=word.CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="annual-report-{report.pk}-narrative.docx"'
    )
    return response


urlpatterns = [
    path("", report_list, name="list"),
    path("add", report_add, name="add"),
    path("<int:pk>", report_detail, name="report"),
    path("<int:pk>/published", report_published, name="published"),
    path("<int:pk>/publish", report_publish, name="publish"),
    path("<int:pk>/pdf", pdf_start, name="pdf_start"),
    path("pdf/<int:pk>", pdf_file, name="pdf_file"),
    path("<int:pk>/narrative.docx", narrative_docx, name="narrative_docx"),
]
