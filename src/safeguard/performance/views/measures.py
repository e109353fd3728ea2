"""The measures of Safeguard's records (ADR 0014): create an indicator from one, link an existing
indicator to one, and "Count now". The Business Unit's, as the rest of the catalogue."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from safeguard.core import measures
from safeguard.core.http import capability_required
from safeguard.core.services import jobs
from safeguard.performance import policies, selectors, tasks
from safeguard.performance.forms import MeasureIndicatorForm, MeasureLinkForm, add_service_errors
from safeguard.performance.models import Frequency, Indicator, Polarity, Theme, Unit
from safeguard.performance.services import catalogue, counting


def _measure(key: str) -> measures.Measure:
    found = measures.get(key)
    if found is None:
        raise Http404("No such measure")
    return found


def _module(key: str) -> str:
    """The module a measure comes from, in words: its app's name ("Child deaths")."""
    label = key.split(".", 1)[0]
    try:
        return str(apps.get_app_config(label).verbose_name)
    except LookupError:  # a measure of a module not installed as an app (a test's)
        return label.replace("_", " ").capitalize()


def described(measure: measures.Measure) -> dict[str, Any]:
    """A measure as the pages show it: labels, never the registry's codes."""
    return {
        "measure": measure,
        "module": _module(measure.key),
        "unit": Unit(measure.unit).label,
        "polarity": Polarity(measure.polarity).label,
        "theme": Theme(measure.theme).label,
        "frequencies": ", ".join(Frequency(f).label for f in measure.frequencies),
    }


def _linkable(actor: Any, measure: measures.Measure) -> QuerySet[Indicator]:
    """Indicators that could be counted by this measure: its unit, one of its frequencies, no
    census definition and no measure yet."""
    return (
        selectors.indicators(actor=actor, include_inactive=True)
        .filter(
            unit=measure.unit,
            frequency__in=measure.frequencies,
            census_key="",
            measure_key="",
        )
        .order_by("name")
    )


@capability_required(policies.MANAGE)
def measure_list(request: HttpRequest) -> HttpResponse:
    linked: dict[str, list[Indicator]] = defaultdict(list)
    for indicator in (
        selectors.indicators(actor=request.user, include_inactive=True)
        .exclude(measure_key="")
        .order_by("name")
    ):
        linked[indicator.measure_key].append(indicator)
    rows = [{**described(m), "linked": linked.get(m.key, [])} for m in measures.all_measures()]
    return render(
        request,
        "performance/measures.html",
        {"rows": rows, "any_linked": any(linked.values())},
    )


@capability_required(policies.MANAGE)
def measure_indicator_create(request: HttpRequest, key: str) -> HttpResponse:
    measure = _measure(key)
    form = MeasureIndicatorForm(request.POST or None, measure=measure)
    if request.method == "POST" and form.is_valid():
        try:
            indicator = catalogue.indicator_create(
                actor=request.user,
                unit=measure.unit,
                measure_key=measure.key,
                active=True,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            job = _count_start(actor=request.user, indicator=indicator)
            messages.success(request, "Indicator added: its values are being counted")
            return redirect("core:job", pk=job.pk)
    return render(
        request, "performance/measure_indicator_form.html", {"form": form, **described(measure)}
    )


@capability_required(policies.MANAGE)
def measure_link(request: HttpRequest, key: str) -> HttpResponse:
    measure = _measure(key)
    candidates = _linkable(request.user, measure)
    form = MeasureLinkForm(request.POST or None, indicators=candidates)
    if request.method == "POST" and form.is_valid():
        indicator = form.cleaned_data["indicator"]
        try:
            catalogue.indicator_update(
                actor=request.user, indicator=indicator, measure_key=measure.key
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            job = _count_start(actor=request.user, indicator=indicator)
            messages.success(request, "Indicator linked: its values are being counted")
            return redirect("core:job", pk=job.pk)
    return render(
        request,
        "performance/measure_link.html",
        {"form": form, "has_candidates": candidates.exists(), **described(measure)},
    )


@capability_required(policies.MANAGE)
@require_POST
def indicator_count(request: HttpRequest, pk: int) -> HttpResponse:
    """Count now: one linked indicator, in the background, watched on the job page."""
    indicator = (
        selectors.indicators(actor=request.user, include_inactive=True)
        .exclude(measure_key="")
        .filter(pk=pk)
        .first()
    )
    if indicator is None:
        raise Http404
    job = _count_start(actor=request.user, indicator=indicator)
    return redirect("core:job", pk=job.pk)


@capability_required(policies.MANAGE)
@require_POST
def measures_count(request: HttpRequest) -> HttpResponse:
    """Count now: every active linked indicator."""
    job = _count_start(actor=request.user)
    return redirect("core:job", pk=job.pk)


urlpatterns = [
    path("measures", measure_list, name="measures"),
    path("measures/count", measures_count, name="measures_count"),
    path("measures/<str:key>/add", measure_indicator_create, name="measure_indicator_create"),
    path("measures/<str:key>/link", measure_link, name="measure_link"),
    path("indicators/<int:pk>/count", indicator_count, name="indicator_count"),
]


def _count_start(*, actor: Any, indicator: Indicator | None = None) -> Any:
    """Queue "Count now" for one indicator, or for every linked one; the job page shows it."""
    if not policies.can_manage(actor):
        raise PermissionDenied
    ids = [indicator.pk] if indicator is not None else [i.pk for i in counting.linked_indicators()]
    return jobs.job_start(
        actor=actor,
        kind=counting.COUNT_JOB,
        task=tasks.measures_count_job,
        task_kwargs={"indicator_ids": ids},
        view_capability=policies.MANAGE,
    )
