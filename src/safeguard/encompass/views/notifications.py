"""The Encompass pages from incident to school: the police's incidents and uploads, the LA's
matches to review and children on no roll, the schools' notifications. Thin: each parses,
calls a selector or service, and renders."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone

from safeguard.children.identifiers import normalise_upn
from safeguard.children.importers.common import ImportRejected
from safeguard.children.models import Pupil
from safeguard.core.http import capability_required
from safeguard.encompass import policies, rules
from safeguard.encompass.forms.notifications import (
    NONE_OF_THESE,
    AcknowledgeForm,
    EscalationForm,
    LinkForm,
    OutcomeForm,
    RerouteForm,
    ReviewForm,
    RollSearchForm,
    SchoolHelpForm,
    UploadForm,
)
from safeguard.encompass.importers.incident_csv import COLUMNS, incidents_upload
from safeguard.encompass.models import IncidentChild, LaOutcome, MatchState
from safeguard.encompass.policies import Cap
from safeguard.encompass.selectors import incidents as incident_selectors
from safeguard.encompass.selectors import notifications as notification_selectors
from safeguard.encompass.services import notifications as notification_services
from safeguard.encompass.services import review, routing, school_help

PAGE_SIZE = 50
GENDER_LABELS = {"M": "Male", "F": "Female"}


def _page(request: HttpRequest, rows):  # type: ignore[no-untyped-def]
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _form_errors(form, error: ValidationError) -> None:  # type: ignore[no-untyped-def]
    for name, problems in error.message_dict.items():
        form.add_error(name if name in form.fields else None, problems)


@capability_required(Cap.VIEW_INCIDENTS)
def incidents(request: HttpRequest) -> HttpResponse:
    flagged = request.GET.get("flagged") == "1"
    rows = incident_selectors.incidents_for(request.user, flagged_only=flagged)
    return render(
        request,
        "encompass/incidents.html",
        {
            "page": _page(request, rows),
            "flagged": flagged,
            "may_upload": policies.may_submit_for(request.user),
        },
    )


@capability_required(Cap.VIEW_INCIDENTS)
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    incident, children = incident_selectors.incident_get(request.user, pk)
    return render(
        request, "encompass/incident_detail.html", {"incident": incident, "children": children}
    )


@capability_required(Cap.SUBMIT)
def incident_upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    rejected: ImportRejected | None = None
    if request.method == "POST" and form.is_valid():
        if not policies.may_submit_for(request.user):
            raise PermissionDenied
        upload = form.cleaned_data["file"]
        try:
            stored = incidents_upload(
                actor=request.user,
                force=request.user.organisation,  # type: ignore[union-attr]
                data=upload.read(),
                file_name=upload.name,
            )
        except ImportRejected as error:
            rejected = error
            form.add_error(
                "file", f"The file has {len(error.errors)} problem(s): nothing was stored"
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"{len(stored)} incident(s) received")
            return redirect("encompass:incidents")
    return render(
        request,
        "encompass/upload.html",
        {"form": form, "rejected": rejected, "columns": COLUMNS},
    )


@capability_required(Cap.VIEW_NOTIFICATIONS)
def notification_list(request: HttpRequest) -> HttpResponse:
    open_only = request.GET.get("all") != "1"
    rows = notification_selectors.notifications_for(request.user, open_only=open_only)
    return render(
        request,
        "encompass/notifications.html",
        {"page": _page(request, rows), "open_only": open_only, "now": timezone.now()},
    )


@capability_required(Cap.VIEW_NOTIFICATIONS)
def notification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notification = notification_selectors.notification_get(request.user, pk)
    notification_services.notification_viewed(actor=request.user, notification=notification)
    may_acknowledge = policies.may_acknowledge(request.user, notification)
    withdrawn = notification.withdrawn_at is not None
    may_act = (
        policies.may_reroute(request.user)
        and notification.escalated_at is not None
        and notification.acknowledged_at is None
        and not withdrawn
    )
    escalation = EscalationForm(request.POST if "action" in request.POST else None)
    if request.method == "POST" and "action" in request.POST:
        if not may_act:
            raise PermissionDenied
        if escalation.is_valid():
            try:
                notification_services.escalation_act(
                    actor=request.user,
                    notification=notification,
                    action=escalation.cleaned_data["action"],
                    note=escalation.cleaned_data["note"],
                )
            except ValidationError as error:
                _form_errors(escalation, error)
            else:
                messages.success(request, "Done")
                return redirect("encompass:notification_detail", pk=pk)
    form = AcknowledgeForm(
        request.POST if request.method == "POST" and "action" not in request.POST else None
    )
    if request.method == "POST" and "action" not in request.POST:
        if not may_acknowledge or withdrawn:
            raise PermissionDenied
        if form.is_valid():
            try:
                notification_services.notification_acknowledge(
                    actor=request.user,
                    notification=notification,
                    support_given=form.cleaned_data["support_given"],
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, "Notification acknowledged")
                return redirect("encompass:notification_detail", pk=pk)
    return render(
        request,
        "encompass/notification_detail.html",
        {
            "notification": notification,
            "child": notification.child,
            "incident": notification.child.incident,
            "form": form,
            "may_acknowledge": may_acknowledge
            and notification.acknowledged_at is None
            and not withdrawn,
            "withdrawn": withdrawn,
            "siblings": notification_selectors.siblings_of(request.user, notification),
            "help": notification_selectors.help_for_schools(),
            "may_reroute": policies.may_reroute(request.user) and not withdrawn,
            "may_act": may_act,
            "escalation": escalation,
        },
    )


@capability_required(Cap.REVIEW_MATCHES)
def review_queue(request: HttpRequest) -> HttpResponse:
    page = _page(request, incident_selectors.review_queue(request.user))
    schools = incident_selectors.candidate_schools(list(page.object_list))
    for child in page.object_list:
        child.candidate_schools = schools.get(child.pk, [])
    return render(request, "encompass/review_queue.html", {"page": page})


@capability_required(Cap.REVIEW_MATCHES)
def review_child(request: HttpRequest, pk: int) -> HttpResponse:
    """The police record beside every pupil put forward; the reviewer chooses any of them or
    none of these (with a reason)."""
    child = incident_selectors.review_child_get(request.user, pk)
    candidates = incident_selectors.review_candidates(request.user, child)
    choices = [
        (pupil.pk, f"Candidate {number}: {pupil.forename} {pupil.surname}, {pupil.school.name}")
        for number, pupil in enumerate(candidates, start=1)
    ]
    form = ReviewForm(request.POST or None, candidates=choices)
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        reason = form.cleaned_data.get("reason") or ""
        try:
            if decision == NONE_OF_THESE:
                review.match_reject(actor=request.user, child=child, reason=reason)
            else:
                review.child_link_pupil(
                    actor=request.user, child=child, pupil_id=int(decision), reason=reason
                )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Decision recorded")
            return redirect("encompass:review_queue")
    return render(
        request,
        "encompass/review_child.html",
        {
            "child": child,
            "form": form,
            "comparisons": _candidate_comparisons(child, candidates),
            "candidates": candidates,
            "may_search": policies.may_search_rolls(request.user),
        },
    )


def _candidate_comparisons(child: IncidentChild, pupils: list[Pupil]) -> list[dict[str, object]]:
    """Each candidate on its own beside the police record, field by field with its verdict,
    and how many fields agree: up to five candidates read one after another, by heading, rather
    than as one wide table (a screen reader and a narrow screen both follow it)."""
    rows = _comparison(child, pupils)
    found = []
    for index, pupil in enumerate(pupils):
        cells = [
            {"label": row["label"], "police": row["police"], "cell": row["cells"][index]}  # type: ignore[index]
            for row in rows
        ]
        verdicts = [cell["cell"].verdict for cell in cells]  # type: ignore[attr-defined]
        found.append(
            {
                "number": index + 1,
                "label": f"Candidate {index + 1} beside the police record",
                "pupil": pupil,
                "probability": getattr(pupil, "match_probability", None),
                "rows": cells,
                "same": verdicts.count("Same"),
                "similar": verdicts.count("Similar"),
                "differs": verdicts.count("Differs"),
            }
        )
    return found


def _comparison(child: IncidentChild, pupils: list[Pupil]) -> list[dict[str, object]]:
    """Field by field: the police record's value and each pupil's, with its verdict (the same,
    differs, not recorded), so agreements and disagreements show at a glance."""
    police = _person_fields(child)
    base = rules.agreements(police, {})
    per_pupil = [rules.agreements(police, _person_fields(pupil)) for pupil in pupils]
    rows: list[dict[str, object]] = [
        {"label": row.label, "police": row.police, "cells": [found[i] for found in per_pupil]}
        for i, row in enumerate(base)
    ]
    schools = [
        rules.school_agreement(
            police_name=child.school_name,
            police_urn=child.school_urn,
            pupil_name=pupil.school.name,
            pupil_urn=pupil.school.urn,
        )
        for pupil in pupils
    ]
    police_school = rules.school_agreement(
        police_name=child.school_name, police_urn=child.school_urn, pupil_name="", pupil_urn=""
    )
    rows.append({"label": police_school.label, "police": police_school.police, "cells": schools})
    return rows


@capability_required(Cap.MANAGE_UNMATCHED)
def roll_search(request: HttpRequest, pk: int) -> HttpResponse:
    """The coordinator searches every roll by name and date of birth for a child the matching
    missed or put forward wrongly; each pupil shown is audited as a read."""
    child = incident_selectors.linkable_child_get(request.user, pk)
    form = RollSearchForm(request.GET if "search" in request.GET else None)
    results = None
    if form.is_bound and form.is_valid():
        results = incident_selectors.rolls_search(
            request.user,
            forename=form.cleaned_data.get("forename") or "",
            surname=form.cleaned_data.get("surname") or "",
            dob=form.cleaned_data.get("dob"),
        )
    elif not form.is_bound:
        form = RollSearchForm(
            initial={"forename": child.forename, "surname": child.surname, "dob": child.dob}
        )
    return render(
        request,
        "encompass/roll_search.html",
        {"child": child, "form": form, "results": results},
    )


@capability_required(Cap.MANAGE_UNMATCHED)
def child_link(request: HttpRequest, pk: int, pupil_pk: int) -> HttpResponse:
    """The confirm step for a pupil found by searching: the police record beside the pupil; a
    date of birth that differs needs a reason, as for a UPN entered by hand."""
    child = incident_selectors.linkable_child_get(request.user, pk)
    pupil = incident_selectors.pupil_for_link(request.user, child, pupil_pk)
    form = LinkForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            review.child_link_pupil(
                actor=request.user,
                child=child,
                pupil_id=pupil.pk,
                reason=form.cleaned_data.get("reason") or "",
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"Matched; {pupil.school.name} is told")
            return redirect(
                "encompass:review_queue"
                if child.match_state == MatchState.REVIEW
                else "encompass:unmatched"
            )
    return render(
        request,
        "encompass/child_link.html",
        {
            "child": child,
            "pupil": pupil,
            "pupil_list": [pupil],
            "form": form,
            "comparison": _comparison(child, [pupil]),
            "dob_differs": bool(child.dob and pupil.dob and child.dob != pupil.dob),
        },
    )


def _person_fields(person: object) -> dict[str, str]:
    dob = getattr(person, "dob", None)
    return {
        "forename": getattr(person, "forename", "") or "",
        "surname": getattr(person, "surname", "") or "",
        "dob": f"{dob.day} {dob:%B %Y}" if dob else "",
        "gender": GENDER_LABELS.get(getattr(person, "gender", "") or "", ""),
        "postcode": getattr(person, "postcode", "") or "",
    }


@capability_required(Cap.MANAGE_UNMATCHED)
def child_reroute(request: HttpRequest, pk: int) -> HttpResponse:
    """The LA sends a misrouted or forwarded child to the right school of this partnership."""
    if not policies.may_reroute(request.user):
        raise PermissionDenied
    child = incident_selectors.routed_child_get(request.user, pk)
    form = RerouteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            notification = routing.child_reroute(
                actor=request.user,
                child=child,
                school_urn=form.cleaned_data["school_urn"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"Sent to {notification.school.name}")
            return redirect("encompass:child_reroute", pk=pk)
    notifications, forwards = incident_selectors.routes_of(child)
    return render(
        request,
        "encompass/child_reroute.html",
        {"child": child, "form": form, "notifications": notifications, "forwards": forwards},
    )


@capability_required(Cap.MANAGE_CALENDARS)
def school_help_page(request: HttpRequest) -> HttpResponse:
    """The LA words the help shown to schools with each notification."""
    if not policies.may_manage_calendar(request.user, None):
        raise PermissionDenied
    guidance, helpline = notification_selectors.help_for_schools()
    form = SchoolHelpForm(
        request.POST or None, initial={"guidance": guidance, "helpline": helpline}
    )
    if request.method == "POST" and form.is_valid():
        try:
            school_help.school_help_save(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Help for schools saved")
            return redirect("encompass:school_help")
    return render(request, "encompass/school_help.html", {"form": form})


@capability_required(Cap.MANAGE_UNMATCHED)
def unmatched(request: HttpRequest) -> HttpResponse:
    rows = incident_selectors.unmatched_queue(request.user)
    return render(request, "encompass/unmatched.html", {"page": _page(request, rows)})


@capability_required(Cap.MANAGE_UNMATCHED)
def unmatched_child(request: HttpRequest, pk: int) -> HttpResponse:
    child = incident_selectors.unmatched_child_get(request.user, pk)
    form = OutcomeForm(request.POST or None)
    pupil = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upn = data.get("upn") or ""
        checked = data.get("checked_upn") or ""
        if data["outcome"] == LaOutcome.FOUND_ON_ROLL:
            pupil = incident_selectors.pupil_for_upn(request.user, upn)
        if pupil is not None and normalise_upn(checked) != pupil.upn:
            # First sight of this UPN: show who it is beside the police record, save nothing.
            form = OutcomeForm(initial={**data, "checked_upn": pupil.upn})
        else:
            try:
                review.la_outcome_record(
                    actor=request.user,
                    child=child,
                    outcome=data["outcome"],
                    upn=upn,
                    checked_upn=checked,
                    reason=data.get("reason") or "",
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, "Outcome recorded")
                return redirect("encompass:unmatched")
    return render(
        request,
        "encompass/unmatched_child.html",
        {
            "child": child,
            "form": form,
            "pupil": pupil,
            "dob_differs": bool(pupil and child.dob and pupil.dob != child.dob),
        },
    )


urlpatterns = [
    path("incidents/", incidents, name="incidents"),
    path("incidents/upload/", incident_upload, name="incident_upload"),
    path("incidents/<int:pk>/", incident_detail, name="incident_detail"),
    path("notifications/", notification_list, name="notifications"),
    path("notifications/<int:pk>/", notification_detail, name="notification_detail"),
    path("review/", review_queue, name="review_queue"),
    path("review/<int:pk>/", review_child, name="review_child"),
    path("children/<int:pk>/search/", roll_search, name="roll_search"),
    path("children/<int:pk>/link/<int:pupil_pk>/", child_link, name="child_link"),
    path("unmatched/", unmatched, name="unmatched"),
    path("unmatched/<int:pk>/", unmatched_child, name="unmatched_child"),
    path("children/<int:pk>/reroute/", child_reroute, name="child_reroute"),
    path("help/", school_help_page, name="school_help"),
]
