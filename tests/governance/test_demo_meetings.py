"""The demo's meetings: a year for every group, past ones minuted, the next agendas filled
from what the modules say is due, every meeting and due date on a working day."""

from __future__ import annotations

from datetime import datetime

import pytest

from safeguard.core import holidays
from safeguard.core.clock import LONDON, london_date
from safeguard.core.models import Deadline, Group
from safeguard.governance.models import Action, Attendance, Meeting
from tests import demo_snapshot

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 17, 10, 30, tzinfo=LONDON)


def test_every_group_has_a_year_of_meetings_that_look_real() -> None:
    summary = demo_snapshot.demo_partnership(seed=2026, now=NOW)
    # Every schedule the demo made is a series; the RAG's meetings on a case (ADR 0025) are
    # one-off meetings the reviews module held for the group, and MACE's demo schedules its
    # Bronze group's coming meetings itself.
    scheduled = Meeting.objects.exclude(series="")
    governance_own = scheduled.exclude(group__name__startswith="MACE Bronze")
    assert summary.extensions["governance_meetings"] == governance_own.count() > 50
    groups = Group.objects.filter(active=True)
    assert {"Gold MACE", "CYPP network meeting: early help"} <= set(
        groups.values_list("name", flat=True)
    )
    # MACE's demo adds its Bronze meetings' groups after this one ran: the child-focused one
    # has only its coming meetings (ADR 0025), the contextual one none yet.
    # Domestic abuse's MARAC and DRAMM meet as one-off meetings its module makes (ADR 0025).
    modules_own = groups.filter(name__startswith="MACE Bronze") | groups.filter(
        name__in=[
            "Multi-Agency Risk Assessment Conference (MARAC)",
            "Daily Risk Assessment Management Meeting (DRAMM)",
        ]
    )
    for group in groups.exclude(pk__in=modules_own.values("pk")):
        meetings = list(scheduled.filter(group=group))
        assert meetings, group.name
        assert all(holidays.is_working_day(london_date(m.starts_at)) for m in meetings)
        past = [m for m in meetings if m.ends_at < NOW]
        future = [m for m in meetings if m.starts_at > NOW]
        assert past and future, group.name
        # Held meetings' minutes approved at the next; the last one's wait for the next meeting.
        assert [m.minutes_status for m in past] == ["approved"] * (len(past) - 1) + ["draft"]
        assert Attendance.objects.filter(meeting=past[-1]).exists()
        assert future[0].items.exists()
    # The next PMSG's agenda carries the scorecard's open exceptions; the next RAG's its cases.
    pmsg = Meeting.objects.filter(
        group__name="Performance Management Subgroup", starts_at__gt=NOW
    ).first()
    assert pmsg.items.filter(kind="performance.exceptions").exists()
    rag = scheduled.filter(group__kind="rag", starts_at__gt=NOW).first()
    assert rag.items.filter(kind="reviews.cases").exists()
    # The RAG's meetings on a case are the RAG's: the case is their item, attendance is by
    # organisation, and their minutes were approved at the RAG's next meeting once it was held.
    sittings = Meeting.objects.filter(series="", group__kind="rag")
    assert sittings.exists()
    for sitting in sittings:
        assert sitting.group.kind == "rag" and sitting.ends_at < NOW
        assert sitting.items.get().kind == "reviews.cases"
        assert Attendance.objects.filter(meeting=sitting, status="present").count() >= 3
        following = scheduled.filter(group=sitting.group, starts_at__gt=sitting.starts_at)
        if following.filter(ends_at__lt=NOW).exists():
            assert sitting.minutes_status == "approved"
    assert not Deadline.objects.filter(
        module="meetings",
        subject_id__in=[str(pk) for pk in sittings.values_list("pk", flat=True)],
        met_at__isnull=True,
        due_at__lt=NOW,
    ).exists()
    # Actions agreed at meetings are in the plan, most done, few overdue.
    actions = Action.objects.filter(source_kind="meeting")
    assert actions.count() > 10
    overdue = [
        a for a in actions if a.status in ("not_started", "in_progress") and a.due_on < NOW.date()
    ]
    assert len(overdue) <= actions.count() // 4
    # Clocks: papers and minutes, each due on a working day, not all overdue.
    clocks = Deadline.objects.filter(
        module="meetings", met_at__isnull=True, cancelled_at__isnull=True
    )
    assert clocks.filter(kind="minutes").exists() and clocks.filter(kind="paper").exists()
    assert all(holidays.is_working_day(london_date(c.due_at)) for c in clocks)
    assert clocks.filter(due_at__gt=NOW).exists()
