"""Meetings' pages: the list, scheduling, one meeting (agenda, papers, attendance, minutes),
its calendar file, and the Executive's view of statutory partners' attendance.

Every page asks the policy through the selectors: a meeting of a group the person is not in
answers 404 (the Business Unit sees every group's).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from safeguard.core.clock import london_date
from safeguard.core.http import capability_required
from safeguard.governance import attendance_chart, calendar, policies
from safeguard.governance.forms import (
    ActionForm,
    AgendaFillForm,
    AgendaItemEditForm,
    AgendaItemForm,
    AttendanceForm,
    AttendanceYearForm,
    MeetingForm,
    MinutesForm,
    PaperForm,
    add_service_errors,
)
from safeguard.governance.models import Meeting
from safeguard.governance.policies import MeetingCap
from safeguard.governance.selectors import actions as action_selectors
from safeguard.governance.selectors import meetings as selectors
from safeguard.governance.services import meetings as services

USE = MeetingCap.USE


def _form(request: HttpRequest, form_class: Any, **kwargs: Any) -> Any:
    if request.method == "POST":
        return form_class(request.POST, request.FILES, **kwargs)
    return form_class(**kwargs)


def _manager_only(request: HttpRequest) -> None:
    if not policies.may_manage_meetings(request.user):
        raise Http404


def _form_page(
    request: HttpRequest,
    meeting: Meeting,
    form: Any,
    *,
    title: str,
    button: str,
    upload: bool = False,
) -> HttpResponse:
    return render(
        request,
        "governance/meetings/form.html",
        {
            "meeting": meeting,
            "form": form,
            "title": title,
            "button": button,
            "upload": upload,
            "held_on": services.held_on(meeting),
        },
    )


@capability_required(USE)
def meeting_list(request: HttpRequest) -> HttpResponse:
    groups = selectors.visible_groups(request.user)
    chosen = request.GET.get("group", "")
    meetings = selectors.visible_meetings(request.user)
    if chosen.isdigit():
        meetings = meetings.filter(group_id=int(chosen))
    now = timezone.now()
    return render(
        request,
        "governance/meetings/list.html",
        {
            "groups": groups,
            "chosen": chosen,
            "upcoming": list(meetings.filter(ends_at__gte=now).order_by("starts_at")[:60]),
            "past": list(meetings.filter(ends_at__lt=now).order_by("-starts_at")[:60]),
            "may_manage": policies.may_manage_meetings(request.user),
            "may_see_attendance": policies.may_see_attendance_report(
                request.user, selectors.executive_groups()
            ),
        },
    )


@capability_required(MeetingCap.MANAGE)
def meeting_add(request: HttpRequest) -> HttpResponse:
    groups = selectors.visible_groups(request.user)
    form = _form(request, MeetingForm, groups=groups)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.meeting_schedule(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            count = len(created)
            messages.success(
                request,
                "Meeting scheduled. Build its agenda."
                if count == 1
                else f"{count} meetings scheduled, each on a working day. Build the first agenda.",
            )
            return redirect("governance:meeting", pk=created[0].pk)
    return render(request, "governance/meetings/schedule.html", {"form": form})


@capability_required(USE)
def meeting_page(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for(actor=request.user, pk=pk)
    user = request.user
    now = timezone.now()
    manages = policies.may_manage_meetings(user)
    previous = selectors.previous_with_draft_minutes(meeting)
    return render(
        request,
        "governance/meetings/meeting.html",
        {
            "meeting": meeting,
            "held_on": services.held_on(meeting),
            "papers_due_on": selectors.papers_due_on(meeting),
            "rows": selectors.agenda_rows(user, meeting),
            "overrun": selectors.overrun(meeting),
            "attendance": selectors.attendance_rows(meeting) if meeting.starts_at <= now else [],
            "actions": action_selectors.actions_of_source(
                source_kind=services.SOURCE_KIND, source_ids=[str(meeting.pk)]
            ),
            # An action's page is the plan's: linked only for those who may open the plan (a
            # police officer on a group sees the meeting's actions but has no plan to open).
            "may_open_actions": policies.may_open_action_pages(user),
            "started": meeting.starts_at <= now,
            "manages": manages,
            "may_add_item": policies.may_add_item(user, meeting),
            "previous": previous if manages else None,
            "may_approve_previous": bool(
                previous and manages and selectors.may_approve(previous, today=london_date(now))
            ),
            "may_cancel": manages and meeting.cancelled_at is None and meeting.starts_at > now,
            "next_meeting": services.next_meeting(meeting),
        },
    )


def _meeting(request: HttpRequest, pk: int) -> Meeting:
    return selectors.meeting_for(actor=request.user, pk=pk)


@capability_required(MeetingCap.MANAGE)
@require_POST
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    try:
        services.meeting_cancel(actor=request.user, meeting=meeting)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Meeting cancelled.")
    return redirect("governance:meeting", pk=meeting.pk)


@capability_required(USE)
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    response = HttpResponse(
        calendar.meeting_ics(meeting, attendee_email=getattr(request.user, "email", "")),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


@capability_required(MeetingCap.MANAGE)
@require_POST
def meeting_invite(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    try:
        sent = services.invitations_send(actor=request.user, meeting=meeting)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Invitations queued for {sent} members of the group.")
    return redirect("governance:meeting", pk=meeting.pk)


# --- the agenda ------------------------------------------------------------------------------


@capability_required(MeetingCap.MANAGE)
def agenda_fill(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    offered = selectors.suggestions(request.user, meeting)
    choices = [
        (
            row["key"],
            f"{row['title']} ({row['kind']}"
            + (f", {row['owner']}" if row["owner"] else "")
            + f", {row['minutes']} minutes)",
        )
        for row in offered
    ]
    form = _form(request, AgendaFillForm, choices=choices)
    if request.method == "POST" and form.is_valid():
        try:
            added = services.agenda_fill(
                actor=request.user, meeting=meeting, keys=form.cleaned_data["keys"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{len(added)} items added to the agenda.")
            return redirect("governance:meeting", pk=meeting.pk)
    return render(
        request,
        "governance/meetings/fill.html",
        {
            "meeting": meeting,
            "form": form,
            "offered": offered,
            "held_on": services.held_on(meeting),
        },
    )


@capability_required(USE)
def agenda_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    if not policies.may_add_item(request.user, meeting):
        raise Http404
    form = _form(request, AgendaItemForm)
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_add(actor=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Item added to the agenda.")
            return redirect("governance:meeting", pk=meeting.pk)
    return _form_page(request, meeting, form, title="Add an agenda item", button="Add the item")


@capability_required(MeetingCap.MANAGE)
def agenda_item_edit(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    item = selectors.item_for(actor=request.user, meeting=meeting, item_pk=item_pk)
    initial = {
        "title": item.title,
        "minutes": item.minutes,
        "owner_organisation": item.owner_organisation,
    }
    form = _form(request, AgendaItemEditForm, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_update(actor=request.user, item=item, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Agenda item changed.")
            return redirect("governance:meeting", pk=meeting.pk)
    return _form_page(request, meeting, form, title="Change an agenda item", button="Save")


@capability_required(MeetingCap.MANAGE)
@require_POST
def agenda_item_move(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    item = selectors.item_for(actor=request.user, meeting=meeting, item_pk=item_pk)
    services.agenda_item_move(actor=request.user, item=item, up=request.POST.get("to") == "up")
    return redirect(f"/governance/meetings/{meeting.pk}#item-{item.pk}")


# --- papers ----------------------------------------------------------------------------------


@capability_required(USE)
def paper_add(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    item = selectors.item_for(actor=request.user, meeting=meeting, item_pk=item_pk)
    if not policies.may_add_paper(request.user, item):
        raise Http404
    form = _form(request, PaperForm)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("file", None)
        try:
            paper = services.paper_add(
                actor=request.user,
                item=item,
                file_name=upload.name if upload else "",
                content=upload.read() if upload else b"",
                **data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Paper added. Its cover report is below.")
            return redirect("governance:paper", pk=meeting.pk, paper_pk=paper.pk)
    return render(
        request,
        "governance/meetings/form.html",
        {
            "meeting": meeting,
            "form": form,
            "title": "Add a paper",
            "caption": f"Item {item.position}: {item.title}",
            "button": "Add the paper",
            "upload": True,
            "held_on": services.held_on(meeting),
        },
    )


@capability_required(USE)
def paper_page(request: HttpRequest, pk: int, paper_pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    paper = selectors.paper_for(actor=request.user, meeting=meeting, paper_pk=paper_pk)
    return render(
        request,
        "governance/meetings/paper.html",
        {
            "meeting": meeting,
            "paper": paper,
            "item": paper.item,
            "held_on": services.held_on(meeting),
        },
    )


@capability_required(USE)
def paper_file(request: HttpRequest, pk: int, paper_pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    paper = selectors.paper_for(actor=request.user, meeting=meeting, paper_pk=paper_pk)
    if not paper.size:
        raise Http404
    response = HttpResponse(bytes(paper.content), content_type=paper.content_type)
    response["Content-Disposition"] = f'attachment; filename="{paper.file_name}"'
    return response


# --- attendance and minutes ------------------------------------------------------------------


@capability_required(MeetingCap.MANAGE)
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    if meeting.starts_at > timezone.now() or meeting.cancelled_at is not None:
        raise Http404
    rows = selectors.attendance_rows(meeting)
    form = _form(request, AttendanceForm, rows=rows)
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_record(
                actor=request.user, meeting=meeting, statuses=form.statuses()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Attendance recorded.")
            return redirect("governance:meeting", pk=meeting.pk)
    return _form_page(request, meeting, form, title="Record attendance", button="Save attendance")


@capability_required(MeetingCap.MANAGE)
def minutes(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    item = selectors.item_for(actor=request.user, meeting=meeting, item_pk=item_pk)
    if meeting.starts_at > timezone.now() or meeting.minutes_status == "approved":
        raise Http404
    form = _form(
        request,
        MinutesForm,
        initial={"discussion": item.discussion, "decisions": item.decisions},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_record(actor=request.user, item=item, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Minutes saved as a draft.")
            return redirect(f"/governance/meetings/{meeting.pk}#item-{item.pk}")
    return render(
        request,
        "governance/meetings/form.html",
        {
            "meeting": meeting,
            "form": form,
            "title": "Write the minutes of an item",
            "caption": f"Item {item.position}: {item.title}",
            "button": "Save the minutes",
            "held_on": services.held_on(meeting),
        },
    )


@capability_required(MeetingCap.MANAGE)
def minutes_action_add(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    item = selectors.item_for(actor=request.user, meeting=meeting, item_pk=item_pk)
    if meeting.starts_at > timezone.now() or meeting.cancelled_at is not None:
        raise Http404
    form = _form(request, ActionForm)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_action_add(actor=request.user, item=item, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Added to the action plan. The owner has been told.")
            return redirect(f"/governance/meetings/{meeting.pk}#actions")
    return render(
        request,
        "governance/meetings/form.html",
        {
            "meeting": meeting,
            "form": form,
            "title": "Add an action agreed at the meeting",
            "caption": f"Item {item.position}: {item.title}",
            "button": "Add to the action plan",
            "held_on": services.held_on(meeting),
        },
    )


@capability_required(MeetingCap.MANAGE)
@require_POST
def minutes_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve the draft minutes of meeting ``pk`` (from the page of the meeting that follows)."""
    meeting = _meeting(request, pk)
    try:
        services.minutes_approve(actor=request.user, meeting=meeting)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("governance:meeting", pk=meeting.pk)
    messages.success(request, "Minutes approved.")
    following = services.next_meeting(meeting)
    return redirect("governance:meeting", pk=following.pk if following else meeting.pk)


