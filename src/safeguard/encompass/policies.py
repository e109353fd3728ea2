"""Who may do what in Operation Encompass: the only place that decides access for this module.

Need to know (DESIGN.md section 3): a police user sees only their own force's incidents; a
school's DSL only the notifications for pupils of their own school; the LA Encompass
coordinator the children not found on a roll, the matches waiting for a person, the
notifications escalated or sent to the LA holiday contact, and the oversight figures.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from safeguard.core import policies as core_policies
from safeguard.core.models.organisations import OrganisationKind
from safeguard.core.roles import Role
from safeguard.encompass.models import FirstRecipient, Forward, Incident, Notification


class Cap:
    SUBMIT = "encompass.incidents.submit"
    VIEW_INCIDENTS = "encompass.incidents.view"
    VIEW_NOTIFICATIONS = "encompass.notifications.view"
    ACKNOWLEDGE = "encompass.notifications.acknowledge"
    REVIEW_MATCHES = "encompass.matches.review"
    MANAGE_UNMATCHED = "encompass.unmatched.manage"
    VIEW_OVERSIGHT = "encompass.oversight.view"
    MANAGE_CALENDARS = "encompass.calendars.manage"
    MANAGE_NEIGHBOURS = "encompass.neighbours.manage"
    VIEW_FORWARDS = "encompass.forwards.view"


GRANTS: dict[str, set[str]] = {
    Role.POLICE_OFFICER: {Cap.SUBMIT, Cap.VIEW_INCIDENTS, Cap.VIEW_OVERSIGHT, Cap.VIEW_FORWARDS},
    Role.SCHOOL_DSL: {Cap.VIEW_NOTIFICATIONS, Cap.ACKNOWLEDGE, Cap.MANAGE_CALENDARS},
    Role.LA_ENCOMPASS_COORDINATOR: {
        Cap.VIEW_NOTIFICATIONS,
        Cap.REVIEW_MATCHES,
        Cap.MANAGE_UNMATCHED,
        Cap.VIEW_OVERSIGHT,
        Cap.MANAGE_CALENDARS,
        Cap.MANAGE_NEIGHBOURS,
        Cap.VIEW_FORWARDS,
    },
    Role.BUSINESS_UNIT_ADMIN: {Cap.VIEW_OVERSIGHT, Cap.MANAGE_CALENDARS, Cap.MANAGE_NEIGHBOURS},
    Role.BUSINESS_UNIT_OFFICER: {Cap.VIEW_OVERSIGHT},
    Role.INDEPENDENT_CHAIR: {Cap.VIEW_OVERSIGHT},
}


def can(person: Any, capability: str) -> bool:
    return core_policies.can(person, capability)


def _roles(person: Any) -> frozenset[str]:
    if not core_policies.capabilities(person):
        return frozenset()
    return frozenset(person.role_codes)


def is_coordinator(person: Any) -> bool:
    return Role.LA_ENCOMPASS_COORDINATOR in _roles(person)


def is_police(person: Any) -> bool:
    return (
        Role.POLICE_OFFICER in _roles(person)
        and person.organisation.kind == OrganisationKind.POLICE
    )


def is_school_dsl(person: Any) -> bool:
    return Role.SCHOOL_DSL in _roles(person) and person.organisation.kind == OrganisationKind.SCHOOL


def may_submit_for(person: Any) -> bool:
    """A police user submits incidents for their own force only."""
    return can(person, Cap.SUBMIT) and is_police(person)


def incidents_visible(person: Any, rows: QuerySet[Incident]) -> QuerySet[Incident]:
    if not can(person, Cap.VIEW_INCIDENTS):
        return rows.none()
    if is_police(person):
        return rows.filter(force_id=person.organisation_id)
    return rows.none()


def notifications_visible(person: Any, rows: QuerySet[Notification]) -> QuerySet[Notification]:
    if not can(person, Cap.VIEW_NOTIFICATIONS):
        return rows.none()
    allowed = Q(pk__in=[])
    if is_school_dsl(person):
        allowed |= Q(school_id=person.organisation_id)
    if is_coordinator(person):
        allowed |= (
            Q(escalated_at__isnull=False)
            | Q(first_recipient=FirstRecipient.LA_HOLIDAY_CONTACT)
            | Q(no_key_adult=True)
        )
    return rows.filter(allowed)


def may_acknowledge(person: Any, notification: Notification) -> bool:
    return (
        can(person, Cap.ACKNOWLEDGE)
        and is_school_dsl(person)
        and notification.school_id == person.organisation_id
    )


def may_manage_calendar(person: Any, school_id: int | None) -> bool:
    """The LA (coordinator, Business Unit admin) manages every calendar; a DSL their school's."""
    if not can(person, Cap.MANAGE_CALENDARS):
        return False
    if is_coordinator(person) or Role.BUSINESS_UNIT_ADMIN in _roles(person):
        return True
    return school_id is not None and is_school_dsl(person) and person.organisation_id == school_id


def forwards_visible(person: Any, rows: QuerySet[Forward]) -> QuerySet[Forward]:
    """The LA coordinator sees every forward; a police user their own force's; nobody else."""
    if not can(person, Cap.VIEW_FORWARDS):
        return rows.none()
    if is_coordinator(person):
        return rows
    if is_police(person):
        return rows.filter(child__incident__force_id=person.organisation_id)
    return rows.none()


def may_manage_key_adults(person: Any, school: Any) -> bool:
    """A school's DSL names its own key adults; the LA (who manage every calendar) any school's."""
    if not can(person, Cap.MANAGE_CALENDARS):
        return False
    if may_manage_calendar(person, None):
        return True
    return is_school_dsl(person) and person.organisation_id == getattr(school, "pk", None)


def may_reroute(person: Any) -> bool:
    """Sending a misrouted or forwarded child to the right local school is the LA
    coordinator's."""
    return can(person, Cap.MANAGE_UNMATCHED) and is_coordinator(person)


def may_act_on_forward(person: Any) -> bool:
    """Retrying a failed forward or revoking its link is the LA coordinator's."""
    return can(person, Cap.VIEW_FORWARDS) and is_coordinator(person)


def may_search_rolls(person: Any) -> bool:
    """Searching every school's roll by name and date of birth is the LA coordinator's, for a
    child waiting for review or on the list of children on no roll."""
    return is_coordinator(person) and (
        can(person, Cap.REVIEW_MATCHES) or can(person, Cap.MANAGE_UNMATCHED)
    )
