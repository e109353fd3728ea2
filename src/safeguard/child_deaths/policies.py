"""Who may do what with child deaths: the only place that decides access for this module.

The tightest need to know in the platform (DESIGN.md section 4): a death's details are seen only
by members of the Child Death Overview Panel and the designated doctor's team, both groups of
kind "Child Death Overview Panel" in the partnership's groups. A role grants the capability
(``GRANTS``, given to roles in ``apps``); membership of such a group gives the reason.

Any agency may notify a death, but sees only the acknowledgement of its own organisation's
notifications, never the case. An agency asked for a reporting form answers its own form: the
page shows what the agency needs to find its records (name, date of birth, date of death) and
nothing of what other agencies said.
"""

from __future__ import annotations

from typing import Any

from safeguard.core import policies as core_policies
from safeguard.core.models import ApiKey, Membership
from safeguard.core.models.organisations import GroupKind
from safeguard.core.roles import Role


class Cap:
    NOTIFY = "child_deaths.notify"  # tell the partnership of a death; see one's own acknowledgement
    REPORT = "child_deaths.report"  # answer one's own agency's reporting form
    REVIEW = "child_deaths.review"  # the module's cases, JAR, review and analysis (members only)
    # Replace the deprivation (IMD) lookup: the Business Unit, besides the CDOP team.
    IMPORT_DEPRIVATION = "child_deaths.deprivation.import"


# The roles a CDOP member or the designated doctor's team may hold; membership decides.
_TEAM_ROLES = {
    Role.SUBGROUP_MEMBER,
    Role.STATUTORY_PARTNER_LEAD,
    Role.BUSINESS_UNIT_ADMIN,
    Role.BUSINESS_UNIT_OFFICER,
    Role.PRACTITIONER,
}

GRANTS: dict[str, set[str]] = {role.value: {Cap.NOTIFY, Cap.REPORT} for role in Role}
for _role in _TEAM_ROLES:
    GRANTS[_role] |= {Cap.REVIEW}
for _role in (Role.BUSINESS_UNIT_ADMIN, Role.BUSINESS_UNIT_OFFICER):
    GRANTS[_role] |= {Cap.IMPORT_DEPRIVATION}

NOTIFY_SCOPE = "child_deaths:notify"


def can(person: Any, capability: str) -> bool:
    if isinstance(person, ApiKey):
        return False
    return core_policies.can(person, capability)


def is_team(person: Any) -> bool:
    """A CDOP member or one of the designated doctor's team, through a role that allows it."""
    if not can(person, Cap.REVIEW):
        return False
    # Cached on the person for the request: lists and "what is due" ask once per death.
    cached = getattr(person, "_cdop_team", None)
    if cached is None:
        cached = Membership.objects.filter(
            person_id=person.pk, group__kind=GroupKind.CDOP, group__active=True
        ).exists()
        person._cdop_team = cached
    return bool(cached)


def can_see_death(person: Any, death: Any) -> bool:
    return is_team(person)


def can_change_death(person: Any, death: Any) -> bool:
    """The team works a death until its review is complete."""
    return is_team(person) and death.status != "complete"


def can_see_acknowledgement(person: Any, notification: Any) -> bool:
    return can(person, Cap.NOTIFY) and notification.organisation_id == person.organisation_id


def can_open_form(person: Any, form: Any) -> bool:
    """The team reads every form (a completed review's too); the asked agency its own while
    the review is open."""
    if is_team(person):
        return True
    return can_answer_form(person, form)


def can_answer_form(person: Any, form: Any) -> bool:
    """The asked agency's people, or the team, while the review is open."""
    if form.death.status == "complete":
        return False
    if is_team(person):
        return True
    return can(person, Cap.REPORT) and person.organisation_id == form.organisation_id


def organisation_may_notify(organisation: Any) -> bool:
    return bool(organisation.active)


def may_see_learning_actions(person: Any, source_id: str) -> bool:
    """The shared action plan asks who, besides the Business Unit and the owner agency, sees
    and manages the actions from a death's learning: the team."""
    return is_team(person)


def may_import_deprivation(person: Any) -> bool:
    """The CDOP team or the Business Unit replaces the deprivation lookup (public data about
    areas: no death's details are read or shown by the import)."""
    return can(person, Cap.IMPORT_DEPRIVATION) or is_team(person)
