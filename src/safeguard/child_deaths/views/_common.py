"""What the child deaths pages share: service errors placed on the form."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def place_errors(
    form: forms.Form, error: ValidationError, *, fields: dict[str, str] | None = None
) -> None:
    """Put a service's errors on the form's fields (renamed by ``fields``), the rest on top."""
    renames = fields or {}
    for name, messages in error.message_dict.items():
        target = renames.get(name, name)
        for message in messages:
            form.add_error(target if target in form.fields else None, message)
