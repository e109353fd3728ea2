"""The area's women aged 16 and over: the population the MARAC's volume is counted over.

SafeLives publishes every MARAC's cases per 10,000 adult (16+) females; the partnership's own
figure needs its own population, which changes each year with the ONS mid-year estimates. The
Business Unit sets it (``Cap.MANAGE``); every setting is kept and audited, and the latest
stands for the scorecard's counts and the MARAC page alike (``measures.adult_women``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from safeguard.core import audit
from safeguard.core.clock import london_date
from safeguard.core.models.audit import AuditAction
from safeguard.domestic_abuse import policies, rules
from safeguard.domestic_abuse.models import AdultWomenPopulation

POPULATION = "domestic_abuse.adult_women"


def adult_women_set(
    *, actor: Any, figure: int | None, year: int | None, source: str
) -> AdultWomenPopulation:
    """Record the area's women aged 16 and over; refused (ValidationError by field) when the
    figure is not one MARAC area's, the year is not an estimate's, or the source is missing."""
    if not policies.can(actor, policies.Cap.MANAGE):
        raise PermissionDenied
    now = timezone.now()
    problems = rules.adult_women_problems(figure, year, london_date(now).year)
    source = source.strip()
    if not source:
        problems["source"] = "Enter where the figure comes from, such as the ONS estimate"
    if problems:
        raise ValidationError(problems)
    assert figure is not None and year is not None
    with transaction.atomic():
        setting = AdultWomenPopulation.objects.create(
            figure=figure, year=year, source=source, set_by=actor, set_at=now
        )
        audit.record(
            action=AuditAction.CREATE,
            record_type=POPULATION,
            record_id=setting.pk,
            actor=actor,
            changes={"figure": figure, "year": year, "source": source},
            detail="the area's women aged 16 and over",
        )
    return setting
