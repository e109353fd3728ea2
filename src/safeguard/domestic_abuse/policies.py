"""Who may do what in domestic abuse triage: the only place that decides access for this module.

Need to know (DESIGN.md section 3): the board is for the DRAMM's members, the people of the
three agencies (children's social care, police, the domestic violence service) who hold the
board capability; the MARAC lists for the MARAC's members. Which organisations are those
agencies is a record (``Agency``) the Business Unit keeps, not a guess from a kind. Nobody else
sees a victim's or perpetrator's details.
"""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast

from safeguard.core import policies as core_policies
from safeguard.core.roles import Role
from safeguard.domestic_abuse.models import Agency, HomeEducationNotice, Incident, Referral


class Cap:
    BOARD = "domestic_abuse.board"
    MARAC = "domestic_abuse.marac"
    MANAGE = "domestic_abuse.manage"
    NOTICE_SEND = "domestic_abuse.home_education.send"
    NOTICE_READ = "domestic_abuse.home_education.read"


GRANTS: dict[str, set[str]] = {
    Role.POLICE_OFFICER: {Cap.BOARD, Cap.MARAC},
    Role.PRACTITIONER: {Cap.BOARD, Cap.MARAC},
    Role.STATUTORY_PARTNER_LEAD: {Cap.MARAC},
    Role.BUSINESS_UNIT_ADMIN: {Cap.MANAGE},
    Role.SCHOOL_DSL: {Cap.NOTICE_SEND},
    Role.LA_ENCOMPASS_COORDINATOR: {Cap.NOTICE_READ},
}


def can(person: Any, capability: str) -> bool:
    return core_policies.can(person, capability)


def _agency(person: Any) -> Agency | None:
    if not hasattr(person, "_da_agency"):
        person._da_agency = Agency.objects.filter(organisation_id=person.organisation_id).first()
    found: Agency | None = person._da_agency
    return found


def is_dramm_member(person: Any) -> bool:
    if not can(person, Cap.BOARD):
        return False
    agency = _agency(person)
    return agency is not None and agency.on_dramm


def is_marac_member(person: Any) -> bool:
    if not can(person, Cap.MARAC):
        return False
    agency = _agency(person)
    return agency is not None and agency.on_marac


def visible_referral_actions(person: Any) -> QuerySet[Referral, str] | list[str]:
    """The shared action plan's "may see" for MARAC referrals' actions, asked once a page
    rather than per row: every referral (its id as text, as the plan keeps it) for a MARAC
    member, as ``is_marac_member`` answers row by row; none for anyone else."""
    if not is_marac_member(person):
        return []
    return Referral.objects.annotate(source_id=Cast("pk", output_field=CharField())).values_list(
        "source_id", flat=True
    )


def incidents_visible(person: Any, rows: QuerySet[Incident]) -> QuerySet[Incident]:
    """DRAMM members triage every incident; MARAC members see those referred to the MARAC."""
    if is_dramm_member(person):
        return rows
    if is_marac_member(person):
        return rows.filter(referrals__isnull=False).distinct()
    return rows.none()


def referrals_visible(person: Any, rows: QuerySet[Referral]) -> QuerySet[Referral]:
    if is_marac_member(person) or is_dramm_member(person):
        return rows
    return rows.none()


def may_decide(person: Any) -> bool:
    return is_dramm_member(person)


def may_refer(person: Any) -> bool:
    """The DRAMM refers; any MARAC agency may refer directly with its DASH."""
    return is_dramm_member(person) or is_marac_member(person)


def may_research(person: Any) -> bool:
    return is_marac_member(person)


def may_link(person: Any) -> bool:
    return is_dramm_member(person)


def may_send_notice_for(person: Any, pupil: Any) -> bool:
    """A school's DSL tells the LA about its own pupils only."""
    return (
        can(person, Cap.NOTICE_SEND)
        and person.organisation.kind == "school"
        and pupil.school_id == person.organisation_id
    )


def notices_visible(
    person: Any, rows: QuerySet[HomeEducationNotice]
) -> QuerySet[HomeEducationNotice]:
    """The LA's Encompass coordinator reads every notice; a school's DSL those it sent."""
    if can(person, Cap.NOTICE_READ):
        return rows
    if can(person, Cap.NOTICE_SEND):
        return rows.filter(school_id=person.organisation_id)
    return rows.none()
