"""Reading a school's effective calendar, and the notification plan it gives.

A school's own calendar overrides the LA default: its terms replace the default's when it has
any (an academy with its own term dates), its INSET days are always its own, and its start time
and on-duty key adult are its own. The bank holidays come from the kernel.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from safeguard.core import holidays
from safeguard.core.clock import HolidayDataExhausted, WorkingCalendar, london_date
from safeguard.core.models import Organisation, Person
from safeguard.core.roles import Role
from safeguard.encompass import rules
from safeguard.encompass.models import Calendar

logger = logging.getLogger(__name__)
DEFAULT_START = time(8, 45)


@dataclass(frozen=True)
class Effective:
    calendar: rules.SchoolCalendar
    on_duty_key_adult: Any  # a Person or None
    la_holiday_contact: Any  # a Person or None


def default_calendar() -> Calendar | None:
    return Calendar.objects.filter(is_default=True).first()


def holiday_contacts(school: Organisation | None) -> list[Person]:
    """Who may be a calendar's holiday contact, and so the only people the form offers.

    For a school: its own key adults (active DSLs of that school), or the LA's named holiday
    cover (the LA default calendar's contact). For the LA default: the LA's Encompass
    coordinators. Never anyone else, so a notice cannot go to a person who cannot open it.
    """
    if school is None:
        return list(
            Person.objects.filter(
                is_active=True, role_assignments__role=Role.LA_ENCOMPASS_COORDINATOR
            )
            .distinct()
            .order_by("full_name", "pk")
        )
    people = list(
        Person.objects.filter(
            organisation=school, is_active=True, role_assignments__role=Role.SCHOOL_DSL
        )
        .distinct()
        .order_by("full_name", "pk")
    )
    default = default_calendar()
    cover = default.holiday_contact if default is not None else None
    if cover is not None and cover.is_active and cover not in people:
        people.append(cover)
    return people


def is_holiday_contact_for(person: Any, school: Organisation | None) -> bool:
    return person is not None and any(p.pk == person.pk for p in holiday_contacts(school))


def effective_calendar(school: Organisation | None) -> Effective:
    """``school`` None (a school across the border): the LA default, our best estimate."""
    default = default_calendar()
    own = (
        Calendar.objects.filter(school=school).select_related("holiday_contact").first()
        if school is not None and school.pk is not None
        else None
    )
    own_terms = list(own.terms.all()) if own is not None else []
    source_terms = own_terms or (list(default.terms.all()) if default is not None else [])
    inset: set[date] = set(own.inset_days.values_list("date", flat=True)) if own else set()
    if not own_terms and default is not None:
        inset |= set(default.inset_days.values_list("date", flat=True))
    starts = own.day_starts_at if own else (default.day_starts_at if default else DEFAULT_START)
    return Effective(
        calendar=rules.SchoolCalendar(
            terms=tuple(rules.Term(t.starts_on, t.ends_on) for t in source_terms),
            inset_days=frozenset(inset),
            day_starts_at=starts,
            bank_holidays=holidays.calendar(),
        ),
        # A contact who has left the school (or was never of it) is no on-duty key adult: the
        # notice then goes to the LA's holiday contact instead of someone who cannot open it.
        on_duty_key_adult=own.holiday_contact
        if own and own.holiday_contact_id and is_holiday_contact_for(own.holiday_contact, school)
        else None,
        la_holiday_contact=default.holiday_contact if default else None,
    )


def notification_plan_for(
    incident_at: datetime, school: Organisation | None
) -> tuple[rules.Plan, Effective, bool]:
    """The plan, and whether it had to be made without the school calendar (a visible gap).

    When no calendar reaches the date, every working day counts as a school day; when even the
    bank holiday data ends, every weekday does (and the log says so loudly). Either way the
    child keeps a clock and the gap shows on the notification and the oversight page.
    """
    effective = effective_calendar(school)
    has_on_duty = effective.on_duty_key_adult is not None
    try:
        plan = rules.notification_plan(
            incident_at, effective.calendar, has_on_duty_key_adult=has_on_duty
        )
        return plan, effective, False
    except (rules.CalendarNotCovering, HolidayDataExhausted) as gap:
        day = london_date(incident_at)
        holidays = effective.calendar.bank_holidays
        if (
            isinstance(gap, HolidayDataExhausted)
            or day + timedelta(days=60) > holidays.covers_until
        ):
            logger.error("HOLIDAY DATA EXHAUSTED for an Encompass clock at %s", day.isoformat())
            holidays = WorkingCalendar.of([], covers_until=day + timedelta(days=400))
        fallback = rules.SchoolCalendar(
            terms=(rules.Term(day - timedelta(days=1), day + timedelta(days=60)),),
            inset_days=frozenset(),
            day_starts_at=effective.calendar.day_starts_at,
            bank_holidays=holidays,
        )
        plan = rules.notification_plan(incident_at, fallback, has_on_duty_key_adult=has_on_duty)
        return plan, effective, True
