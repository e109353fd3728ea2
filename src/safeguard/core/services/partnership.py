"""Every change to the partnership: organisations, groups and their members, people and roles.

Each function checks the policy itself (the pages check it too), runs in one transaction and
writes one audit row whose ``changes`` hold ids and codes. Validation raises
``ValidationError`` keyed by field name, so a form can put each message beside its field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguard.core import audit, policies, scope_holders
from safeguard.core.api.auth import scopes as api_scopes
from safeguard.core.models import (
    ApiKey,
    Group,
    Membership,
    Organisation,
    Person,
    RoleAssignment,
)
from safeguard.core.models.audit import AuditAction
from safeguard.core.models.organisations import (
    AgencyType,
    GroupKind,
    MembershipRole,
    OrganisationKind,
)
from safeguard.core.roles import Capability, Role

_URN = re.compile(r"^[0-9]{6}$")
# An Ofsted URN of an early years setting: EY and six digits (older registrations) or six or
# seven digits (newer ones), as Ofsted's register and the early years census write them.
_OFSTED_URN = re.compile(r"^(?:EY[0-9]{6}|[0-9]{6,7})$")
_LA_CODE = re.compile(r"^[0-9]{3}$")


def _require_manage(actor: Any) -> None:
    if not policies.can(actor, Capability.MANAGE_PARTNERSHIP):
        raise PermissionDenied


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError({field: [message] for field, message in errors.items()})


# Organisations ------------------------------------------------------------------------------


def _organisation_state(organisation: Organisation) -> dict[str, Any]:
    return {
        "name": organisation.name,
        "kind": organisation.kind,
        "statutory_partner": organisation.statutory_partner,
        "urn": organisation.urn,
        "early_years": organisation.early_years,
        "la_code": organisation.la_code,
        "email": organisation.email,
        "agency_type": organisation.agency_type,
        "active": organisation.active,
    }


def _key_scopes_misfitting(organisation: Organisation | None, kind: str) -> list[str]:
    """Scopes of the organisation's live keys that an organisation of ``kind`` may not hold.

    A key's scopes were checked against the kind when it was made; changing the kind must not
    hand an old key powers the new kind may not have.
    """
    if organisation is None:
        return []
    held = [
        scope
        for scopes in ApiKey.objects.filter(
            organisation=organisation, revoked_at__isnull=True
        ).values_list("scopes", flat=True)
        for scope in scopes
    ]
    return scope_holders.misfits(scopes=held, kind=kind)


def _clean_organisation(
    *,
    name: str,
    kind: str,
    statutory_partner: bool,
    urn: str,
    la_code: str,
    email: str,
    existing: Organisation | None,
    agency_type: str = "",
    early_years: bool = False,
) -> dict[str, Any]:
    """Check every rule up front, so the database constraints are never what the user meets.

    A school's URN is the 6-digit DfE URN; an early years setting's is its Ofsted URN (EY and 6
    digits, or 6 or 7 digits), kept in capitals without spaces so that a police record's
    "ey 123456" finds it. Either way one URN names one organisation.
    """
    name, la_code, email = name.strip(), la_code.strip(), email.strip()
    urn = "".join(urn.split()).upper()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Enter the organisation's name"
    if kind not in OrganisationKind.values:
        errors["kind"] = "Select the kind of organisation"
    if early_years and kind in OrganisationKind.values and kind != OrganisationKind.SCHOOL:
        errors["early_years"] = (
            "Only an organisation of the kind school or college can be an early years setting"
        )
    if urn:
        others = Organisation.objects.filter(urn=urn)
        if existing is not None:
            others = others.exclude(pk=existing.pk)
        if early_years and not _OFSTED_URN.match(urn):
            errors["urn"] = (
                "An early years setting's Ofsted URN is EY and 6 digits, like EY123456, or 6 or"
                " 7 digits, like 2123456"
            )
        elif not early_years and not _URN.match(urn):
            errors["urn"] = (
                "The DfE URN must be 6 digits, like 100000 (for an early years setting's Ofsted"
                " URN, tick Early years setting)"
                if _OFSTED_URN.match(urn)
                else "The DfE URN must be 6 digits, like 100000"
            )
        elif kind != OrganisationKind.SCHOOL:
            errors["urn"] = "Only a school, college or early years setting has a URN"
        elif others.exists():
            errors["urn"] = "Another organisation already has this URN"
    if agency_type and agency_type not in AgencyType.values:
        errors["agency_type"] = "Select the agency type"
    if la_code and not _LA_CODE.match(la_code):
        errors["la_code"] = "The LA code must be 3 digits, like 873"
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = "Enter an email address in the correct format, like name@example.com"
    changes_kind = existing is not None and "kind" not in errors and kind != existing.kind
    if changes_kind and (misfit := _key_scopes_misfitting(existing, kind)):
        described = {scope.name: scope.description for scope in api_scopes()}
        what = "; ".join(described.get(s, s).lower() for s in misfit)
        errors["kind"] = (
            f"This organisation's API keys may do things that a "
            f"{OrganisationKind(kind).label.lower()} may not ({what}): revoke those keys first"
        )
    if name and "kind" not in errors:
        same = Organisation.objects.filter(name__iexact=name, kind=kind)
        if existing is not None:
            same = same.exclude(pk=existing.pk)
        if same.exists():
            errors["name"] = "An organisation of this kind with this name already exists"
    _raise(errors)
    return {
        "name": name,
        "kind": kind,
        "statutory_partner": bool(statutory_partner),
        "urn": urn,
        "early_years": bool(early_years) and kind == OrganisationKind.SCHOOL,
        "la_code": la_code,
        "email": email,
        "agency_type": agency_type,
    }


def organisation_create(
    *,
    actor: Any,
    name: str,
    kind: str,
    statutory_partner: bool = False,
    urn: str = "",
    la_code: str = "",
    email: str = "",
    agency_type: str = "",
    early_years: bool = False,
) -> Organisation:
    _require_manage(actor)
    with transaction.atomic():
        values = _clean_organisation(
            early_years=early_years,
            agency_type=agency_type,
            name=name,
            kind=kind,
            statutory_partner=statutory_partner,
            urn=urn,
            la_code=la_code,
            email=email,
            existing=None,
        )
        organisation = Organisation.objects.create(**values)
        audit.record(
            action=AuditAction.CREATE,
            record_type="core.organisation",
            record_id=organisation.pk,
            actor=actor,
            changes=audit.diff({}, _organisation_state(organisation)),
        )
    return organisation


def organisation_update(
    *,
    actor: Any,
    organisation: Organisation,
    name: str,
    kind: str,
    statutory_partner: bool,
    urn: str = "",
    la_code: str = "",
    email: str = "",
    agency_type: str = "",
    early_years: bool = False,
) -> Organisation:
    _require_manage(actor)
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        before = _organisation_state(organisation)
        values = _clean_organisation(
            early_years=early_years,
            agency_type=agency_type,
            name=name,
            kind=kind,
            statutory_partner=statutory_partner,
            urn=urn,
            la_code=la_code,
            email=email,
            existing=organisation,
        )
        for field, value in values.items():
            setattr(organisation, field, value)
        organisation.save()
        _audit_update(
            "core.organisation", organisation.pk, actor, before, _organisation_state(organisation)
        )
    return organisation


def _set_organisation_active(
    *, actor: Any, organisation: Organisation, active: bool
) -> Organisation:
    _require_manage(actor)
    if not active and organisation.pk == getattr(actor, "organisation_id", None):
        _raise({"active": "You cannot deactivate your own organisation"})
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        before = _organisation_state(organisation)
        organisation.active = active
        organisation.save(update_fields=["active"])
        _audit_update(
            "core.organisation", organisation.pk, actor, before, _organisation_state(organisation)
        )
    return organisation


def organisation_deactivate(*, actor: Any, organisation: Organisation) -> Organisation:
    """An inactive organisation stays on record (people and history point at it).

    It takes no new people; its people keep their accounts until deactivated one by one.
    """
    return _set_organisation_active(actor=actor, organisation=organisation, active=False)


def organisation_reactivate(*, actor: Any, organisation: Organisation) -> Organisation:
    return _set_organisation_active(actor=actor, organisation=organisation, active=True)


def _audit_update(
    record_type: str, record_id: int, actor: Any, before: dict[str, Any], after: dict[str, Any]
) -> None:
    audit.record(
        action=AuditAction.UPDATE,
        record_type=record_type,
        record_id=record_id,
        actor=actor,
        changes=audit.diff(before, after),
    )


# Groups and members -------------------------------------------------------------------------


def _group_state(group: Group) -> dict[str, Any]:
    return {
        "name": group.name,
        "kind": group.kind,
        "purpose": group.purpose,
        "active": group.active,
    }


def _clean_group(*, name: str, kind: str, purpose: str, existing: Group | None) -> dict[str, Any]:
    name = name.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Enter the group's name"
    else:
        same = Group.objects.filter(name__iexact=name)
        if existing is not None:
            same = same.exclude(pk=existing.pk)
        if same.exists():
            errors["name"] = "A group with this name already exists"
    if kind not in GroupKind.values:
        errors["kind"] = "Select the kind of group"
    _raise(errors)
    return {"name": name, "kind": kind, "purpose": purpose.strip()}


def group_create(*, actor: Any, name: str, kind: str, purpose: str = "") -> Group:
    _require_manage(actor)
    with transaction.atomic():
        values = _clean_group(name=name, kind=kind, purpose=purpose, existing=None)
        group = Group.objects.create(**values)
        audit.record(
            action=AuditAction.CREATE,
            record_type="core.group",
            record_id=group.pk,
            actor=actor,
            changes=audit.diff({}, _group_state(group)),
        )
    return group


def group_update(
    *, actor: Any, group: Group, name: str, kind: str, purpose: str = "", active: bool = True
) -> Group:
    _require_manage(actor)
    with transaction.atomic():
        group = Group.objects.select_for_update().get(pk=group.pk)
        before = _group_state(group)
        values = _clean_group(name=name, kind=kind, purpose=purpose, existing=group)
        for field, value in values.items():
            setattr(group, field, value)
        group.active = bool(active)
        group.save()
        _audit_update("core.group", group.pk, actor, before, _group_state(group))
    return group


def _membership_state(membership: Membership) -> dict[str, Any]:
    return {
        "group_id": membership.group_id,
        "person_id": membership.person_id,
        "role": membership.role,
    }


def membership_add(*, actor: Any, group: Group, person: Person, role: str) -> Membership:
    _require_manage(actor)
    with transaction.atomic():
        group = Group.objects.select_for_update().get(pk=group.pk)
        errors: dict[str, str] = {}
        if not person.is_active:
            errors["person"] = "This person's account is deactivated"
        elif Membership.objects.filter(group=group, person=person).exists():
            errors["person"] = "This person is already a member of the group"
        if not group.active:
            errors["person"] = "This group is inactive: reactivate it before adding members"
        if role not in MembershipRole.values:
            errors["role"] = "Select the person's role in the group"
        _raise(errors)
        membership = Membership.objects.create(group=group, person=person, role=role)
        audit.record(
            action=AuditAction.CREATE,
            record_type="core.membership",
            record_id=membership.pk,
            actor=actor,
            changes=audit.diff({}, _membership_state(membership)),
        )
    return membership


def membership_change_role(*, actor: Any, membership: Membership, role: str) -> Membership:
    _require_manage(actor)
    if role not in MembershipRole.values:
        _raise({"role": "Select the person's role in the group"})
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        before = _membership_state(membership)
        membership.role = role
        membership.save(update_fields=["role"])
        _audit_update(
            "core.membership", membership.pk, actor, before, _membership_state(membership)
        )
    return membership


def membership_remove(*, actor: Any, membership: Membership) -> None:
    _require_manage(actor)
    with transaction.atomic():
        # Read it again: the caller's copy may be older than the row (a role changed since).
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        before = _membership_state(membership)
        pk = membership.pk
        membership.delete()
        audit.record(
            action=AuditAction.DELETE,
            record_type="core.membership",
            record_id=pk,
            actor=actor,
            changes=audit.diff(before, {}),
        )


# People -------------------------------------------------------------------------------------


def _person_state(person: Person) -> dict[str, Any]:
    """Ids and codes only: the trail records that the name changed, not what it says."""
    return {
        "organisation_id": person.organisation_id,
        "is_active": person.is_active,
        "job_title_set": bool(person.job_title),
    }


def _clean_person(
    *,
    email: str,
    full_name: str,
    job_title: str,
    organisation: Organisation | None,
    existing: Person | None,
) -> dict[str, Any]:
    email = email.strip().lower()
    errors: dict[str, str] = {}
    if not email:
        errors["email"] = "Enter the person's email address"
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = "Enter an email address in the correct format, like name@example.com"
        else:
            same = Person.objects.filter(email__iexact=email)
            if existing is not None:
                same = same.exclude(pk=existing.pk)
            if same.exists():
                errors["email"] = "Another person already uses this email address"
    if not full_name.strip():
        errors["full_name"] = "Enter the person's full name"
    if organisation is None:
        errors["organisation"] = "Select the person's organisation"
    elif not organisation.active and (
        existing is None or existing.organisation_id != organisation.pk
    ):
        errors["organisation"] = "This organisation is deactivated: choose an active one"
    _raise(errors)
    return {
        "email": email,
        "full_name": full_name.strip(),
        "job_title": job_title.strip(),
        "organisation": organisation,
    }


def _clean_roles(roles: Iterable[str]) -> list[str]:
    chosen = sorted(set(roles))
    unknown = [r for r in chosen if r not in Role.values]
    if unknown:
        _raise({"roles": "Select roles from the list"})
    return chosen


def person_create(
    *,
    actor: Any,
    email: str,
    full_name: str,
    job_title: str = "",
    organisation: Organisation | None,
    roles: Iterable[str] = (),
) -> Person:
    """The new person has no usable password: an administrator sets one, or an invitation will."""
    _require_manage(actor)
    with transaction.atomic():
        values = _clean_person(
            email=email,
            full_name=full_name,
            job_title=job_title,
            organisation=organisation,
            existing=None,
        )
        chosen = _clean_roles(roles)
        person = Person(**values)
        person.set_unusable_password()
        person.save()
        RoleAssignment.objects.bulk_create(
            RoleAssignment(person=person, role=role, granted_by=actor) for role in chosen
        )
        audit.record(
            action=AuditAction.CREATE,
            record_type="core.person",
            record_id=person.pk,
            actor=actor,
            changes=audit.diff({}, {**_person_state(person), "roles": chosen}),
        )
    return person


def person_update(
    *,
    actor: Any,
    person: Person,
    email: str,
    full_name: str,
    job_title: str = "",
    organisation: Organisation | None,
) -> Person:
    _require_manage(actor)
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        # Which personal fields changed is recorded; what they say is not.
        flags = ("email_changed", "name_changed", "job_title_changed")
        before = {**_person_state(person), **dict.fromkeys(flags, False)}
        values = _clean_person(
            email=email,
            full_name=full_name,
            job_title=job_title,
            organisation=organisation,
            existing=person,
        )
        after_flags = {
            "email_changed": values["email"] != person.email,
            "name_changed": values["full_name"] != person.full_name,
            "job_title_changed": values["job_title"] != person.job_title,
        }
        for field, value in values.items():
            setattr(person, field, value)
        person.save()
        _audit_update(
            "core.person", person.pk, actor, before, {**_person_state(person), **after_flags}
        )
    return person


def person_set_roles(*, actor: Any, person: Person, roles: Iterable[str]) -> Person:
    """Replace the person's roles. An administrator may not drop their own administrator role."""
    _require_manage(actor)
    chosen = _clean_roles(roles)
    if person.pk == actor.pk and Role.BUSINESS_UNIT_ADMIN.value not in chosen:
        _raise({"roles": "You cannot remove your own Business Unit administrator role"})
    with transaction.atomic():
        Person.objects.select_for_update().get(pk=person.pk)
        before = sorted(RoleAssignment.objects.filter(person=person).values_list("role", flat=True))
        RoleAssignment.objects.filter(person=person).exclude(role__in=chosen).delete()
        RoleAssignment.objects.bulk_create(
            RoleAssignment(person=person, role=role, granted_by=actor)
            for role in chosen
            if role not in before
        )
        person.__dict__.pop("_role_codes", None)
        _audit_update("core.person", person.pk, actor, {"roles": before}, {"roles": chosen})
    return person


