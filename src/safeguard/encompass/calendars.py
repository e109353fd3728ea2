"""School calendars: reading a school's effective calendar, and changing calendars (audited).

A school's own calendar overrides the LA default: its terms replace the default's when it has
any (an academy with its own term dates), its INSET days are always its own, and its start time
and on-duty key adult are its own. The bank holidays come from the kernel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from safeguard.core import audit, holidays
from safeguard.core.models import Organisation
from safeguard.core.models.audit import AuditAction
from safeguard.encompass import policies, rules
from safeguard.encompass.models import Calendar, InsetDay, Term

DEFAULT_START = time(8, 45)


@dataclass(frozen=True)
class Effective:
    calendar: rules.SchoolCalendar
    on_duty_key_adult: Any  # a Person or None
    la_holiday_contact: Any  # a Person or None


def default_calendar() -> Calendar | None:
    return Calendar.objects.filter(is_default=True).first()


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
        on_duty_key_adult=own.holiday_contact if own and own.holiday_contact_id else None,
        la_holiday_contact=default.holiday_contact if default else None,
    )


def _state(calendar: Calendar) -> dict[str, Any]:
    return {
        "school_id": calendar.school_id,
        "is_default": calendar.is_default,
        "day_starts_at": calendar.day_starts_at.isoformat(),
        "holiday_contact_id": calendar.holiday_contact_id,
    }


def _check_may(actor: Any, school: Organisation | None) -> None:
    if not policies.may_manage_calendar(actor, school.pk if school else None):
        raise PermissionDenied


def calendar_save(
    *,
    actor: Any,
    school: Organisation | None,
    day_starts_at: time,
    holiday_contact: Any = None,
) -> Calendar:
    """Create or change the LA default (``school`` None) or a school's own calendar."""
    _check_may(actor, school)
    if school is not None and school.kind != "school":
        raise ValidationError({"school": "Only a school has a school calendar"})
    with transaction.atomic():
        if school is None:
            calendar, created = Calendar.objects.get_or_create(is_default=True)
        else:
            calendar, created = Calendar.objects.get_or_create(school=school)
        before = {} if created else _state(calendar)
        calendar.day_starts_at = day_starts_at
        calendar.holiday_contact = holiday_contact
        calendar.save()
        changes = audit.diff(before, _state(calendar))
        if changes:
            audit.record(
                action=AuditAction.CREATE if created else AuditAction.UPDATE,
                record_type="encompass.calendar",
                record_id=calendar.pk,
                actor=actor,
                changes=changes,
            )
    return calendar


def term_add(*, actor: Any, calendar: Calendar, name: str, starts_on: date, ends_on: date) -> Term:
    _check_may(actor, calendar.school)
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "The term must end on or after the day it starts"})
    overlapping = calendar.terms.filter(starts_on__lte=ends_on, ends_on__gte=starts_on)
    if overlapping.exists():
        raise ValidationError({"starts_on": "The term overlaps another term of this calendar"})
    with transaction.atomic():
        term = Term.objects.create(
            calendar=calendar, name=name.strip()[:60], starts_on=starts_on, ends_on=ends_on
        )
        audit.record(
            action=AuditAction.CREATE,
            record_type="encompass.term",
            record_id=term.pk,
            actor=actor,
            changes={
                "calendar_id": [None, calendar.pk],
                "starts_on": [None, starts_on.isoformat()],
                "ends_on": [None, ends_on.isoformat()],
            },
        )
    return term


def term_remove(*, actor: Any, term: Term) -> None:
    _check_may(actor, term.calendar.school)
    with transaction.atomic():
        audit.record(
            action=AuditAction.DELETE,
            record_type="encompass.term",
            record_id=term.pk,
            actor=actor,
            changes={"starts_on": [term.starts_on.isoformat(), None]},
        )
        term.delete()


def inset_day_add(*, actor: Any, calendar: Calendar, day: date) -> InsetDay:
    _check_may(actor, calendar.school)
    if day.weekday() >= 5:
        raise ValidationError({"date": "An INSET day is a weekday"})
    with transaction.atomic():
        inset, created = InsetDay.objects.get_or_create(calendar=calendar, date=day)
        if created:
            audit.record(
                action=AuditAction.CREATE,
                record_type="encompass.inset_day",
                record_id=inset.pk,
                actor=actor,
                changes={"calendar_id": [None, calendar.pk], "date": [None, day.isoformat()]},
            )
    return inset
