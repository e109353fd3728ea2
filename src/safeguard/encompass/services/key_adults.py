"""A school names its Key Adults and deputies, with when they were trained and when that
expires (audited). Notifications go to the current ones (``selectors.notifications``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from safeguard.core import audit
from safeguard.core.models import Organisation, Person
from safeguard.core.models.audit import AuditAction
from safeguard.encompass import policies
from safeguard.encompass.models import KeyAdult

RECORD_TYPE = "encompass.key_adult"


def key_adult_save(
    *,
    actor: Any,
    school: Organisation,
    person: Person,
    deputy: bool,
    trained_on: date,
    expires_on: date,
) -> KeyAdult:
    """Name (or update) one key adult of the school: a person of that school, trained."""
    if not policies.may_manage_key_adults(actor, school):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if person.organisation_id != school.pk or not person.is_active:
        errors["person"] = "Choose a person of this school from the list"
    if expires_on <= trained_on:
        errors["expires_on"] = "Training must expire after the day it was done"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row, created = KeyAdult.objects.update_or_create(
            school=school,
            person=person,
            defaults={"deputy": deputy, "trained_on": trained_on, "expires_on": expires_on},
        )
        audit.record(
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            record_type=RECORD_TYPE,
            record_id=row.pk,
            actor=actor,
            changes={
                "school_id": [None, school.pk],
                "person_id": [None, person.pk],
                "deputy": [None, deputy],
                "trained_on": [None, trained_on.isoformat()],
                "expires_on": [None, expires_on.isoformat()],
            },
        )
    return row


def key_adult_remove(*, actor: Any, key_adult: KeyAdult) -> None:
    if not policies.may_manage_key_adults(actor, key_adult.school):
        raise PermissionDenied
    with transaction.atomic():
        audit.record(
            action=AuditAction.DELETE,
            record_type=RECORD_TYPE,
            record_id=key_adult.pk,
            actor=actor,
            changes={"person_id": [key_adult.person_id, None]},
        )
        key_adult.delete()
