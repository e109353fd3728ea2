"""Adding a one-off bank holiday announced after the release (a state funeral, a coronation).

The function checks the policy itself (the page checks it too), runs in one transaction and
writes one audit row. Validation raises ``ValidationError`` keyed by field name.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from safeguard.core import audit, holidays, policies
from safeguard.core.clock import london_date
from safeguard.core.models import ExtraHoliday
from safeguard.core.models.audit import AuditAction
from safeguard.core.roles import Capability

RECORD_TYPE = "core.extra_holiday"
_ALREADY = "The date of the holiday is already a bank holiday"


def holiday_problems(*, day: date, name: str, today: date | None = None) -> dict[str, str]:
    """Every reason the holiday cannot be added, keyed by field; empty when it can."""
    errors: dict[str, str] = {}
    today = today or london_date(timezone.now())
    if day.weekday() >= 5:
        errors["date"] = (
            f"The date of the holiday is a {day:%A}: a bank holiday must fall on a weekday"
        )
    elif day < today:
        errors["date"] = "The date of the holiday must be today or in the future"
    elif any(h.date == day for h in holidays.holidays_between(day, day)):
        errors["date"] = _ALREADY
    if not name.strip():
        errors["name"] = "Enter the name of the holiday"
    elif len(name.strip()) > 200:
        errors["name"] = "The name of the holiday must be 200 characters or fewer"
    return errors


def holiday_add(*, actor: Any, date: date, name: str) -> ExtraHoliday:
    """Add a bank holiday; every clock counted after this call skips it."""
    if not policies.can(actor, Capability.MANAGE_HOLIDAYS):
        raise PermissionDenied
    errors = holiday_problems(day=date, name=name)
    if errors:
        raise ValidationError({field: [message] for field, message in errors.items()})
    try:
        with transaction.atomic():
            extra = ExtraHoliday.objects.create(date=date, name=name.strip(), added_by=actor)
            audit.record(
                action=AuditAction.CREATE,
                record_type=RECORD_TYPE,
                record_id=extra.pk,
                actor=actor,
                changes={"date": [None, date.isoformat()], "name": [None, extra.name]},
            )
    except IntegrityError as error:  # someone added the same date a moment ago
        raise ValidationError({"date": [_ALREADY]}) from error
    return extra
