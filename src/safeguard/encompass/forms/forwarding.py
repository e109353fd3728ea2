"""Forms of the cross-border pages: each field labelled, each error naming its field."""

from __future__ import annotations

from django import forms

from safeguard.core.forms.govuk import GovukForm


class NeighbourForm(GovukForm):
    name = forms.CharField(
        label="Partnership name",
        max_length=200,
        error_messages={"required": "Enter the partnership's name"},
    )
    la_codes = forms.CharField(
        label="LA codes it covers",
        help_text="The three-digit LA codes of its schools in the register, comma separated.",
        max_length=200,
        error_messages={"required": "Enter the LA codes the partnership covers"},
    )
    api_base_url = forms.CharField(
        label="API base URL (optional)",
        help_text="The address of their Safeguard service, such as https://safeguard.example.gov.uk",
        required=False,
        max_length=300,
    )
    api_key = forms.CharField(
        label="API key for their API (optional)",
        help_text="Given by their partnership. It is stored encrypted and never shown again; "
        "leave blank to keep the key already stored.",
        required=False,
        max_length=500,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    clear_api_key = forms.BooleanField(label="Remove the stored API key", required=False)
    contact_email = forms.CharField(
        label="Secure contact e-mail (optional)",
        help_text="Used when there is no API: it receives a link, never the child's details.",
        required=False,
        max_length=254,
    )
    code_email = forms.CharField(
        label="Access code e-mail (optional)",
        help_text="A second address, not the contact e-mail: it receives the code that the link "
        "needs. Without one, the code goes to this LA's Encompass coordinators to telephone "
        "through.",
        required=False,
        max_length=254,
    )
    active = forms.BooleanField(label="Forward children to this partnership", required=False)


class ChildForwardForm(GovukForm):
    school_urn = forms.CharField(
        label="The school's URN",
        help_text="Six digits, from the register of schools. Leave blank to give the LA code.",
        required=False,
        max_length=6,
    )
    la_code = forms.CharField(
        label="Or the school's LA code",
        required=False,
        max_length=3,
    )


class ForwardActionForm(GovukForm):
    action = forms.ChoiceField(
        label="Action",
        choices=[("retry", "Send again"), ("revoke", "Withdraw the link")],
        error_messages={"required": "Choose an action"},
    )


class LinkAcknowledgeForm(GovukForm):
    name = forms.CharField(
        label="Your name and role",
        help_text="So both partnerships know who received it.",
        max_length=200,
        error_messages={"required": "Enter your name and role"},
    )


class LinkCodeForm(GovukForm):
    code = forms.CharField(
        label="Access code",
        help_text="Sent to your partnership apart from the link, for example ABCD-EF23.",
        max_length=20,
        error_messages={"required": "Enter the access code"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
