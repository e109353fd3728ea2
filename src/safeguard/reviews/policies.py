"""Who may do what with serious incidents: the only place that decides access for this module.

Need to know (DESIGN.md section 3): identifiable details of a case go to the Independent Chair,
the Business Unit, the LA decision makers, the RAG members of the statutory partners (a
statutory partner lead who also belongs to a Review Advisory Group) and the referrer for their
own referral. Everyone else sees learning only, anonymised. A draft is its author's alone until
it is submitted.
"""

from __future__ import annotations

from typing import Any

from safeguard.core import policies as core_policies
from safeguard.core.models import ApiKey, Membership
from safeguard.core.models.organisations import GroupKind, OrganisationKind
from safeguard.core.roles import Role


class Cap:
    USE = "reviews.use"  # the module's pages at all: cases list, own referrals
    REFER = "reviews.refer"
    MANAGE = "reviews.manage"  # the Business Unit: meetings, Rapid Review, CSPR, actions
    DECIDE = "reviews.decide"  # the LA's notification decision
    CONTRIBUTE = "reviews.contribute"  # add information and a professional opinion
    SIGN_OFF = "reviews.sign_off"  # a statutory partner signs off the Rapid Review
    VIEW_LEARNING = "reviews.learning.view"
    VIEW_OVERSIGHT = "reviews.oversight.view"


_REFERRERS = {
    Role.PRACTITIONER,
    Role.SCHOOL_DSL,
    Role.POLICE_OFFICER,
    Role.STATUTORY_PARTNER_LEAD,
    Role.BUSINESS_UNIT_ADMIN,
    Role.BUSINESS_UNIT_OFFICER,
}
_CASE_ROLES = {
    Role.INDEPENDENT_CHAIR,
    Role.BUSINESS_UNIT_ADMIN,
    Role.BUSINESS_UNIT_OFFICER,
    Role.LA_DECISION_MAKER,
    Role.STATUTORY_PARTNER_LEAD,
}

GRANTS: dict[str, set[str]] = {role.value: {Cap.VIEW_LEARNING} for role in Role}
for _role in _REFERRERS:
    GRANTS[_role] |= {Cap.USE, Cap.REFER}
for _role in _CASE_ROLES:
    GRANTS[_role] |= {Cap.USE, Cap.VIEW_OVERSIGHT}
for _role in (Role.BUSINESS_UNIT_ADMIN, Role.BUSINESS_UNIT_OFFICER):
    GRANTS[_role] |= {Cap.MANAGE, Cap.CONTRIBUTE}
GRANTS[Role.LA_DECISION_MAKER] |= {Cap.DECIDE, Cap.CONTRIBUTE, Cap.SIGN_OFF}
GRANTS[Role.STATUTORY_PARTNER_LEAD] |= {Cap.CONTRIBUTE, Cap.SIGN_OFF}


MANAGE_SCOPE = "reviews:manage"


def can(person: Any, capability: str) -> bool:
    """A person through their roles; an API key through its organisation (``key_capabilities``)."""
    if isinstance(person, ApiKey):
        return capability in key_capabilities(person)
    return core_policies.can(person, capability)


def key_capabilities(key: ApiKey) -> frozenset[str]:
    """A key acts as its organisation. The Business Unit's key (an organisation of kind
    "partnership") with the ``reviews:manage`` scope does the Business Unit's steps; no other
    key manages a case, whatever its scopes.
    """
    organisation = key.organisation
    if (
        MANAGE_SCOPE in key.scopes
        and organisation.kind == OrganisationKind.PARTNERSHIP
        and organisation.active
    ):
        return frozenset({Cap.MANAGE})
    return frozenset()


def _roles(person: Any) -> frozenset[str]:
    if not core_policies.capabilities(person):
        return frozenset()
    return frozenset(person.role_codes)


