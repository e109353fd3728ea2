"""How meetings' reads grow with the years of meetings: a member's "What is due" count (the
meetings' clocks narrowed to the meetings the person may open), one meeting's agenda with its
timings and papers, and the Executive's year of partners' attendance.

Generated here in bulk, independently of the services measured: groups that have met monthly
for years, ten items a meeting, a paper clock for each item owned by one of five partners, and
attendance for each partner at every Executive meeting.
"""

from __future__ import annotations

import statistics
import time
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from safeguard.core.clock import LONDON
from safeguard.core.models import Deadline, Group, Membership, Organisation, Person, RoleAssignment

SIZES = [1_000, 5_000]  # meetings in the database


def _median(fn: Any, repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _setup() -> tuple[Person, list[Organisation], list[Group]]:
    partners = [
        Organisation.objects.create(
            name=f"Bench partner {n}", kind="police", statutory_partner=True
        )
        for n in range(5)
    ]
    member = Person.objects.create_user(
        email="bench-member@example.invalid", full_name="Bench Member", organisation=partners[0]
    )
    RoleAssignment.objects.create(person=member, role="statutory_partner_lead")
    groups = [
        Group.objects.create(name=f"Bench group {n}", kind="executive" if n == 0 else "subgroup")
        for n in range(10)
    ]
    for group in groups[:3]:
        Membership.objects.create(group=group, person=member, role="member")
    return member, partners, groups


def _grow(to: int, partners: list[Organisation], groups: list[Group]) -> None:
    from safeguard.governance.models import AgendaItem, Attendance, Meeting

    have = Meeting.objects.count()
    start = datetime(2020, 1, 7, 10, tzinfo=LONDON)
    now = timezone.now()
    meetings = [
        Meeting(
            group=groups[n % len(groups)],
            starts_at=start + timedelta(days=3 * n),
            ends_at=start + timedelta(days=3 * n, hours=2),
        )
        for n in range(have, to)
    ]
    last = Meeting.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    Meeting.objects.bulk_create(meetings, batch_size=2000)
    created = list(Meeting.objects.filter(pk__gt=last))
    items = [
        AgendaItem(
            meeting=meeting,
            position=k + 1,
            title=f"Item {k}",
            minutes=10,
            owner_organisation=partners[k % len(partners)],
            paper_expected=True,
        )
        for meeting in created
        for k in range(10)
    ]
    AgendaItem.objects.bulk_create(items, batch_size=5000)
    clocks = [
        Deadline(
            module="meetings",
            kind="paper",
            title="Paper",
            subject_type="governance.agenda_item",
            subject_id=str(item.pk),
            starts_at=now,
            due_at=now + timedelta(days=10),
            rule="5 working days before the meeting",
            owner_organisation_id=item.owner_organisation_id,
            link=f"/governance/meetings/{item.meeting_id}/items/{item.pk}/papers/add",
        )
        for item in AgendaItem.objects.filter(meeting__in=created)
    ]
    Deadline.objects.bulk_create(clocks, batch_size=5000)
    Attendance.objects.bulk_create(
        [
            Attendance(meeting=meeting, organisation=partner, status="present")
            for meeting in created
            if meeting.group_id == groups[0].pk
            for partner in partners
        ],
        batch_size=5000,
    )


def run() -> list[str]:
    from safeguard.core.selectors.deadlines import visible_deadlines
    from safeguard.governance.models import Meeting
    from safeguard.governance.selectors import meetings as selectors

    member, partners, groups = _setup()
    lines = []
    for size in SIZES:
        _grow(size, partners, groups)
        meeting = Meeting.objects.filter(group=groups[0]).order_by("-starts_at").first()
        assert meeting is not None
        due = _median(lambda: visible_deadlines(actor=member).filter(module="meetings").count())
        page = _median(lambda found=meeting: selectors.agenda_rows(member, found))
        year = _median(
            lambda: selectors.partner_attendance(start=date(2021, 4, 1), end=date(2022, 3, 31))
        )
        lines.append(
            f"{size:>6} meetings ({size * 10} items and paper clocks): a member's meetings clocks"
            f" {due * 1000:.0f} ms, one agenda {page * 1000:.0f} ms,"
            f" the Executive's year of attendance {year * 1000:.0f} ms"
        )
    return lines
