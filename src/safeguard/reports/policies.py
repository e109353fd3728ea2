"""Who may do what with the annual report: the only place that decides access for reports.

- The Business Unit starts a report, writes its narrative sections, sends each to its owner,
  and publishes the report once every section has been signed off.
- A section's owner (the person named on it) alone reviews it: approves it, or sends it back.
- Each statutory partner (an organisation marked as one: the LA, the police and health) signs
  off each reviewed section once, through a lead of that partner.
- The draft report, with every figure linked to the records behind it (each link shown only
  to those its module lets open it), is for the partnership's leaders; the published public
  version, its small numbers withheld, is for everyone who uses the service.
"""

from __future__ import annotations

from typing import Any

from safeguard.core import policies as core_policies
from safeguard.core.models import ApiKey
from safeguard.core.roles import Role
from safeguard.reports import rules


class Cap:
    VIEW = "reports.view"  # the draft report with its figures' links, and the workflow
    MANAGE = "reports.manage"  # the Business Unit: start, write, send for review, publish
    SIGN_OFF = "reports.sign_off"  # a statutory partner's lead signs off for the partner
    READ_PUBLISHED = "reports.read_published"  # the published public version


_LEADERS = (
    Role.INDEPENDENT_CHAIR,
    Role.STATUTORY_PARTNER_LEAD,
    Role.LA_DECISION_MAKER,
    Role.SUBGROUP_MEMBER,
)
GRANTS: dict[str, set[str]] = {role.value: {Cap.READ_PUBLISHED} for role in Role}
for _role in (Role.BUSINESS_UNIT_ADMIN, Role.BUSINESS_UNIT_OFFICER):
    GRANTS[_role.value] |= {Cap.VIEW, Cap.MANAGE}
for _role in _LEADERS:
    GRANTS[_role.value].add(Cap.VIEW)
for _role in (Role.STATUTORY_PARTNER_LEAD, Role.LA_DECISION_MAKER):
    GRANTS[_role.value].add(Cap.SIGN_OFF)


def can(actor: Any, capability: str) -> bool:
    if isinstance(actor, ApiKey) or actor is None:
        return False
    return core_policies.can(actor, capability)


def may_view(actor: Any) -> bool:
    return can(actor, Cap.VIEW)


def may_manage(actor: Any) -> bool:
    return can(actor, Cap.MANAGE)


def may_own(person: Any) -> bool:
    """Who may be named a section's owner: someone who can open the draft report."""
    return bool(person.is_active) and may_view(person)


def may_write(actor: Any, narrative: Any) -> bool:
    return (
        may_manage(actor)
        and narrative.report.status == "draft"
        and rules.may_edit(narrative.status)
    )


def may_submit(actor: Any, narrative: Any) -> bool:
    return may_write(actor, narrative) and rules.may_submit(narrative.status, narrative.body)


def may_review(actor: Any, narrative: Any) -> bool:
    """Only the section's owner reviews it, and only while it is with them."""
    return (
        may_view(actor)
        and actor.pk == narrative.owner_id
        and narrative.report.status == "draft"
        and rules.may_review(narrative.status)
    )


def signs_for(actor: Any) -> Any:
    """The statutory partner the actor may sign for, or None."""
    if not can(actor, Cap.SIGN_OFF):
        return None
    organisation = actor.organisation
    if organisation is None or not (organisation.statutory_partner and organisation.active):
        return None
    return organisation


def may_sign(actor: Any, narrative: Any, signed_organisation_ids: set[int]) -> bool:
    organisation = signs_for(actor)
    return (
        organisation is not None
        and narrative.report.status == "draft"
        and rules.may_sign(narrative.status)
        and organisation.pk not in signed_organisation_ids
    )


def may_publish(actor: Any, report: Any, statuses: list[str]) -> bool:
    return may_manage(actor) and report.status == "draft" and rules.may_publish(statuses)


def may_read_published(actor: Any, report: Any) -> bool:
    return report.status == "published" and can(actor, Cap.READ_PUBLISHED)


def may_build(actor: Any, report: Any, *, public: bool) -> bool:
    """The PDF of the draft for its viewers; of the public version for its readers."""
    return may_read_published(actor, report) if public else may_view(actor)
