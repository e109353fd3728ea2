"""What the report services share."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

REPORT = "reports.report"
NARRATIVE = "reports.narrative"
SIGN_OFF = "reports.sign_off"


def refuse_unless(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def fail(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)
