"""Exceptions: the list, one exception with its explanation and the PMSG's view."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from safeguard.core.http import capability_required
from safeguard.performance import analysis, periods, policies, selectors, spc
from safeguard.performance.forms import CloseForm, ExplainForm, add_service_errors
from safeguard.performance.models import IndicatorException
from safeguard.performance.services.exceptions import exception_close, exception_explain


@capability_required(policies.VIEW)
def exceptions(request: HttpRequest) -> HttpResponse:
    """Every exception; ``?state=open&mine=1`` (the home page's link) those awaiting an
    explanation from the person's organisation."""
    awaiting = request.GET.get("state") == "open"
    mine = request.GET.get("mine") == "1"
    found = selectors.exceptions(actor=request.user, awaiting=awaiting, mine=mine)
    return render(
        request,
        "performance/exceptions.html",
        {"exceptions": found, "filtered": awaiting or mine, "awaiting": awaiting, "mine": mine},
    )


def _found(request: HttpRequest, pk: int) -> IndicatorException:
    exception = selectors.exception_detail(actor=request.user, pk=pk)
    if exception is None:
        raise Http404
    return exception


def _page(
    request: HttpRequest,
    exception: IndicatorException,
    explain: ExplainForm | None = None,
    close: CloseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    causes = {c.value: c for c in spc.SpecialCause}
    cause = causes.get(exception.special_cause)
    return render(
        request,
        "performance/exception.html",
        {
            "exception": exception,
            "period": periods.label(exception.period_start, exception.indicator.frequency),
            "cause": analysis.CAUSE_LABELS[cause] if cause else exception.special_cause,
            "explain_form": explain or ExplainForm(initial={"explanation": exception.explanation}),
            "close_form": close or CloseForm(),
            "can_explain": policies.can_explain(request.user, exception),
            "can_close": policies.can_close(request.user, exception),
        },
        status=status,
    )


@capability_required(policies.VIEW)
def exception_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _found(request, pk))


@capability_required(policies.SUBMIT_RETURN)
@require_POST
def exception_explain_view(request: HttpRequest, pk: int) -> HttpResponse:
    exception = _found(request, pk)
    if not policies.can_explain(request.user, exception):
        raise PermissionDenied
    form = ExplainForm(request.POST)
    if form.is_valid():
        try:
            exception_explain(
                actor=request.user,
                exception=exception,
                explanation=form.cleaned_data["explanation"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Explanation saved for the PMSG")
            return redirect("performance:exception_detail", pk=exception.pk)
    return _page(request, exception, explain=form, status=400)


@capability_required(policies.MANAGE)
@require_POST
def exception_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    exception = _found(request, pk)
    if not policies.can_close(request.user, exception):
        raise PermissionDenied
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            exception_close(
                actor=request.user, exception=exception, pmsg_view=form.cleaned_data["pmsg_view"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Exception closed with the PMSG's view")
            return redirect("performance:exception_detail", pk=exception.pk)
    return _page(request, exception, close=form, status=400)


urlpatterns = [
    path("exceptions", exceptions, name="exceptions"),
    path("exceptions/<int:pk>", exception_detail, name="exception_detail"),
    path("exceptions/<int:pk>/explain", exception_explain_view, name="exception_explain"),
    path("exceptions/<int:pk>/close", exception_close_view, name="exception_close"),
]
