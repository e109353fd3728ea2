"""Reports' test records, made through the real services."""

from __future__ import annotations

from datetime import date
from typing import Any

from safeguard.core.models.organisations import OrganisationKind
from safeguard.core.roles import Role
from safeguard.reports.models import Narrative, Report
from safeguard.reports.services import narratives as narrative_services
from safeguard.reports.services import reports as report_services
from tests import factories


def partners() -> dict[str, Any]:
    """The three statutory partners and a lead of each who may sign off."""
    found = {}
    for kind in (OrganisationKind.LOCAL_AUTHORITY, OrganisationKind.POLICE, OrganisationKind.ICB):
        organisation = factories.organisation(kind=kind, statutory_partner=True)
        found[kind] = factories.person(
            Role.STATUTORY_PARTNER_LEAD.value, organisation_obj=organisation
        )
    return found


def business_unit() -> Any:
    unit = factories.organisation(kind=OrganisationKind.PARTNERSHIP)
    return factories.person(Role.BUSINESS_UNIT_OFFICER.value, organisation_obj=unit)


def report(actor: Any, *, title: str = "Annual report 2021 to 2023") -> Report:
    return report_services.report_create(
        actor=actor,
        title=title,
        period_start=date(2021, 4, 1),
        period_end=date(2023, 3, 31),
    )


def narrative(found: Report, key: str = "chair_introduction") -> Narrative:
    return found.narratives.get(key=key)


def signed_off(unit: Any, leads: dict[str, Any], item: Narrative, owner: Any) -> Narrative:
    """Write, review (as ``owner``) and sign off one section by every partner."""
    narrative_services.narrative_write(actor=unit, narrative=item, body="Text.", owner=owner)
    narrative_services.narrative_submit(actor=unit, narrative=item)
    narrative_services.narrative_review(actor=owner, narrative=item, approve=True)
    for lead in leads.values():
        narrative_services.narrative_sign_off(actor=lead, narrative=item)
    item.refresh_from_db()
    return item
