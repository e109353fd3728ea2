"""Forms for setting a password by link and asking for a reset link."""

from __future__ import annotations

from typing import Any

from django import forms

from safeguard.core.forms.govuk import GovukForm

PASSWORDS_DIFFER = "The passwords do not match: enter the same password twice"


class ForgotPasswordForm(GovukForm):
    email = forms.EmailField(
        label="Email address",
        help_text="The address you sign in with",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()


class SetPasswordForm(GovukForm):
    password = forms.CharField(
        label="New password",
        help_text="At least 12 characters. A few unrelated words make a strong password.",
        strip=False,
        max_length=1024,
        error_messages={"required": "Enter a new password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label="Confirm new password",
        strip=False,
        max_length=1024,
        error_messages={"required": "Enter the new password again"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password"), cleaned.get("password_again")
        if first and second and first != second:
            self.add_error("password_again", PASSWORDS_DIFFER)
        return cleaned
