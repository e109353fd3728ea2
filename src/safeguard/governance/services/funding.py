"""Recording partners' contributions to the partnership's budget (the report's funding section).

The Business Unit records, for each partner and financial year, how much it gives and what it
funds. A second entry for the same partner and year corrects the first (the audit trail keeps
the amount it replaced), so the table never counts a partner twice in a year.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from safeguard.core import audit
from safeguard.core.models import Organisation
from safeguard.core.models.audit import AuditAction
from safeguard.governance import financial_years, policies
from safeguard.governance.models import FundingContribution
from safeguard.governance.services._common import fail, person_of, refuse_unless

FUNDING = "governance.funding"


def funding_record(
    *,
    actor: Any,
    organisation: Organisation | None,
    year_start: date | None,
    amount: Decimal | None,
    funds: str,
    now: datetime | None = None,
) -> FundingContribution:
    """Record (or correct) one partner's contribution for the financial year opening on
    ``year_start`` (any date in the year is taken as its 1 April)."""
    refuse_unless(policies.may_manage_funding(actor))
    errors = {}
    if organisation is None:
        errors["organisation"] = "Choose the partner"
    if year_start is None:
        errors["year_start"] = "Choose the financial year"
    if amount is None:
        errors["amount"] = "Enter the amount in pounds"
    elif amount < 0:
        errors["amount"] = "The amount must be £0 or more"
    if not funds.strip():
        errors["funds"] = "Enter what the contribution funds"
    fail(errors)
    assert organisation is not None and year_start is not None and amount is not None
    opening = financial_years.financial_year_start(year_start)
    with transaction.atomic():
        found = (
            FundingContribution.objects.select_for_update()
            .filter(organisation=organisation, year_start=opening)
            .first()
        )
        before = {"amount": str(found.amount)} if found else {}
        if found is None:
            found = FundingContribution(organisation=organisation, year_start=opening)
        found.amount = amount
        found.funds = funds.strip()
        found.recorded_at = now or timezone.now()
        found.recorded_by = person_of(actor)
        found.save()
        audit.record(
            action=AuditAction.UPDATE if before else AuditAction.CREATE,
            record_type=FUNDING,
            record_id=found.pk,
            actor=actor,
            changes=audit.diff(
                before,
                {
                    "amount": str(amount),
                    "organisation_id": organisation.pk,
                    "year_start": opening.isoformat(),
                },
            ),
        )
    return found