def person_set_password(*, actor: Any, person: Person, password: str) -> Person:
    _require_manage(actor)
    try:
        validate_password(password, user=person)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    with transaction.atomic():
        had_password = person.has_usable_password()
        person.set_password(password)
        person.save(update_fields=["password"])
        audit.record(
            action=AuditAction.UPDATE,
            record_type="core.person",
            record_id=person.pk,
            actor=actor,
            changes={"password": [("set" if had_password else "unset"), "replaced"]},
        )
    return person


def _set_person_active(*, actor: Any, person: Person, active: bool) -> Person:
    _require_manage(actor)
    if not active and person.pk == actor.pk:
        _raise({"is_active": "You cannot deactivate your own account"})
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        before = _person_state(person)
        person.is_active = active
        person.save(update_fields=["is_active"])
        _audit_update("core.person", person.pk, actor, before, _person_state(person))
    return person


def person_deactivate(*, actor: Any, person: Person) -> Person:
    """Django refuses an inactive account at sign-in and drops its sessions on the next request."""
    return _set_person_active(actor=actor, person=person, active=False)


def person_reactivate(*, actor: Any, person: Person) -> Person:
    return _set_person_active(actor=actor, person=person, active=True)


def person_reset_second_factor(*, actor: Any, person: Person) -> None:
    """Remove the authenticator and recovery codes, so the person enrols again at next sign-in."""
    _require_manage(actor)
    with transaction.atomic():
        totp = TOTPDevice.objects.filter(user=person)
        static = StaticDevice.objects.filter(user=person)
        before = {"totp_devices": totp.count(), "static_devices": static.count()}
        totp.delete()
        static.delete()
        audit.record(
            action=AuditAction.UPDATE,
            record_type="core.person",
            record_id=person.pk,
            actor=actor,
            changes=audit.diff(before, {"totp_devices": 0, "static_devices": 0}),
            detail="second factor reset",
        )
