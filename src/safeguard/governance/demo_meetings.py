"""The demo partnership's meetings: a year of each group's meetings, written through the real
services and back-dated on the demo clock.

Every group gets a schedule that started about eight months ago and runs four or five months
ahead, each meeting on a working day. Past meetings have an agenda, papers, attendance by
organisation, minutes and the actions they agreed (approved at the next meeting, except the
last one's, whose approval is due at the coming meeting); the next meeting's agenda is filled
from what the modules say is due. Two groups the annual report names are added: Gold MACE
and a CYPP network meeting.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from itertools import pairwise

from django.utils import timezone

from safeguard.core import holidays
from safeguard.core.clock import LONDON, london_date
from safeguard.core.demo import clock_at
from safeguard.core.models import Group, Membership, Organisation, Person
from safeguard.core.models.organisations import GroupKind
from safeguard.core.roles import Role
from safeguard.core.services.partnership import group_create, membership_add
from safeguard.governance import agenda, scheduling
from safeguard.governance.models import Action, AgendaItem, Meeting, MinutesStatus
from safeguard.governance.services import meetings as services
from safeguard.governance.services.actions import action_complete

# name: (frequency, start hour, the group's own standing items)
_PLANS: dict[str, tuple[str, int, tuple[str, ...]]] = {
    "Executive": (
        scheduling.QUARTERLY,
        10,
        ("Partnership priorities: progress report", "Budget and partner contributions"),
    ),
    "Children and Young People Partnership": (
        scheduling.QUARTERLY,
        14,
        ("Voice of children and young people", "Learning from reviews: briefing"),
    ),
    "Performance Management Subgroup": (
        scheduling.BIMONTHLY,
        10,
        ("Partnership scorecard: this quarter",),
    ),
    "Learning and Development Subgroup": (
        scheduling.BIMONTHLY,
        13,
        ("Training programme and evaluation",),
    ),
    "Multi-Agency Child Exploitation (MACE) Subgroup": (
        scheduling.BIMONTHLY,
        10,
        ("Exploitation profile: places and peer groups",),
    ),
    "Review Advisory Group": (scheduling.MONTHLY, 9, ("Learning themes across reviews",)),
    "Child Death Overview Panel": (scheduling.BIMONTHLY, 13, ("Modifiable factors: themes",)),
    "Education Safeguarding Subgroup": (
        scheduling.QUARTERLY,
        15,
        ("Section 175 audit returns",),
    ),
    "Health Subgroup": (scheduling.QUARTERLY, 11, ("Health partners' safeguarding reports",)),
    "Gold MACE": (scheduling.QUARTERLY, 11, ("Strategic exploitation risks",)),
    "CYPP network meeting: early help": (
        scheduling.QUARTERLY,
        13,
        ("Early help offer: practitioners' update",),
    ),
}

_DISCUSSION = (
    "The group discussed the report and asked questions about the figures and next steps.",
    "Members welcomed the progress and noted where partners still need to do more.",
    "The group considered the risks set out in the paper and how partners would respond.",
)
_DECISIONS = (
    "Noted.",
    "Agreed the recommendations of the paper.",
    "Agreed to return to this at the next meeting with an update.",
)
_ACTIONS = (
    "Circulate the revised terms of reference to members",
    "Bring an update on the audit findings to the next meeting",
    "Share the briefing with every partner's safeguarding lead",
    "Confirm each partner's lead for the priority",
)
_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _moment(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LONDON)


def _person(role: str) -> Person | None:
    return (
        Person.objects.filter(is_demo=True, is_active=True, role_assignments__role=role)
        .order_by("pk")
        .first()
    )


def _extra_groups(admin: Person) -> None:
    """Gold MACE and a CYPP network meeting, with members drawn from the demo's people."""
    leads = list(
        Person.objects.filter(
            is_demo=True, role_assignments__role=Role.STATUTORY_PARTNER_LEAD
        ).order_by("pk")
    )
    chair = _person(Role.INDEPENDENT_CHAIR)
    officer = _person(Role.BUSINESS_UNIT_OFFICER)
    practitioners = list(
        Person.objects.filter(is_demo=True, role_assignments__role=Role.PRACTITIONER).order_by(
            "pk"
        )[:5]
    )
    plans = {
        "Gold MACE": (
            GroupKind.OTHER,
            "Strategic oversight of exploitation: the Gold group above the MACE subgroup.",
            [*leads, chair, officer],
        ),
        "CYPP network meeting: early help": (
            GroupKind.PARTNERSHIP_BOARD,
            "A network meeting of the Children and Young People Partnership on early help.",
            [officer, *practitioners],
        ),
    }
    for name, (kind, purpose, people) in plans.items():
        if Group.objects.filter(name=name).exists():
            continue
        group = group_create(actor=admin, name=name, kind=kind, purpose=purpose)
        for index, person in enumerate(dict.fromkeys(p for p in people if p is not None)):
            membership_add(
                actor=admin, group=group, person=person, role="chair" if index == 0 else "member"
            )


