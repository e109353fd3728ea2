"""Meetings' part of governance's app: what it registers when the app loads (one call from
``apps.ready``), its labels, and governance's own items for an agenda.

Governance offers each group's agenda: the minutes of the group's last meeting to approve, and
the open actions its meetings agreed that are due by the next meeting or overdue.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from safeguard.governance.agenda import AgendaSuggestion

PAGE_LABELS = {
    "governance:meetings": "Meetings",
    "governance:meeting_add": "Schedule a meeting",
    "governance:meeting": "A meeting",
    "governance:meeting_cancel": "Cancel a meeting",
    "governance:meeting_ics": "A meeting's calendar invitation",
    "governance:meeting_invite": "Send a meeting's invitations",
    "governance:agenda_fill": "Add what is due to an agenda",
    "governance:agenda_item_add": "Add an agenda item",
    "governance:agenda_item_edit": "Change an agenda item",
    "governance:agenda_item_move": "Move an agenda item",
    "governance:paper_add": "Add a paper",
    "governance:paper": "A paper's cover report",
    "governance:paper_file": "A paper's file",
    "governance:attendance": "Record attendance",
    "governance:minutes": "Write an item's minutes",
    "governance:minutes_action_add": "Add an action from a meeting",
    "governance:minutes_approve": "Approve a meeting's minutes",
    "governance:partner_attendance": "Statutory partners' attendance",
}

LABELS = {
    **{route: f"Meetings: {label}" for route, label in PAGE_LABELS.items()},
    "governance.meeting": "Meeting",
    "governance.agenda_item": "Agenda item",
    "governance.paper": "Meeting paper",
    "governance.attendance": "Meeting attendance",
    "governance.meeting_invitation": "Meeting invitation",
    "meetings": "Meetings",
}

MINUTES_KIND = "governance.minutes"
ACTIONS_KIND = "governance.meeting_actions"


def minutes_items(group: Any, meeting_date: date, actor: Any) -> list[AgendaSuggestion]:
    """The draft minutes of the group's last meeting before this date, to approve."""
    from safeguard.governance.models import Meeting, MinutesStatus
    from safeguard.governance.services.meetings import day_text, held_on

    earlier = [
        meeting
        for meeting in Meeting.objects.filter(
            group_id=group.pk, cancelled_at__isnull=True
        ).order_by("-starts_at")[:3]
        if held_on(meeting) < meeting_date
    ]
    if not earlier or earlier[0].minutes_status != MinutesStatus.DRAFT:
        return []
    last = earlier[0]
    return [
        AgendaSuggestion(
            key=f"minutes:{last.pk}",
            title=f"Minutes of the meeting on {day_text(held_on(last))}: for approval",
            minutes=5,
            link=f"/governance/meetings/{last.pk}",
        )
    ]


def action_items(group: Any, meeting_date: date, actor: Any) -> list[AgendaSuggestion]:
    """Open actions the group's meetings agreed, due within four weeks of this meeting or
    already overdue: each owner reports on its own."""
    from safeguard.governance import rules
    from safeguard.governance.models import Action, Meeting
    from safeguard.governance.services.meetings import SOURCE_KIND, day_text

    meeting_ids = [
        str(pk) for pk in Meeting.objects.filter(group_id=group.pk).values_list("pk", flat=True)
    ]
    actions = Action.objects.filter(
        source_kind=SOURCE_KIND,
        source_id__in=meeting_ids,
        status__in=rules.OPEN_STATUSES,
        due_on__lte=meeting_date + timedelta(days=28),
    ).select_related("owner_organisation")
    return [
        AgendaSuggestion(
            key=f"action:{action.pk}",
            title=f"Action update: {action.title} (due {day_text(action.due_on)})",
            minutes=5,
            owner_organisation_id=action.owner_organisation_id,
            link=f"/governance/actions/{action.pk}",
        )
        for action in actions[:20]
    ]


def may_open_minutes(actor: Any, key: str) -> bool:
    from safeguard.governance import policies
    from safeguard.governance.models import Meeting

    pk = key.rsplit(":", 1)[-1]
    meeting = Meeting.objects.filter(pk=int(pk)).first() if pk.isdigit() else None
    return meeting is not None and policies.may_view_meeting(actor, meeting)


def may_open_action(actor: Any, key: str) -> bool:
    from safeguard.governance import policies
    from safeguard.governance.models import Action

    # The action's page is the plan's: it needs the plan's capability as well as the action.
    if not policies.may_open_action_pages(actor):
        return False
    pk = key.rsplit(":", 1)[-1]
    action = Action.objects.filter(pk=int(pk)).first() if pk.isdigit() else None
    return action is not None and policies.may_view(actor, action)


def ready() -> None:
    """Everything meetings register when governance's app loads."""
    from safeguard.core import labels, navigation, outbox, roles
    from safeguard.core.demo import register_extension
    from safeguard.core.selectors.deadlines import register_deadline_access
    from safeguard.governance import agenda, calendar, sources
    from safeguard.governance.demo_meetings import add_demo_meetings
    from safeguard.governance.policies import MEETING_GRANTS, MeetingCap
    from safeguard.governance.selectors import meetings as selectors
    from safeguard.governance.services.meetings import CLOCKS, INVITATION, SOURCE_KIND

    for role, capabilities in MEETING_GRANTS.items():
        roles.grant(role, capabilities)
    navigation.register(
        navigation.NavItem(
            "Meetings", "governance:meetings", MeetingCap.USE, group=navigation.PARTNERSHIP
        )
    )
    sources.register(
        SOURCE_KIND,
        "Meeting",
        link=selectors.source_link,
        may_view=selectors.source_may_view,
        visible=selectors.source_visible,
    )
    agenda.register(MINUTES_KIND, "Minutes to approve", minutes_items, may_open=may_open_minutes)
    agenda.register(
        ACTIONS_KIND, "Actions agreed by the group", action_items, may_open=may_open_action
    )
    register_deadline_access(CLOCKS, selectors.deadline_access)
    outbox.register_attachments(INVITATION, calendar.attachments)
    register_extension("governance_meetings", add_demo_meetings)
    labels.register_many(LABELS)
