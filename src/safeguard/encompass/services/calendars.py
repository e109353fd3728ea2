"""School calendars: changing the LA default or a school's own calendar (audited).

Reading a school's effective calendar (its own over the LA default) is in
``selectors.calendars``.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from safeguard.core import audit
from safeguard.core.models import Organisation
from safeguard.core.models.audit import AuditAction
from safeguard.encompass import policies
from safeguard.encompass.models import Calendar, InsetDay, Term
from safeguard.encompass.selectors.calendars import is_holiday_contact_for


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
    if holiday_contact is not None and not is_holiday_contact_for(holiday_contact, school):
        raise ValidationError(
            {
                "holiday_contact": "Choose the holiday contact from the list: one of the"
                " school's key adults, or the LA's holiday cover"
                if school is not None
                else "Choose the holiday contact from the list of the LA's Encompass coordinators"
            }
        )
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
