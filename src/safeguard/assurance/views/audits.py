"""Multi-agency case audit pages: the programme, planning an audit and writing its tool, an
audit (sample, moderation, findings and actions), one case (an audited read of a child), the
practitioner questionnaire and the report (cases by number, charts with their tables)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone

from safeguard.assurance import charts, policies, rules
from safeguard.assurance.forms import (
    AuditForm,
    ChildSearchForm,
    FindingForm,
    QuestionnaireForm,
    ReviewActionForm,
    ScaleForm,
    ToolForm,
    case_answer_form,
    moderation_form,
    place_errors,
)
from safeguard.assurance.models import Finding
from safeguard.assurance.policies import Cap
from safeguard.assurance.selectors import audits as selectors
from safeguard.assurance.selectors import escalations as child_index
from safeguard.assurance.services import audits as services
from safeguard.assurance.services import scales as scale_services
from safeguard.core.http import capability_required
from safeguard.governance import policies as action_policies
from safeguard.governance.selectors.actions import actions_of_source


@capability_required(Cap.AUDIT)
def audits(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "assurance/audits.html",
        {
            "audits": selectors.audits_for(actor=request.user),
            "tools": selectors.tools() if policies.manages(request.user) else [],
            "manages": policies.manages(request.user),
        },
    )


@capability_required(Cap.MANAGE)
def scales(request: HttpRequest) -> HttpResponse:
    """Every version of every grading scale, with its grades, wording and good-enough line."""
    scale_services.ofsted_scale()
    rows = [(scale, scale.rule()) for scale in selectors.scales()]
    return render(request, "assurance/scales.html", {"rows": rows})


@capability_required(Cap.MANAGE)
def scale_new(request: HttpRequest) -> HttpResponse:
    """A new scale, or a new version of one (``?from=<id>`` starts from that version)."""
    initial: dict[str, Any] = {}
    start = (
        selectors.scales().filter(pk=request.GET.get("from", "")).first()
        if (request.GET.get("from", "").isdigit())
        else None
    )
    if start is not None:
        rule = start.rule()
        initial = {
            "name": start.name,
            "grades": rules.scale_text(rule),
            "lowest_good_enough": rule.lowest_good_enough.label,
        }
    form = ScaleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            scale = scale_services.scale_save(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            place_errors(form, error)
        else:
            messages.success(request, f"{scale.name}, version {scale.version}, saved")
            return redirect("assurance:scales")
    return render(
        request,
        "assurance/form.html",
        {
            "form": form,
            "title": "Write a grading scale",
            "button": "Save as a new version",
            "back": "assurance:scales",
        },
        status=400 if request.method == "POST" else 200,
    )


@capability_required(Cap.MANAGE)
def tool_new(request: HttpRequest) -> HttpResponse:
    form = ToolForm(request.POST or None, scales=scale_services.latest_scales())
    if request.method == "POST" and form.is_valid():
        try:
            tool = services.tool_save(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            place_errors(form, error)
        else:
            messages.success(request, f"{tool.title}, version {tool.version}, saved")
            return redirect("assurance:audits")
    return render(
        request,
        "assurance/form.html",
        {
            "form": form,
            "title": "Write an audit tool",
            "button": "Save as a new version",
            "back": "assurance:audits",
        },
        status=400 if request.method == "POST" else 200,
    )


@capability_required(Cap.MANAGE)
def audit_new(request: HttpRequest) -> HttpResponse:
    form = AuditForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            audit = services.audit_plan(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            place_errors(form, error)
        else:
            messages.success(request, "Audit planned: add the sample of cases")
            return redirect("assurance:audit", pk=audit.pk)
    return render(
        request,
        "assurance/form.html",
        {
            "form": form,
            "title": "Plan a multi-agency case audit",
            "button": "Plan the audit",
            "back": "assurance:audits",
        },
        status=400 if request.method == "POST" else 200,
    )


@capability_required(Cap.AUDIT)
def audit(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.audit_for(actor=request.user, pk=pk)
    runs = policies.can_run_audit(request.user, found)
    step = request.POST.get("step", "")
    cases = list(found.cases.all())
    scale = services.scale_of(found)
    search = ChildSearchForm(request.GET if runs and "surname" in request.GET else None)
    children: list[Any] = []
    if search.is_bound and search.is_valid():
        children = child_index.children_search(
            actor=request.user,
            forename=search.cleaned_data["forename"],
            surname=search.cleaned_data["surname"],
            dob=search.cleaned_data["dob"],
        )
    moderation = moderation_form(cases, scale, request.POST if step == "moderate" else None)
    finding = FindingForm(request.POST if step == "finding" else None, scale=scale)
    errors_on: Any = None
    if request.method == "POST":
        if not runs:
            raise Http404
        try:
            if step == "case":
                pupil = child_index.pupil_for(actor=request.user, pk=request.POST.get("child", ""))
                services.case_add(actor=request.user, audit=found, pupil=pupil)
                messages.success(request, "Case added to the sample")
                return redirect("assurance:audit", pk=found.pk)
            if step == "moderate" and moderation.is_valid():
                data = moderation.cleaned_data
                services.audit_moderate(
                    actor=request.user,
                    audit=found,
                    notes=data["notes"],
                    agreed={c.pk: data[f"agreed_{c.pk}"] for c in cases},
                )
                messages.success(request, "Moderation recorded")
                return redirect("assurance:audit", pk=found.pk)
            if step == "finding" and finding.is_valid():
                services.finding_add(actor=request.user, audit=found, **finding.cleaned_data)
                messages.success(request, "Finding recorded")
                return redirect("assurance:audit", pk=found.pk)
        except ValidationError as error:
            errors_on = error
            place_errors(finding if step == "finding" else moderation, error)
    return render(
        request,
        "assurance/audit.html",
        {
            "audit": found,
            "scale": scale,
            "cases": cases,
            "runs": runs,
            "search": search,
            "children": children,
            "moderation": moderation if runs and found.status == "auditing" and cases else None,
            "finding": finding if runs and found.status != "auditing" else None,
            "findings": found.findings.all(),
            "actions": actions_of_source(
                source_kind=services.SOURCE_KIND, source_ids=[str(found.pk)]
            ),
            "may_open_actions": action_policies.may_open_action_pages(request.user),
            "agencies": found.agencies.order_by("name"),
            "case_error": errors_on.message_dict.get("child")
            if errors_on and step == "case"
            else None,
        },
        status=400 if request.method == "POST" else 200,
    )


@capability_required(Cap.AUDIT)
def audit_case(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for(actor=request.user, pk=pk)
    questions = case.audit.tool.questions
    answers = selectors.answers_of(case)
    may_answer = policies.can_answer_case(request.user, case)
    mine = {
        a.question: a
        for a in answers
        if a.organisation_id == getattr(request.user, "organisation_id", None)
    }
    initial = {f"grade_{n}": a.grade for n, a in mine.items()} | {
        f"comment_{n}": a.comment for n, a in mine.items()
    }
    scale = services.scale_of(case.audit)
    form = case_answer_form(questions, scale, request.POST or None, initial=initial)
    if request.method == "POST":
        if not may_answer:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.case_answer(
                    actor=request.user,
                    case=case,
                    answers={
                        n: (data[f"grade_{n}"], data[f"comment_{n}"])
                        for n in range(1, len(questions) + 1)
                    },
                )
            except ValidationError as error:
                place_errors(form, error)
            else:
                messages.success(
                    request, f"Your agency's answers on {rules.case_label(case.number)} are saved"
                )
                return redirect("assurance:audit", pk=case.audit_id)
    by_agency: dict[str, list[Any]] = {}
    for answer in answers:
        by_agency.setdefault(answer.organisation.name, []).append(answer)
    return render(
        request,
        "assurance/audit_case.html",
        {
            "case": case,
            "label": rules.case_label(case.number),
            "form": form if may_answer else None,
            "by_agency": by_agency,
            "questions": questions,
            "scale": scale,
        },
        status=400 if request.method == "POST" else 200,
    )


@capability_required(Cap.AUDIT)
def audit_questionnaire(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.audit_for(actor=request.user, pk=pk)
    if policies.manages(request.user):
        raise Http404  # the questionnaire is the practitioners'
    form = QuestionnaireForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.questionnaire_answer(actor=request.user, audit=found, **form.cleaned_data)
        except ValidationError as error:
            place_errors(form, error)
        else:
            messages.success(request, "Thank you: your answers are recorded without your name")
            return redirect("assurance:audit", pk=found.pk)
    return render(
        request,
        "assurance/form.html",
        {
            "form": form,
            "title": f"Practitioner questionnaire: {found.title}",
            "button": "Send your answers",
            "back_url": f"/assurance/audits/{found.pk}",
        },
        status=400 if request.method == "POST" else 200,
    )


@capability_required(Cap.MANAGE)
def finding_action(request: HttpRequest, pk: int) -> HttpResponse:
    finding = Finding.objects.select_related("audit").filter(pk=pk).first()
    if finding is None:
        raise Http404
    form = ReviewActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.finding_action_add(
                actor=request.user,
                finding=finding,
                title=data["title"],
                owner=data["owner"],
                due_on=data["due_on"],
            )
        except ValidationError as error:
            place_errors(form, error)
        else:
            messages.success(request, "Action added to the partnership action plan")
            return redirect("assurance:audit", pk=finding.audit_id)
    return render(
        request,
        "assurance/form.html",
        {
            "form": form,
            "title": "Add an action from the finding",
            "button": "Add the action",
            "back_url": f"/assurance/audits/{finding.audit_id}",
        },
        status=400 if request.method == "POST" else 200,
    )


@capability_required(Cap.AUDIT)
def audit_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The audit's report: grades and findings, cases by number, no child's identity."""
    found = selectors.audit_for(actor=request.user, pk=pk)
    report = selectors.report_of(found)
    agreed_rows = report.agreed_rows
    title = "Agreed grades of the cases"
    return render(
        request,
        "assurance/audit_report.html",
        {
            "audit": found,
            "report": report,
            "scale": report.scale,
            "scale_name": str(found.tool.scale),
            "grades": report.scale.labels,
            "agreed_rows": agreed_rows,
            "chart": charts.data_uri(charts.bar_chart(rows=agreed_rows, title=title)),
            "alt": charts.describe(rows=agreed_rows, title=title),
            "findings": found.findings.all(),
            "cases": found.cases.order_by("number"),
        },
    )


urlpatterns = [
    path("audits", audits, name="audits"),
    path("audits/new", audit_new, name="audit_new"),
    path("audits/tools/new", tool_new, name="tool_new"),
    path("audits/scales", scales, name="scales"),
    path("audits/scales/new", scale_new, name="scale_new"),
    path("audits/<int:pk>", audit, name="audit"),
    path("audits/<int:pk>/report", audit_report, name="audit_report"),
    path("audits/<int:pk>/questionnaire", audit_questionnaire, name="audit_questionnaire"),
    path("audits/cases/<int:pk>", audit_case, name="audit_case"),
    path("audits/findings/<int:pk>/action", finding_action, name="finding_action"),
]