def _owners(group: Group) -> list[Organisation]:
    return list(
        Organisation.objects.filter(
            pk__in=Membership.objects.filter(group=group).values("person__organisation")
        )
        .exclude(kind="partnership")
        .order_by("pk")
    )


def add_demo_meetings(*, seed: int) -> int:
    """Add a year of meetings for every group; returns how many meetings."""
    officer = _person(Role.BUSINESS_UNIT_OFFICER)
    admin = _person(Role.BUSINESS_UNIT_ADMIN)
    if officer is None or admin is None:
        return 0
    rng = random.Random(seed * 17 + 3)
    now = timezone.now()
    today = london_date(now)
    with clock_at(_moment(today - timedelta(days=400), 9)):
        _extra_groups(admin)
    made = 0
    for group in Group.objects.filter(active=True, name__in=list(_PLANS)).order_by("pk"):
        frequency, hour, standing = _PLANS[group.name]
        made += _group_year(group, frequency, hour, standing, officer, rng, today, now)
    return made


def _group_year(
    group: Group,
    frequency: str,
    hour: int,
    standing: tuple[str, ...],
    officer: Person,
    rng: random.Random,
    today: date,
    now: datetime,
) -> int:
    first = today - timedelta(days=240 + rng.randint(0, 20))
    first += timedelta(days=(1 - first.weekday()) % 7)  # a Tuesday
    count = {scheduling.MONTHLY: 12, scheduling.BIMONTHLY: 6, scheduling.QUARTERLY: 4}[frequency]
    chair = (
        Person.objects.filter(memberships__group=group, memberships__role="chair")
        .order_by("pk")
        .first()
    )
    with clock_at(_moment(first - timedelta(days=30), 9)):
        meetings = services.meeting_schedule(
            actor=officer,
            group=group,
            first_day=first,
            starts=time(hour),
            ends=time(hour + 2),
            frequency=frequency,
            count=count,
            format="hybrid",
            venue="Council House, Committee Room 2",
            joining_link="https://meet.example.invalid/partnership",
            chair=chair,
        )
    owners = _owners(group)
    past = [m for m in meetings if m.ends_at < now]
    future = [m for m in meetings if m.starts_at > now]
    for meeting in past:
        _hold(meeting, standing, owners, officer, rng, today)
    # Each held meeting's minutes were approved at the next one, once that was held.
    for earlier, later in pairwise(past):
        with clock_at(later.ends_at):
            services.minutes_approve(actor=officer, meeting=earlier)
    # The meetings a module held for the group (the RAG's meetings on a case, ADR 0025): their
    # minutes were approved at the group's next meeting too, once that was held.
    ours = [m.pk for m in meetings]
    for sitting in Meeting.objects.filter(
        group=group, minutes_status=MinutesStatus.DRAFT, ends_at__lt=now
    ).exclude(pk__in=ours):
        following = services.next_meeting(sitting)
        if following is not None and following.ends_at < now:
            with clock_at(following.ends_at):
                services.minutes_approve(actor=officer, meeting=sitting)
    if future:
        _prepare(future[0], standing, owners, officer, rng)
    return len(meetings)