def is_rag_member(person: Any) -> bool:
    """A statutory partner lead of a statutory partner who belongs to a Review Advisory Group."""
    if Role.STATUTORY_PARTNER_LEAD not in _roles(person):
        return False
    if not person.organisation.statutory_partner:
        return False
    # Cached on the person for the request: "what is due" asks once per case it lists.
    cached = getattr(person, "_reviews_rag_member", None)
    if cached is None:
        cached = Membership.objects.filter(
            person_id=person.pk, group__kind=GroupKind.REVIEW_ADVISORY_GROUP, group__active=True
        ).exists()
        person._reviews_rag_member = cached
    return bool(cached)


def sees_every_case(person: Any) -> bool:
    """The Chair, the Business Unit, LA decision makers and the RAG's statutory members."""
    roles = _roles(person)
    if roles & {
        Role.INDEPENDENT_CHAIR,
        Role.BUSINESS_UNIT_ADMIN,
        Role.BUSINESS_UNIT_OFFICER,
        Role.LA_DECISION_MAKER,
    }:
        return True
    return is_rag_member(person)


def can_see_case(person: Any, incident: Any) -> bool:
    """Identifiable details of one case. Drafts: their author only."""
    if not can(person, Cap.USE):
        return False
    if incident.status == "draft":
        return incident.referrer_id is not None and incident.referrer_id == person.pk
    if incident.referrer_id is not None and incident.referrer_id == person.pk:
        return True
    return sees_every_case(person)


def can_edit_draft(person: Any, incident: Any) -> bool:
    return (
        can(person, Cap.REFER) and incident.status == "draft" and incident.referrer_id == person.pk
    )


def can_manage(person: Any, incident: Any) -> bool:
    return can(person, Cap.MANAGE) and incident.status != "draft"


def can_decide(person: Any, incident: Any) -> bool:
    """Only the LA's decision maker, and only while the case awaits its decision."""
    return can(person, Cap.DECIDE) and incident.status == "awaiting_decision"


def can_contribute(person: Any, incident: Any) -> bool:
    """RAG members of statutory partners, LA decision makers and the Business Unit."""
    if not can(person, Cap.CONTRIBUTE) or incident.status == "draft":
        return False
    return sees_every_case(person)


def can_sign_off(person: Any, incident: Any) -> bool:
    """A statutory partner's RAG member or LA decision maker, for their own organisation."""
    if not can(person, Cap.SIGN_OFF) or incident.status != "rapid_review":
        return False
    if not person.organisation.statutory_partner:
        return False
    return Role.LA_DECISION_MAKER in _roles(person) or is_rag_member(person)


def can_answer_request(person: Any, incident: Any, organisation_id: int) -> bool:
    """The Business Unit, or anyone of the asked agency who uses the module (its RAG member, or
    the officer or practitioner who holds the agency's records), records its information.

    The request page shows the case reference, the agency and the due date, never the child's
    details: answering for one's own agency does not open the case.
    """
    if incident.status != "rapid_review":
        return False
    if can(person, Cap.MANAGE):
        return True
    return can(person, Cap.USE) and person.organisation_id == organisation_id


def can_update_action(person: Any, incident: Any, owner_organisation_id: int) -> bool:
    """The Business Unit, or a RAG member of the organisation that owns the action."""
    if incident.status in ("draft", "closed"):
        return False
    if can(person, Cap.MANAGE):
        return True
    return (
        can(person, Cap.CONTRIBUTE)
        and person.organisation_id == owner_organisation_id
        and sees_every_case(person)
    )


# --- partner systems (API keys act as their organisation) ------------------------------------

CONTRIBUTION_STATES = ("awaiting_decision", "rapid_review")


def organisation_may_contribute(organisation: Any, incident: Any) -> bool:
    """A statutory partner, or an agency involved with the child, while views are sought."""
    if incident.status not in CONTRIBUTION_STATES or not organisation.active:
        return False
    if organisation.statutory_partner:
        return True
    return incident.agencies_involved.filter(pk=organisation.pk).exists()


def organisation_sees_every_case(organisation: Any) -> bool:
    """The Business Unit's systems read every case's state (never a child's details)."""
    return bool(organisation.active and organisation.kind == OrganisationKind.PARTNERSHIP)


def organisation_may_sign_off(organisation: Any) -> bool:
    """Only a statutory partner signs off a Rapid Review (the person must be entitled too)."""
    return bool(organisation.active and organisation.statutory_partner)
