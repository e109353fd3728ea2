"""The demo partnership's action plan beyond the reviews: two inspections with their
recommendations and a task-and-finish group, each written through the real services and
back-dated on the demo clock, so the month looks normal: one action overdue, one withdrawn,
some complete, most in hand. The reviews module adds its own cases' actions.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from safeguard.core import holidays
from safeguard.core.clock import LONDON, london_date
from safeguard.core.demo import clock_at
from safeguard.core.models import Organisation, Person
from safeguard.core.models.organisations import OrganisationKind
from safeguard.core.roles import Role
from safeguard.governance.models import Action
from safeguard.governance.selectors.own_sources import INSPECTION, TASK_AND_FINISH
from safeguard.governance.services.actions import (
    action_complete,
    action_create,
    action_progress_add,
    action_withdraw,
)
from safeguard.governance.services.own_sources import group_create, inspection_create


def _moment(day: date, hour: int = 11) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LONDON)


def _ago(today: date, n: int) -> date:
    """The n-th working day before today."""
    day, counted = today, 0
    while counted < n:
        day -= timedelta(days=1)
        if holidays.is_working_day(day):
            counted += 1
    return day


def _lead(organisation: Organisation) -> Person | None:
    return (
        Person.objects.filter(
            is_demo=True,
            is_active=True,
            organisation=organisation,
            role_assignments__role=Role.STATUTORY_PARTNER_LEAD,
        )
        .order_by("pk")
        .first()
    )


def _partner(kind: str) -> Organisation | None:
    return (
        Organisation.objects.filter(kind=kind, statutory_partner=True, active=True)
        .order_by("pk")
        .first()
    )


def add_demo_actions(*, seed: int) -> int:
    """Add the demo's inspections, group and their actions; returns how many actions."""
    unit = (
        Person.objects.filter(
            is_demo=True, is_active=True, role_assignments__role=Role.BUSINESS_UNIT_OFFICER
        )
        .order_by("pk")
        .first()
    )
    la = _partner(OrganisationKind.LOCAL_AUTHORITY)
    police = _partner(OrganisationKind.POLICE)
    icb = _partner(OrganisationKind.ICB)
    if unit is None or la is None or police is None or icb is None:
        return 0
    today = london_date(timezone.now())
    made: list[Action] = []

    def add(
        source_kind: str,
        source: object,
        title: str,
        owner: Organisation,
        due: date,
        *,
        on: date,
        source_title: str,
    ) -> Action:
        with clock_at(_moment(on, 12)):
            action = action_create(
                actor=unit,
                source_kind=source_kind,
                source_id=source.pk,  # type: ignore[attr-defined]
                source_title=source_title,
                title=title,
                owner_organisation=owner,
                due_on=due,
            )
        made.append(action)
        return action

    def progress(action: Action, on: date, text: str) -> None:
        owner = _lead(action.owner_organisation) or unit
        with clock_at(_moment(on, 14)):
            action_progress_add(actor=owner, action=action, text=text)

    def complete(action: Action, on: date, evidence: str) -> None:
        owner = _lead(action.owner_organisation) or unit
        with clock_at(_moment(on, 15)):
            action_complete(actor=owner, action=action, evidence=evidence)

    # A joint targeted area inspection reported about five months ago.
    reported = _ago(today, 105)
    with clock_at(_moment(reported, 10)):
        jtai = inspection_create(
            actor=unit,
            kind="ofsted_jtai",
            title="Joint targeted area inspection: the multi-agency response to children at"
            " risk of criminal exploitation",
            reported_on=reported,
        )
    source_title = f"Joint targeted area inspection (JTAI), {reported:%B %Y}"
    screening = add(
        INSPECTION,
        jtai,
        "Use one exploitation screening tool in every agency",
        la,
        _ago(today, 5),
        on=_ago(today, 100),
        source_title=source_title,
    )
    progress(screening, _ago(today, 60), "Tool agreed at the exploitation subgroup.")
    missing = add(
        INSPECTION,
        jtai,
        "Return home interviews within 72 hours for every missing episode",
        police,
        _ago(today, 20),
        on=_ago(today, 100),
        source_title=source_title,
    )
    complete(missing, _ago(today, 25), "Dip sample of 30 episodes: 28 within 72 hours.")
    health = add(
        INSPECTION,
        jtai,
        "Health partners attend every strategy discussion about exploitation",
        icb,
        holidays.add_working_days(today, 42),
        on=_ago(today, 100),
        source_title=source_title,
    )
    progress(health, _ago(today, 30), "Attendance recorded since the start of the quarter.")

    # An HMICFRS report two months ago.
    reported = _ago(today, 42)
    with clock_at(_moment(reported, 10)):
        peel = inspection_create(
            actor=unit,
            kind="hmicfrs",
            title="PEEL inspection of the force: protecting vulnerable people",
            reported_on=reported,
        )
    source_title = f"HMICFRS inspection, {reported:%B %Y}"
    add(
        INSPECTION,
        peel,
        "Improve the quality of referrals to children's social care",
        police,
        holidays.add_working_days(today, 64),
        on=_ago(today, 40),
        source_title=source_title,
    )
    add(
        INSPECTION,
        peel,
        "Train call handlers to recognise domestic abuse involving children",
        police,
        holidays.add_working_days(today, 85),
        on=_ago(today, 40),
        source_title=source_title,
    )

    # The neglect strategy task-and-finish group, four months in.
    started = _ago(today, 85)
    with clock_at(_moment(started, 10)):
        neglect = group_create(
            actor=unit,
            kind="task_and_finish",
            name="Neglect strategy task-and-finish group",
            started_on=started,
        )
    toolkit = add(
        TASK_AND_FINISH,
        neglect,
        "Publish the refreshed neglect toolkit",
        la,
        _ago(today, 10),
        on=_ago(today, 80),
        source_title=neglect.name,
    )
    complete(toolkit, _ago(today, 12), "Toolkit published on the partnership website.")
    training = add(
        TASK_AND_FINISH,
        neglect,
        "Deliver neglect toolkit briefings to GP practices",
        icb,
        holidays.add_working_days(today, 32),
        on=_ago(today, 80),
        source_title=neglect.name,
    )
    progress(training, _ago(today, 15), "Four of eleven practices briefed.")
    survey = add(
        TASK_AND_FINISH,
        neglect,
        "Survey practitioners on the old neglect tool",
        la,
        holidays.add_working_days(today, 21),
        on=_ago(today, 80),
        source_title=neglect.name,
    )
    with clock_at(_moment(_ago(today, 50), 16)):
        action_withdraw(
            actor=unit,
            action=survey,
            reason="The practitioner survey of the annual audit covers it.",
        )
    return len(made)
