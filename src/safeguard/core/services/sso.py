"""Setting how an organisation's people sign in: here with a password, or at its provider.

Sensitive (the page asks for the second factor again): it decides who can get into every
account of the organisation. Audited with before and after.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from safeguard.core import audit, policies, sso
from safeguard.core.models import Organisation, Person
from safeguard.core.models.audit import AuditAction
from safeguard.core.roles import Capability


def organisation_sign_in_set(
    *, actor: Any, organisation: Organisation, provider: str
) -> Organisation:
    """``provider`` is a key of settings.SSO_PROVIDERS, or '' for passwords.

    Moving to a provider removes its people's passwords (they could not be used, and must not
    come back to life if the organisation moves back: each person then gets an invitation or
    uses *Forgot your password?*). An administrator cannot change their own organisation's
    sign-in, so a mistyped provider cannot lock the partnership out of its own service.
    """
    if not policies.can(actor, Capability.MANAGE_PARTNERSHIP):
        raise PermissionDenied
    if provider and sso.provider(provider) is None:
        raise ValidationError({"provider": "Select a sign-in that this service is set up for"})
    if organisation.pk == actor.organisation_id:
        raise ValidationError(
            {
                "provider": "You cannot change how your own organisation signs in: ask another"
                " administrator, so that a mistake cannot lock you out"
            }
        )
    with transaction.atomic():
        current = Organisation.objects.select_for_update().get(pk=organisation.pk)
        before = current.sign_in_provider
        if before == provider:
            return current
        current.sign_in_provider = provider
        current.save(update_fields=["sign_in_provider"])
        removed = 0
        if provider:
            removed = Person.objects.filter(organisation=current).update(
                password=make_password(None)
            )
        audit.record(
            action=AuditAction.UPDATE,
            record_type="core.organisation",
            record_id=current.pk,
            actor=actor,
            changes=audit.diff({"sign_in_provider": before}, {"sign_in_provider": provider}),
            detail=f"sign-in changed; {removed} passwords removed"
            if provider
            else "sign-in changed",
        )
    return current
