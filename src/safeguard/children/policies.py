"""Who may read and change the matching model: the only place that decides it for this module.

The model decides which school hears about a child, so reading its numbers is for the people
who answer for matching (the Business Unit administrator, the LA Encompass coordinator, the LA
data team) and changing them is for the Business Unit administrator alone.
"""

from __future__ import annotations

from typing import Any

from safeguard.core import policies as core_policies
from safeguard.core.roles import Role


class Cap:
    VIEW_MATCH_MODEL = "children.view_match_model"
    MANAGE_MATCH_MODEL = "children.manage_match_model"
    # A school's designated safeguarding lead reads the roll of their own school (to name the
    # pupil a home education notice is about, for instance), never another school's.
    READ_OWN_ROLL = "children.read_own_roll"


GRANTS: dict[str, set[str]] = {
    Role.BUSINESS_UNIT_ADMIN: {Cap.VIEW_MATCH_MODEL, Cap.MANAGE_MATCH_MODEL},
    Role.LA_ENCOMPASS_COORDINATOR: {Cap.VIEW_MATCH_MODEL},
    Role.LA_DATA_TEAM: {Cap.VIEW_MATCH_MODEL},
    Role.SCHOOL_DSL: {Cap.READ_OWN_ROLL},
}


def can_view_match_model(person: Any) -> bool:
    return core_policies.can(person, Cap.VIEW_MATCH_MODEL)


def can_manage_match_model(person: Any) -> bool:
    return core_policies.can(person, Cap.MANAGE_MATCH_MODEL)


def may_read_roll_of(person: Any, school_id: int | None) -> bool:
    """A school's DSL reads their own school's roll, and only while they are in a school."""
    organisation = getattr(person, "organisation", None)
    return (
        school_id is not None
        and core_policies.can(person, Cap.READ_OWN_ROLL)
        and organisation is not None
        and organisation.kind == "school"
        and person.organisation_id == school_id
    )
