"""The matching model pages: read the numbers, change them, restore an earlier version.

Thin: parse, call a selector or a service, render. Changing and restoring ask for the second
factor again (``@sensitive``): they decide which school hears about a child.
"""

from __future__ import annotations

import math
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from safeguard.children import linkage, policies, selectors, services
from safeguard.children.forms import MatchModelForm, RestoreForm
from safeguard.children.policies import Cap
from safeguard.core.http import capability_required, sensitive


def _weight(m: float, u: float) -> str:
    """The match weight log2(m/u), signed with a true minus sign as GOV.UK style asks."""
    value = math.log2(m / u)
    return f"{value:+.2f}".replace("-", "\u2212")


def _rows(model: linkage.MatchModel) -> list[dict[str, Any]]:
    return [
        {
            "comparison": comparison,
            "levels": [
                {"name": level, "m": p.m, "u": p.u, "weight": _weight(p.m, p.u)}
                for level, p in levels.items()
            ],
        }
        for comparison, levels in model.comparisons.items()
    ]


DECISION_LABELS = {
    linkage.AUTOMATIC: "Matched automatically",
    linkage.REVIEW: "Sent to a person to review",
    linkage.NONE: "Not found on a roll",
}


def _training(version: Any) -> dict[str, Any] | None:
    """What the training that made ``version`` changed: m, u and weight per level before and
    after, and how the training children were decided under the thresholds before and after."""
    report = getattr(version, "training", None) or {}
    if not report:
        return None
    levels = [
        {
            "comparison": row["comparison"],
            "level": row["level"],
            "m_before": row["m_before"],
            "m_after": row["m_after"],
            "u_before": row["u_before"],
            "u_after": row["u_after"],
            "weight_before": _weight(row["m_before"], row["u_before"]),
            "weight_after": _weight(row["m_after"], row["u_after"]),
            "changed": (row["m_before"], row["u_before"]) != (row["m_after"], row["u_after"]),
        }
        for row in report.get("levels", [])
    ]
    decisions = [
        {
            "label": label,
            "before": report.get("decisions_before", {}).get(decision, 0),
            "after": report.get("decisions_after", {}).get(decision, 0),
            "without_school": report.get("decisions_after_without_school", {}).get(decision, 0),
        }
        for decision, label in DECISION_LABELS.items()
    ]
    return {
        "version": version,
        "children": report.get("children", 0),
        "roll": report.get("roll", 0),
        "levels": levels,
        "decisions": decisions,
        "children_with_school": report.get("children_with_school", 0),
        "compared_without_school": bool(report.get("decisions_after_without_school")),
    }


def _form_errors(form: Any, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        for problem in problems:
            form.add_error(None if field == "__all__" else field, problem)


@capability_required(Cap.VIEW_MATCH_MODEL)
def match_model(request: HttpRequest) -> HttpResponse:
    model = selectors.active_match_model()
    return render(
        request,
        "children/match_model.html",
        {
            "model": model,
            "comparisons": _rows(model),
            "active": selectors.active_version(),
            "versions": selectors.match_model_versions(actor=request.user)[:50],
            "training": _training(selectors.latest_trained_version(actor=request.user)),
            "can_manage": policies.can_manage_match_model(request.user),
        },
    )


@capability_required(Cap.MANAGE_MATCH_MODEL)
@sensitive
def match_model_change(request: HttpRequest) -> HttpResponse:
    form = MatchModelForm(request.POST or None, model=selectors.active_match_model())
    if request.method == "POST" and form.is_valid():
        try:
            version = services.match_model_save(
                actor=request.user, model=form.match_model(), note=form.cleaned_data["note"]
            )
        except ValueError as error:  # MatchModel's own validation, should the form miss one
            form.add_error(None, f"The model is not valid: {error}")
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"Version {version.pk} of the matching model is now in use")
            return redirect("children:match_model")
    return render(request, "children/match_model_change.html", {"form": form})


@capability_required(Cap.MANAGE_MATCH_MODEL)
@sensitive
def match_model_restore(request: HttpRequest, pk: int) -> HttpResponse:
    version = selectors.match_model_version(actor=request.user, pk=pk)
    if version is None:
        raise Http404
    active = selectors.active_version()
    current = active.parameters if active else linkage.MatchModel.default().to_dict()
    before, after = services.flatten(current), services.flatten(version.parameters)
    differences = [
        {"name": name, "now": before.get(name), "then": after.get(name)}
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    ]
    form = RestoreForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            restored = services.match_model_restore(
                actor=request.user, version=version, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request,
                f"Version {version.pk} is restored as version {restored.pk}, now in use",
            )
            return redirect("children:match_model")
    return render(
        request,
        "children/match_model_restore.html",
        {"form": form, "version": version, "differences": differences},
    )


urlpatterns = [
    path("matching-model", match_model, name="match_model"),
    path("matching-model/change", match_model_change, name="match_model_change"),
    path(
        "matching-model/versions/<int:pk>/restore",
        match_model_restore,
        name="match_model_restore",
    ),
]
