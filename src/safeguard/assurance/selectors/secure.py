"""Reads of secure settings' returns and incident reviews: a setting's own, or all for the
Business Unit. Figures name no child; a refused attempt is audited all the same."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from safeguard.assurance import policies, rules
from safeguard.assurance.models import IncidentReview, MonthlyReturn
from safeguard.assurance.selectors._common import refused
from safeguard.assurance.services._common import REVIEW
from safeguard.core.models import Organisation


def settings_for(*, actor: Any) -> list[Organisation]:
    found = Organisation.objects.filter(kind="secure_setting", active=True).order_by("name")
    return [o for o in found if policies.can_see_setting(actor, o)]


def setting_for(*, actor: Any, pk: int) -> Organisation:
    found = Organisation.objects.filter(pk=pk).first()
    if found is None or not policies.can_see_setting(actor, found):
        refused(actor, "core.organisation", pk)
        raise Http404
    return found


def returns_of(organisation: Organisation, *, months: int = 24) -> list[MonthlyReturn]:
    return list(MonthlyReturn.objects.filter(organisation=organisation).order_by("-month")[:months])


def return_of(organisation: Organisation, month: date) -> MonthlyReturn | None:
    return MonthlyReturn.objects.filter(organisation=organisation, month=month).first()


def reviews_for(*, actor: Any) -> QuerySet[IncidentReview]:
    visible = [o.pk for o in settings_for(actor=actor)]
    return IncidentReview.objects.filter(organisation_id__in=visible).select_related("organisation")


def review_for(*, actor: Any, pk: int) -> IncidentReview:
    found = IncidentReview.objects.select_related("organisation").filter(pk=pk).first()
    if found is None or not policies.can_see_setting(actor, found.organisation):
        refused(actor, REVIEW, pk)
        raise Http404
    return found


def figure_total(field: str, start: date, end: date) -> int | None:
    """One figure summed over every setting's returns for months in [start, end); a gap when
    no setting returned that figure then."""
    if field not in rules.FIGURE_FIELDS:
        raise ValueError(field)
    values = MonthlyReturn.objects.filter(month__gte=start, month__lt=end).values_list(
        field, flat=True
    )
    return rules.total(list(values))


def restraints_by_month(start_year: int) -> list[tuple[str, list[int | None]]]:
    """The annual report's table: each setting with restraints, main site and specialist unit,
    by month of the financial year starting April ``start_year``."""
    months = rules.financial_year_months(start_year)
    found = MonthlyReturn.objects.filter(month__in=months).select_related("organisation")
    by_org: dict[str, dict[date, MonthlyReturn]] = {}
    for row in found:
        by_org.setdefault(row.organisation.name, {})[row.month] = row
    table: list[tuple[str, list[int | None]]] = []
    for name in sorted(by_org):
        rows = by_org[name]
        for field, label in (
            ("restraints_main_site", "main site"),
            ("restraints_specialist_unit", "specialist unit"),
        ):
            values = [getattr(rows[m], field) if m in rows else None for m in months]
            if any(v is not None for v in values):
                table.append((f"{name}, {label}", values))
    return table
