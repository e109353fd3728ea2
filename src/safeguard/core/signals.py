"""Sign-in events for the audit trail. Ids only: never the email address that was tried.

A failure names the person's id when the typed address belongs to an account, and nothing when
it does not, so the trail can show an attack on one account without keeping what was typed.
"""

from __future__ import annotations

import logging
from typing import Any

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from safeguard.core import audit
from safeguard.core.models import Person
from safeguard.core.models.audit import AuditAction

log = logging.getLogger(__name__)

# Set on the request (before logout) to say why a session ended, e.g. "idle".
SIGN_OUT_REASON_ATTR = "safeguard_sign_out_reason"
# Put in the credentials of a user_login_failed sent for a wrong second-factor code.
STAGE_KEY = "stage"


def _person_id(email: object) -> int | None:
    if not isinstance(email, str) or not email:
        return None
    return Person.objects.filter(email=email.strip().lower()).values_list("pk", flat=True).first()


@receiver(user_logged_in)
def _signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit.record(
        action=AuditAction.SIGN_IN, record_type="core.person", record_id=user.pk, actor=user
    )


@receiver(user_logged_out)
def _signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record(
            action=AuditAction.SIGN_OUT,
            record_type="core.person",
            record_id=user.pk,
            actor=user,
            detail=getattr(request, SIGN_OUT_REASON_ATTR, ""),
        )


@receiver(user_login_failed)
def _sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    person_id = _person_id(credentials.get(settings.AXES_USERNAME_FORM_FIELD))
    stage = credentials.get(STAGE_KEY) or "password"
    audit.record(
        action=AuditAction.SIGN_IN_FAILED,
        record_type="core.person",
        record_id=person_id if person_id is not None else "",
        detail=stage if person_id is not None else f"{stage}; no such account",
    )
    log.info("sign-in failed at %s for person %s", stage, person_id)


@receiver(user_locked_out)
def _locked_out(sender: Any, request: Any = None, username: Any = None, **kwargs: Any) -> None:
    person_id = _person_id(username)
    audit.record(
        action=AuditAction.LOCKED_OUT,
        record_type="core.person",
        record_id=person_id if person_id is not None else "",
    )
    log.warning("sign-in locked out for person %s", person_id)
