"""Every read of the partnership's organisations, groups and people.

Each function checks the policy itself, so a page that forgot its decorator still shows nothing.
Reading one person's record is audited, as for any person's record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguard.core import audit, policies
from safeguard.core.models import Group, Membership, Organisation, Person
from safeguard.core.roles import Capability


def _require_view(actor: Any) -> None:
    if not policies.can(actor, Capability.VIEW_PARTNERSHIP):
        raise PermissionDenied


def organisations(
    *,
    actor: Any,
    kind: str = "",
    statutory_partner: bool | None = None,
    active: bool | None = None,
    search: str = "",
) -> QuerySet[Organisation]:
    _require_view(actor)
    found = Organisation.objects.annotate(people_count=Count("people"))
    if kind:
        found = found.filter(kind=kind)
    if statutory_partner is not None:
        found = found.filter(statutory_partner=statutory_partner)
    if active is not None:
        found = found.filter(active=active)
    search = search.strip()
    if search:
        found = found.filter(Q(name__icontains=search) | Q(urn=search) | Q(la_code=search))
    return found.order_by("name", "pk")


def organisation_people(*, actor: Any, organisation: Organisation) -> QuerySet[Person]:
    _require_view(actor)
    return organisation.people.order_by("full_name", "pk")


def groups(*, actor: Any, active: bool | None = None) -> QuerySet[Group]:
    _require_view(actor)
    found = Group.objects.annotate(member_count=Count("memberships"))
    if active is not None:
        found = found.filter(active=active)
    return found.order_by("name", "pk")


def group_memberships(*, actor: Any, group: Group) -> QuerySet[Membership]:
    _require_view(actor)
    return group.memberships.select_related("person", "person__organisation").order_by(
        "person__full_name", "pk"
    )


def people_not_in_group(*, actor: Any, group: Group) -> QuerySet[Person]:
    """Candidates for the 'add a member' select: active people not already in the group."""
    _require_view(actor)
    return (
        Person.objects.filter(is_active=True)
        .exclude(memberships__group=group)
        .select_related("organisation")
        .order_by("full_name", "pk")
    )


def people(
    *,
    actor: Any,
    organisation_id: int | None = None,
    role: str = "",
    active: bool | None = None,
    search: str = "",
) -> QuerySet[Person]:
    _require_view(actor)
    found = Person.objects.select_related("organisation")
    if organisation_id is not None:
        found = found.filter(organisation_id=organisation_id)
    if role:
        found = found.filter(role_assignments__role=role)
    if active is not None:
        found = found.filter(is_active=active)
    search = search.strip()
    if search:
        found = found.filter(
            Q(full_name__icontains=search)
            | Q(email__icontains=search)
            | Q(job_title__icontains=search)
        )
    return found.distinct().order_by("full_name", "pk")


def active_organisations(*, actor: Any) -> QuerySet[Organisation]:
    _require_view(actor)
    return Organisation.objects.filter(active=True).order_by("name", "pk")


@dataclass(frozen=True)
class PersonRecord:
    person: Person
    roles: list[str]
    memberships: list[Membership]
    second_factor_enrolled: bool


def person_record(*, actor: Any, person: Person) -> PersonRecord:
    _require_view(actor)
    audit.record_view(actor=actor, record_type="core.person", record_id=person.pk)
    return PersonRecord(
        person=person,
        roles=sorted(person.role_assignments.values_list("role", flat=True)),
        memberships=list(person.memberships.select_related("group").order_by("group__name")),
        second_factor_enrolled=TOTPDevice.objects.filter(user=person, confirmed=True).exists(),
    )
