"""A school's notice that a pupil leaves for elective home education, with its answer about
domestic abuse in the family."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from safeguard.core import audit
from safeguard.core.models.audit import AuditAction
from safeguard.domestic_abuse import policies
from safeguard.domestic_abuse.models import Awareness, HomeEducationNotice

NOTICE = "domestic_abuse.home_education_notice"


def notice_send(
    *, actor: Any, pupil: Any, leaving_on: date, aware_of_abuse: str, details: str = ""
) -> HomeEducationNotice:
    if not policies.may_send_notice_for(actor, pupil):
        raise PermissionDenied
    if aware_of_abuse not in set(Awareness.values):
        raise ValidationError({"aware_of_abuse": "Say whether you are aware of domestic abuse"})
    if aware_of_abuse == Awareness.YES and not details.strip():
        raise ValidationError({"details": "Say what you know of the incidents"})
    with transaction.atomic():
        notice = HomeEducationNotice.objects.create(
            school_id=pupil.school_id,
            pupil=pupil,
            leaving_on=leaving_on,
            aware_of_abuse=aware_of_abuse,
            details=details.strip(),
            sent_by=actor,
            sent_at=timezone.now(),
        )
        audit.record(
            action=AuditAction.CREATE,
            record_type=NOTICE,
            record_id=notice.pk,
            actor=actor,
            changes={"pupil": pupil.pk, "aware": aware_of_abuse},
        )
    return notice
