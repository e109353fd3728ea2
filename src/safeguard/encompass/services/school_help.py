"""The help shown with each notification: the LA words the partnership's guidance and the
Teachers' Helpline details (audited; the text itself is not personal data)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from safeguard.core import audit
from safeguard.core.models.audit import AuditAction
from safeguard.encompass import policies
from safeguard.encompass.models import SchoolHelp

LIMIT = 5000


def _row() -> SchoolHelp:
    """The one row, made with the national helpline's details when first saved."""
    found = SchoolHelp.objects.order_by("pk").first()
    return found if found is not None else SchoolHelp.objects.create()


def school_help_save(*, actor: Any, guidance: str, helpline: str) -> SchoolHelp:
    if not policies.may_manage_calendar(actor, None):
        raise PermissionDenied
    errors = {}
    for name, text in (("guidance", guidance), ("helpline", helpline)):
        if len(text) > LIMIT:
            errors[name] = f"{name.capitalize()} must be {LIMIT:,} characters or fewer"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = SchoolHelp.objects.select_for_update().get(pk=_row().pk)
        before = {"guidance": current.guidance, "helpline": current.helpline}
        current.guidance, current.helpline = guidance.strip(), helpline.strip()
        current.updated_by = actor
        current.save()
        changed = [k for k, v in before.items() if getattr(current, k) != v]
        audit.record(
            action=AuditAction.UPDATE,
            record_type="encompass.school_help",
            record_id=current.pk,
            actor=actor,
            changes={name: ["[changed]", "[changed]"] for name in changed},
        )
    return current
