"""Who may do what with training: the only place that decides access for this module.

Every person with an account, in any partner organisation (the third and private sectors are
the largest demand), may book. The Business Unit runs the catalogue, the sessions, the trainer
pool and the registers; a trainer takes the register of a session they deliver. A person sees
their own bookings only, and an organisation's named approver approves its people's bookings.
Nothing here concerns a child.
"""

from __future__ import annotations

from typing import Any

from safeguard.core import policies as core_policies
from safeguard.core.roles import Role


class Cap:
    BOOK = "training.book"  # the catalogue, booking, one's own bookings and evaluations
    MANAGE = "training.manage"  # the Business Unit: courses, sessions, registers, trainers
    VIEW_FIGURES = "training.figures.view"


GRANTS: dict[str, set[str]] = {role.value: {Cap.BOOK} for role in Role}
for _role in (Role.BUSINESS_UNIT_ADMIN, Role.BUSINESS_UNIT_OFFICER):
    GRANTS[_role] |= {Cap.MANAGE, Cap.VIEW_FIGURES}
for _role in (Role.INDEPENDENT_CHAIR, Role.STATUTORY_PARTNER_LEAD):
    GRANTS[_role] |= {Cap.VIEW_FIGURES}


def can(person: Any, capability: str) -> bool:
    return core_policies.can(person, capability)


def owns_booking(person: Any, booking: Any) -> bool:
    return can(person, Cap.BOOK) and booking.person_id == person.pk


def can_take_register(person: Any, session: Any) -> bool:
    """The Business Unit, or a trainer of this session."""
    if can(person, Cap.MANAGE):
        return True
    if not can(person, Cap.BOOK):
        return False
    return session.trainers.filter(person_id=person.pk, active=True).exists()


def can_approve(person: Any, booking: Any, setting: Any) -> bool:
    """The approver the booker's organisation named, of that organisation."""
    if not can(person, Cap.BOOK) or setting is None or not setting.approval_required:
        return False
    return (
        setting.approver_id == person.pk
        and person.organisation_id == booking.organisation_id
        and booking.person_id != person.pk
    )


def may_decide_account_request(person: Any, request: Any) -> bool:
    """The Business Unit decides any request; an organisation's named approver (its training
    setting) those naming their own organisation."""
    if not getattr(person, "is_authenticated", False):
        return False
    if can(person, Cap.MANAGE):
        return True
    if not can(person, Cap.BOOK) or person.organisation_id != request.organisation_id:
        return False
    from safeguard.training.models import OrganisationSetting

    return OrganisationSetting.objects.filter(
        organisation_id=request.organisation_id, approver_id=person.pk
    ).exists()


def may_see_account_requests(person: Any) -> bool:
    """The Business Unit, or a person some organisation named its approver."""
    if can(person, Cap.MANAGE):
        return True
    if not can(person, Cap.BOOK):
        return False
    from safeguard.training.models import OrganisationSetting

    return OrganisationSetting.objects.filter(approver_id=person.pk).exists()
