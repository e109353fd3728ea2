"""Learning sheets (page and PDF), their dissemination, and the list of themes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path

from safeguard.core import audit
from safeguard.core import themes as kernel_themes
from safeguard.core.http import capability_required
from safeguard.core.models.audit import AuditAction
from safeguard.reviews import policies
from safeguard.reviews.forms import (
    DisseminationForm,
    LearningSheetForm,
    ThemeForm,
    add_service_errors,
)
from safeguard.reviews.models import LearningSheet, Theme
from safeguard.reviews.policies import Cap
from safeguard.reviews.selectors import cases as case_selectors
from safeguard.reviews.selectors import learning as learning_selectors
from safeguard.reviews.services import learning as services


def _sheet_context(request: HttpRequest, sheet: LearningSheet) -> dict[str, Any]:
    return {
        "sheet": sheet,
        "themes": list(sheet.themes.all()),
        "disseminations": list(sheet.disseminations.all()),
        "can_manage": policies.can(request.user, Cap.MANAGE),
    }


@capability_required(Cap.VIEW_LEARNING)
def learning_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = learning_selectors.sheet_for(actor=request.user, pk=pk)
    return render(request, "reviews/learning_sheet.html", _sheet_context(request, sheet))


@capability_required(Cap.VIEW_LEARNING)
def learning_sheet_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from weasyprint import HTML

    sheet = learning_selectors.sheet_for(actor=request.user, pk=pk)
    html = render_to_string(
        "reviews/learning_sheet_print.html", _sheet_context(request, sheet), request=request
    )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    audit.record(
        action=AuditAction.EXPORT,
        record_type=services.SHEET,
        record_id=sheet.pk,
        actor=request.user,
        detail="learning sheet PDF",
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="learning-sheet-{sheet.pk}.pdf"'
    return response


@capability_required(Cap.MANAGE)
def learning_sheet_edit(request: HttpRequest, pk: int) -> HttpResponse:
    incident = case_selectors.case_for(actor=request.user, pk=pk)
    if not policies.can_manage(request.user, incident):
        raise Http404
    sheet = LearningSheet.objects.filter(incident=incident).first()
    initial = None
    if sheet is not None:
        initial = {
            "title": sheet.title,
            "what_happened": sheet.what_happened,
            "good_practice": sheet.good_practice,
            "learning": sheet.learning,
            "do_differently": sheet.do_differently,
            "themes": list(sheet.themes.all()),
        }
    form = LearningSheetForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            sheet = services.learning_sheet_save(
                actor=request.user, incident=incident, **form.cleaned_data
            )
            if request.POST.get("action") == "publish":
                services.learning_sheet_publish(actor=request.user, sheet=sheet)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Learning sheet saved")
            return redirect("reviews:learning_sheet", pk=sheet.pk)
    return render(
        request,
        "reviews/learning_sheet_form.html",
        {"form": form, "incident": incident, "sheet": sheet},
    )


@capability_required(Cap.MANAGE)
def dissemination_add(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = learning_selectors.sheet_for(actor=request.user, pk=pk)
    form = DisseminationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.dissemination_add(actor=request.user, sheet=sheet, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Dissemination recorded")
            return redirect("reviews:learning_sheet", pk=sheet.pk)
    return render(request, "reviews/dissemination_form.html", {"form": form, "sheet": sheet})


@capability_required(Cap.MANAGE)
def themes(request: HttpRequest) -> HttpResponse:
    form = ThemeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        toggle = request.POST.get("toggle")
        if toggle:
            theme = Theme.objects.filter(pk=toggle).first()
            if theme is None:
                raise Http404
            services.theme_set_active(actor=request.user, theme=theme, active=not theme.active)
            return redirect("reviews:themes")
        if form.is_valid():
            try:
                services.theme_add(actor=request.user, name=form.cleaned_data["name"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Theme added")
                return redirect("reviews:themes")
    return render(
        request, "reviews/themes.html", {"form": form, "themes": list(Theme.objects.all())}
    )


@capability_required(Cap.VIEW_LEARNING)
def theme(request: HttpRequest, pk: int) -> HttpResponse:
    """A theme of learning and what addresses it: the courses that name it (training, through
    the kernel's ``themes.offers_for``) and the published learning sheets tagged with it."""
    found = Theme.objects.filter(pk=pk).first()
    if found is None:
        raise Http404
    offers = kernel_themes.offers_for(found.name, request.user)
    return render(
        request,
        "reviews/theme.html",
        {
            "theme": found,
            "courses": offers.get("training", []),
            "sheets": learning_selectors.search_sheets(theme_id=found.pk, words=""),
        },
    )


urlpatterns = [
    path("learning/<int:pk>", learning_sheet, name="learning_sheet"),
    path("learning/<int:pk>.pdf", learning_sheet_pdf, name="learning_sheet_pdf"),
    path("learning/<int:pk>/dissemination/add", dissemination_add, name="dissemination_add"),
    path("cases/<int:pk>/learning-sheet", learning_sheet_edit, name="learning_sheet_edit"),
    path("themes", themes, name="themes"),
    path("learning/themes/<int:pk>", theme, name="theme"),
]
