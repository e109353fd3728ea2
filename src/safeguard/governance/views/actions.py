"""One action: its page (source, progress, history), and correcting, progressing, completing
and withdrawing it. Each page asks the policy; another's action answers 404, audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone

from safeguard.core.clock import london_date
from safeguard.core.http import capability_required
from safeguard.governance import policies, rules, sources
from safeguard.governance.forms import (
    ActionForm,
    CompleteForm,
    ProgressForm,
    WithdrawForm,
    add_service_errors,
)
from safeguard.governance.models import Action
from safeguard.governance.policies import Cap
from safeguard.governance.selectors import actions as selectors
from safeguard.governance.services import actions as services


@capability_required(Cap.USE)
def action_page(request: HttpRequest, pk: int) -> HttpResponse:
    action = selectors.action_for(actor=request.user, pk=pk)
    user = request.user
    on = london_date(timezone.now())
    entitled = sources.may_view(action.source_kind, user, action.source_id)
    return render(
        request,
        "governance/action.html",
        {
            "action": action,
            "source_label": sources.label(action.source_kind),
            "source_link": sources.link(action.source_kind, action.source_id) if entitled else None,
            "overdue": rules.is_overdue(status=action.status, due_on=action.due_on, today=on),
            "overdue_days": selectors.working_days_overdue(action, today=on),
            "progress": list(action.progress.select_related("recorded_by")),
            "history": selectors.history(action),
            "may_correct": policies.may_correct(user, action),
            "may_progress": policies.may_progress_now(user, action),
        },
    )


def _form_page(
    request: HttpRequest, action: Action, form: Any, *, title: str, button: str
) -> HttpResponse:
    return render(
        request,
        "governance/action_form.html",
        {"form": form, "action": action, "title": title, "button": button},
    )


def _change_page(
    request: HttpRequest,
    pk: int,
    *,
    may: Callable[[Any, Action], bool],
    form_class: type[Any],
    change: Callable[[Action, dict[str, Any]], object],
    done: str,
    title: str,
    button: str,
    initial: Callable[[Action], dict[str, Any]] | None = None,
) -> HttpResponse:
    """Every change of an action: the policy, the form, the service, its message, back."""
    action = selectors.action_to_change(actor=request.user, pk=pk, may=may)
    form = form_class(
        request.POST if request.method == "POST" else None,
        initial=initial(action) if initial else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            change(action, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("governance:action", pk=action.pk)
    return _form_page(request, action, form, title=title, button=button)


@capability_required(Cap.USE)
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _change_page(
        request,
        pk,
        may=policies.may_correct,
        form_class=ActionForm,
        initial=lambda action: {
            "title": action.title,
            "description": action.description,
            "owner_organisation": action.owner_organisation,
            "owner_person": action.owner_person,
            "due_on": action.due_on,
        },
        change=lambda action, data: services.action_update(
            actor=request.user, action=action, **data
        ),
        done="Action changed",
        title="Change the action",
        button="Save changes",
    )


@capability_required(Cap.USE)
def action_progress(request: HttpRequest, pk: int) -> HttpResponse:
    return _change_page(
        request,
        pk,
        may=policies.may_progress_now,
        form_class=ProgressForm,
        change=lambda action, data: services.action_progress_add(
            actor=request.user, action=action, **data
        ),
        done="Progress recorded",
        title="Record progress",
        button="Save progress",
    )


@capability_required(Cap.USE)
def action_complete(request: HttpRequest, pk: int) -> HttpResponse:
    return _change_page(
        request,
        pk,
        may=policies.may_progress_now,
        form_class=CompleteForm,
        change=lambda action, data: services.action_complete(
            actor=request.user, action=action, **data
        ),
        done="Action complete",
        title="Complete the action",
        button="Mark as complete",
    )


@capability_required(Cap.USE)
def action_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _change_page(
        request,
        pk,
        may=policies.may_correct,
        form_class=WithdrawForm,
        change=lambda action, data: services.action_withdraw(
            actor=request.user, action=action, reason=data["reason"]
        ),
        done="Action withdrawn",
        title="Withdraw the action",
        button="Withdraw action",
    )


urlpatterns = [
    path("actions/<int:pk>", action_page, name="action"),
    path("actions/<int:pk>/edit", action_edit, name="action_edit"),
    path("actions/<int:pk>/progress", action_progress, name="action_progress"),
    path("actions/<int:pk>/complete", action_complete, name="action_complete"),
    path("actions/<int:pk>/withdraw", action_withdraw, name="action_withdraw"),
]
