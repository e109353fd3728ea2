"""Forms for signing in. Messages follow the GOV.UK Design System's wording for each field."""

from __future__ import annotations

import re

from django import forms

from safeguard.core.forms.govuk import GovukForm

WRONG_CREDENTIALS = "Enter a correct email address and password"
WRONG_CODE = "The code is not correct. Enter the current code from your authenticator app"
WRONG_RECOVERY_CODE = "The recovery code is not correct or has already been used"
CODES_PAUSED = "There have been too many wrong codes. Wait a few minutes, then try again"

_SIX_DIGITS = re.compile(r"^[0-9]{6}$")
# Recovery codes are django-otp static tokens: 8 characters of lower-case base32.
_RECOVERY_CODE = re.compile(r"^[a-z2-7]{8}$")


class SignInForm(GovukForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        max_length=1024,
        error_messages={"required": "Enter your password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean_email(self) -> str:
        # Accounts are stored lower-case; the lockout counter must see one spelling too.
        return self.cleaned_data["email"].strip().lower()


class CodeForm(GovukForm):
    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The code is 6 digits, for example 123456",
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
            }
        ),
    )

    def clean_code(self) -> str:
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])
        if not _SIX_DIGITS.match(code):
            raise forms.ValidationError("The code must be 6 digits, for example 123456")
        return code


class RecoveryCodeForm(GovukForm):
    code = forms.CharField(
        label="Recovery code",
        help_text="One of the 10 codes you saved when you set up your authenticator app",
        error_messages={"required": "Enter a recovery code"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_code(self) -> str:
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"]).lower()
        if not _RECOVERY_CODE.match(code):
            raise forms.ValidationError(
                "Enter the recovery code as it was shown, 8 letters and numbers"
            )
        return code
