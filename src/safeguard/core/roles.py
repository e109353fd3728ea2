"""Roles and the capabilities they grant: the vocabulary every policy speaks.

Roles are fixed in code so that what a role can do is reviewed like any other change, not edited
in a form. Modules add their own capabilities with ``grant`` when their app loads, so the kernel
never needs to know them (DESIGN.md section 2: ``core`` knows no module).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models


class Role(models.TextChoices):
    BUSINESS_UNIT_ADMIN = "business_unit_admin", "Business Unit administrator"
    BUSINESS_UNIT_OFFICER = "business_unit_officer", "Business Unit officer"
    INDEPENDENT_CHAIR = "independent_chair", "Independent Chair"
    LA_DECISION_MAKER = "la_decision_maker", "LA decision maker"
    STATUTORY_PARTNER_LEAD = "statutory_partner_lead", "Statutory partner lead"
    POLICE_OFFICER = "police_officer", "Police Encompass or domestic abuse officer"
    SCHOOL_DSL = "school_dsl", "School designated safeguarding lead"
    SUBGROUP_MEMBER = "subgroup_member", "Subgroup member"
    PRACTITIONER = "practitioner", "Practitioner"
    DATA_PROTECTION_OFFICER = "data_protection_officer", "Data protection officer"
    LA_DATA_TEAM = "la_data_team", "LA data team"
    LA_ENCOMPASS_COORDINATOR = "la_encompass_coordinator", "LA Encompass coordinator"


class Capability:
    """The kernel's own capabilities. Names read as ``area.verb``."""

    USE_SERVICE = "service.use"
    MANAGE_PARTNERSHIP = "partnership.manage"
    VIEW_PARTNERSHIP = "partnership.view"
    VIEW_DEADLINES = "deadlines.view"
    VIEW_ALL_DEADLINES = "deadlines.view_all"
    MANAGE_HOLIDAYS = "holidays.manage"
    VIEW_AUDIT = "audit.view"
    # Who viewed one record, shown beside the record to those who oversee it (DESIGN.md 3:
    # "anyone entitled can see who has viewed a child's record"); the module decides the record.
    VIEW_RECORD_VIEWERS = "audit.record_viewers"
    VIEW_OUTBOX = "outbox.view"
    MANAGE_API_KEYS = "apikeys.manage"


_everyone = {Capability.USE_SERVICE, Capability.VIEW_DEADLINES}

_CAPABILITIES: dict[str, set[str]] = {role.value: set(_everyone) for role in Role}
_CAPABILITIES[Role.BUSINESS_UNIT_ADMIN] |= {
    Capability.MANAGE_PARTNERSHIP,
    Capability.VIEW_PARTNERSHIP,
    Capability.VIEW_ALL_DEADLINES,
    Capability.MANAGE_HOLIDAYS,
    Capability.VIEW_OUTBOX,
    Capability.MANAGE_API_KEYS,
}
_CAPABILITIES[Role.BUSINESS_UNIT_OFFICER] |= {
    Capability.VIEW_PARTNERSHIP,
    Capability.VIEW_ALL_DEADLINES,
    Capability.VIEW_OUTBOX,
}
_CAPABILITIES[Role.INDEPENDENT_CHAIR] |= {
    Capability.VIEW_PARTNERSHIP,
    Capability.VIEW_ALL_DEADLINES,
}
_CAPABILITIES[Role.DATA_PROTECTION_OFFICER] |= {Capability.VIEW_AUDIT, Capability.VIEW_OUTBOX}
for _overseer in (
    Role.INDEPENDENT_CHAIR,
    Role.BUSINESS_UNIT_ADMIN,
    Role.BUSINESS_UNIT_OFFICER,
    Role.DATA_PROTECTION_OFFICER,
):
    _CAPABILITIES[_overseer].add(Capability.VIEW_RECORD_VIEWERS)


def grant(role: str, capabilities: Iterable[str]) -> None:
    """Let a module add capabilities to a role when its app loads."""
    _CAPABILITIES[Role(role)].update(capabilities)


def capabilities_of(roles: Iterable[str]) -> frozenset[str]:
    granted: set[str] = set()
    for role in roles:
        granted |= _CAPABILITIES.get(role, set())
    return frozenset(granted)


def roles_with(capability: str) -> frozenset[str]:
    return frozenset(role for role, caps in _CAPABILITIES.items() if capability in caps)