def _standing_items(
    meeting: Meeting, standing: tuple[str, ...], owners: list[Organisation], officer: Person
) -> list[AgendaItem]:
    items = [
        services.agenda_item_add(
            actor=officer,
            meeting=meeting,
            title="Welcome, apologies and declarations of interest",
            minutes=5,
        )
    ]
    for index, title in enumerate(standing):
        owner = owners[index % len(owners)] if owners else None
        items.append(
            services.agenda_item_add(
                actor=officer,
                meeting=meeting,
                title=title,
                minutes=25,
                owner_organisation=owner,
                paper_expected=owner is not None,
            )
        )
    return items


def _paper(item: AgendaItem, officer: Person, *, with_file: bool) -> None:
    services.paper_add(
        actor=officer,
        item=item,
        title=f"{item.title}: report to the group",
        purpose="To update the group on progress since the last meeting.",
        decision_needed="The group is asked to note the report and agree its recommendations.",
        risks="Capacity in partner agencies may delay the work.",
        file_name="report.pdf" if with_file else "",
        content=_PDF if with_file else b"",
    )


def _hold(
    meeting: Meeting,
    standing: tuple[str, ...],
    owners: list[Organisation],
    officer: Person,
    rng: random.Random,
    today: date,
) -> None:
    """A meeting that has happened: its agenda and papers before, attendance and minutes on
    the day, and an action or two into the plan."""
    before = meeting.starts_at - timedelta(days=14)
    with clock_at(before):
        items = _standing_items(meeting, standing, owners, officer)
        items.append(
            services.agenda_item_add(
                actor=officer, meeting=meeting, title="Any other business", minutes=10
            )
        )
    with clock_at(meeting.starts_at - timedelta(days=8)):
        for item in items:
            if item.paper_expected:
                _paper(item, officer, with_file=rng.random() < 0.5)
    statuses = {}
    for organisation in _expected(meeting):
        roll = rng.random()
        statuses[organisation.pk] = (
            "present" if roll < 0.72 else "deputy" if roll < 0.86 else "apologies"
        )
    with clock_at(meeting.ends_at):
        services.attendance_record(actor=officer, meeting=meeting, statuses=statuses)
        for item in items:
            services.minutes_record(
                actor=officer,
                item=item,
                discussion=rng.choice(_DISCUSSION),
                decisions=rng.choice(_DECISIONS),
            )
        substantive = [item for item in items if item.owner_organisation_id]
        if substantive and rng.random() < 0.7:
            item = substantive[0]
            due = holidays.next_working_day(
                london_date(meeting.starts_at) + timedelta(days=rng.randint(30, 110))
            )
            action = services.meeting_action_add(
                actor=officer,
                item=item,
                title=rng.choice(_ACTIONS),
                owner_organisation=item.owner_organisation,
                due_on=due,
            )
            _settle(action, due, officer, rng, today)


def _settle(action: Action, due: date, officer: Person, rng: random.Random, today: date) -> None:
    """Most actions whose date has passed were done in time; one in eight is still open."""
    done_on = due - timedelta(days=rng.randint(1, 12))
    if done_on >= today or rng.random() < 0.125:
        return
    with clock_at(_moment(done_on, 15)):
        action_complete(actor=officer, action=action, evidence="Reported done to the group.")


def _expected(meeting: Meeting) -> list[Organisation]:
    from safeguard.governance.selectors.meetings import attendance_rows

    return [row["organisation"] for row in attendance_rows(meeting)]


def _prepare(
    meeting: Meeting,
    standing: tuple[str, ...],
    owners: list[Organisation],
    officer: Person,
    rng: random.Random,
) -> None:
    """The next meeting: what is due from the modules, the standing items, a paper in."""
    with clock_at(timezone.now() - timedelta(days=2)):
        items = _standing_items(meeting, standing, owners, officer)
        offered = [
            s.key for _, s in agenda.due_for(meeting.group, services.held_on(meeting), officer)
        ]
        if offered:
            services.agenda_fill(actor=officer, meeting=meeting, keys=offered[:8])
        if items[1:] and rng.random() < 0.6:
            _paper(items[1], officer, with_file=True)
    assert Meeting.objects.get(pk=meeting.pk).minutes_status == MinutesStatus.NOT_WRITTEN
