"""Opening a practitioner's account on a request a module has approved (self-registration).

A partner agency's practitioner without an account asks for one (the training module keeps the
requests: issue 15); the Business Unit or the organisation's named approver approves it, and the
account is opened here. Creating a person with a role grants access, so the page that approves
asks for the second factor again (``core.http.step_up_for_change``); the approving module's
policy decides who may approve. Whatever the module, this grants the practitioner role only, in
the organisation the request named: no approval can give more.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from safeguard.core import audit
from safeguard.core.models import Organisation, Person, RoleAssignment
from safeguard.core.models.audit import AuditAction
from safeguard.core.outbox import message_enqueue
from safeguard.core.roles import Role
from safeguard.core.services.invitations import (
    INVITATION,
    INVITATION_REASON,
    _partnership,
    link_for,
)
from safeguard.core.services.partnership import _clean_person, _person_state

ROLE = Role.PRACTITIONER


def practitioner_account_open(
    *, actor: Any, email: str, full_name: str, job_title: str, organisation: Organisation
) -> Person:
    """Create the person (no password yet) with the practitioner role, audit it, and queue the
    invitation to set a password, in one transaction. Raises ``ValidationError`` (the address is
    taken, the organisation inactive ...) and ``PermissionDenied`` for an actor not signed in."""
    if not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_active", False):
        raise PermissionDenied
    with transaction.atomic():
        values = _clean_person(
            email=email,
            full_name=full_name,
            job_title=job_title,
            organisation=organisation,
            existing=None,
        )
        person = Person(**values)
        person.set_unusable_password()
        person.save()
        RoleAssignment.objects.create(person=person, role=ROLE, granted_by=actor)
        audit.record(
            action=AuditAction.CREATE,
            record_type="core.person",
            record_id=person.pk,
            actor=actor,
            changes=audit.diff({}, {**_person_state(person), "roles": [ROLE.value]}),
            detail="account opened on an approved request",
        )
        message_enqueue(
            recipient=person,
            subject=f"Your account on {_partnership()}",
            body=f"Your request for an account on {_partnership()} was approved; set your"
            " password here:",
            link=link_for(person, INVITATION),
            reason=INVITATION_REASON,
            record_type="core.person",
            record_id=person.pk,
            dedupe_key=f"invitation:{person.pk}:approved",
        )
    return person
