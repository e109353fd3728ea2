"""Who hears of an action: its owner person, or failing one its organisation's leads."""

from __future__ import annotations

from typing import Any

from safeguard.core.models import Person
from safeguard.core.roles import Role

LEADS = (Role.STATUTORY_PARTNER_LEAD, Role.SCHOOL_DSL, Role.LA_DECISION_MAKER)


def people_to_tell(action: Any) -> list[Person]:
    owner = action.owner_person
    if owner is not None and owner.is_active and owner.email:
        return [owner]
    return list(
        Person.objects.filter(
            is_active=True,
            organisation_id=action.owner_organisation_id,
            role_assignments__role__in=list(LEADS),
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