# --- the Executive's view of partners' attendance --------------------------------------------


def _year_start(today: date) -> int:
    return today.year if today.month >= 4 else today.year - 1


@capability_required(USE)
def partner_attendance(request: HttpRequest) -> HttpResponse:
    if not policies.may_see_attendance_report(request.user, selectors.executive_groups()):
        raise Http404
    this_year = _year_start(london_date(timezone.now()))
    years = list(range(this_year, this_year - 4, -1))
    form = AttendanceYearForm(request.GET or None, years=years)
    year = (
        int(form.cleaned_data["year"])
        if form.is_valid() and form.cleaned_data["year"]
        else this_year
    )
    start, end = date(year, 4, 1), date(year + 1, 3, 31)
    meetings, rows = selectors.partner_attendance(start=start, end=end)
    return render(
        request,
        "governance/meetings/attendance_report.html",
        {
            "form": form,
            "year_label": f"April {year} to March {year + 1}",
            "meetings": meetings,
            "rows": rows,
            # Safe: drawn from numbers and escaped names (attendance_chart).
            "chart": mark_safe(  # noqa: S308
                attendance_chart.bar_chart(
                    [(row.organisation.name, row.percent_value) for row in rows if row.recorded]
                )
            ),
        },
    )


urlpatterns = [
    path("meetings", meeting_list, name="meetings"),
    path("meetings/schedule", meeting_add, name="meeting_add"),
    path("meetings/attendance", partner_attendance, name="partner_attendance"),
    path("meetings/<int:pk>", meeting_page, name="meeting"),
    path("meetings/<int:pk>/cancel", meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/invitation.ics", meeting_ics, name="meeting_ics"),
    path("meetings/<int:pk>/invite", meeting_invite, name="meeting_invite"),
    path("meetings/<int:pk>/agenda/due", agenda_fill, name="agenda_fill"),
    path("meetings/<int:pk>/items/add", agenda_item_add, name="agenda_item_add"),
    path("meetings/<int:pk>/items/<int:item_pk>/edit", agenda_item_edit, name="agenda_item_edit"),
    path("meetings/<int:pk>/items/<int:item_pk>/move", agenda_item_move, name="agenda_item_move"),
    path("meetings/<int:pk>/items/<int:item_pk>/papers/add", paper_add, name="paper_add"),
    path("meetings/<int:pk>/papers/<int:paper_pk>", paper_page, name="paper"),
    path("meetings/<int:pk>/papers/<int:paper_pk>/file", paper_file, name="paper_file"),
    path("meetings/<int:pk>/attendance", attendance, name="attendance"),
    path("meetings/<int:pk>/items/<int:item_pk>/minutes", minutes, name="minutes"),
    path(
        "meetings/<int:pk>/items/<int:item_pk>/actions/add",
        minutes_action_add,
        name="minutes_action_add",
    ),
    path("meetings/<int:pk>/minutes/approve", minutes_approve, name="minutes_approve"),
]
