"""GOV.UK-style error messages in place of Django's defaults, worded from each field's label.

Django says "This field is required." and "Ensure this value has at most 200 characters (it
has 500)."; GOV.UK says "Enter the name" and "Name must be 200 characters or fewer". Every form
in the platform subclasses ``GovukForm`` (or calls ``govuk_messages`` on a form it cannot
subclass), so a field that names no message of its own still gets one in the house style. A
message a field already sets is kept: only Django's own defaults are replaced.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

EMAIL = "Enter an email address in the correct format, like name@example.com"
WEB_ADDRESS = "Enter a web address in the correct format, like https://www.example.com"
_OPTIONAL = re.compile(r"\s*\((optional|if known)\)\s*$", re.IGNORECASE)
_DETERMINERS = ("the ", "a ", "an ", "your ", "their ", "its ", "at least ")


def _label(field: forms.Field, name: str) -> str:
    text = str(field.label or name.replace("_", " "))
    return _OPTIONAL.sub("", text).rstrip(" ?:").strip()


def _noun(label: str) -> str:
    """'Full name' -> 'the full name'; 'DfE URN' keeps its capitals; 'your email' stays."""
    first = label.partition(" ")[0]
    shout = len(first) > 1 and any(c.isupper() for c in first[1:])
    lowered = label if shout else label[:1].lower() + label[1:]
    if lowered.lower().startswith(_DETERMINERS):
        return lowered
    return f"the {lowered}"


def _is_choice(field: forms.Field) -> bool:
    widget = field.widget
    choosing = (forms.Select, forms.RadioSelect, forms.CheckboxInput, forms.CheckboxSelectMultiple)
    return isinstance(field, (forms.ChoiceField, forms.ModelChoiceField)) or isinstance(
        widget, choosing
    )


def _defaults(field: forms.Field) -> dict[str, Any]:
    """Django's own messages for this field's class, to tell them from a chosen one."""
    found: dict[str, Any] = {}
    for klass in reversed(type(field).__mro__):
        found.update(getattr(klass, "default_error_messages", {}))
    return found


def messages_for(field: forms.Field, name: str) -> dict[str, str]:
    """The house-style message for each error this field can raise."""
    # Most messages are %-formatted with the error's parameters: a '%' in a label is doubled.
    label = _label(field, name).replace("%", "%%")
    noun = _noun(label)
    verb = "Select" if _is_choice(field) else "Enter"
    from_list = f"Select {noun} from the list"  # noqa: S608 (an error message, not SQL)
    says: dict[str, str] = {
        "required": f"{verb} {noun}".replace("%%", "%"),  # never %-formatted
        "max_length": f"{label} must be %(limit_value)d characters or fewer",
        "min_length": f"{label} must be %(limit_value)d characters or more",
        "max_value": f"{label} must be %(limit_value)s or less",
        "min_value": f"{label} must be %(limit_value)s or more",
        "step_size": f"{label} must be a multiple of %(limit_value)s",
        "invalid_choice": from_list,
        "invalid_list": from_list,
        "invalid_pk_value": from_list,
    }
    if isinstance(field, forms.BooleanField):
        says["required"] = f"Select '{label}' to continue".replace("%%", "%")
    if isinstance(field, forms.FileField):
        says.update(
            required=f"Select a file for {noun}",
            invalid=f"Select a file for {noun}",
            missing=f"Select a file for {noun}",
            empty="The selected file is empty",
            max_length="The file name must be %(max)d characters or fewer",
            contradiction=f"Either select a file for {noun} or remove the file, not both",
        )
    elif isinstance(field, forms.EmailField):
        says["invalid"] = EMAIL
    elif isinstance(field, forms.URLField):
        says["invalid"] = WEB_ADDRESS
    elif isinstance(field, (forms.DecimalField, forms.FloatField)):  # before IntegerField
        says.update(
            invalid=f"{label} must be a number",
            max_digits=f"{label} must be %(max)s digits or fewer",
            max_decimal_places=f"{label} must have %(max)s decimal places or fewer",
            max_whole_digits=f"{label} must have %(max)s digits or fewer before the point",
        )
    elif isinstance(field, forms.IntegerField):
        says["invalid"] = f"{label} must be a whole number"
    elif isinstance(field, forms.DateTimeField):
        says["invalid"] = f"{label} must be a real date and time"
    elif isinstance(field, forms.DateField):
        says["invalid"] = f"{label} must be a real date"
    elif isinstance(field, forms.TimeField):
        says["invalid"] = f"{label} must be a real time, like 10:45am"
    return says


def govuk_messages(form: forms.BaseForm) -> forms.BaseForm:
    """Replace Django's default error messages on each of ``form``'s fields; returns the form.

    Call it before the form is validated (``GovukForm`` does so as it is made).
    """
    for name, field in form.fields.items():
        defaults = _defaults(field)
        mine = field.error_messages
        for code, message in messages_for(field, name).items():
            # Chosen on purpose: set on the field and not Django's default for the code.
            # (Validator codes such as max_length have no default in the field at all.)
            chosen = code in mine and str(mine[code]) != str(defaults.get(code))
            if not chosen:
                mine[code] = message
    return form


class GovukFormMixin:
    """Mix into any Django form so its default messages read in the GOV.UK style."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assert isinstance(self, forms.BaseForm)
        govuk_messages(self)


class GovukForm(GovukFormMixin, forms.Form):
    """A Django form whose messages are GOV.UK-style: the base of every form in the platform."""


class LongSelect(forms.Select):
    """A select of hundreds or thousands of options (a school's roll, the partnership's
    organisations), drawn in one pass.

    Django draws each option through a template, about 0.15 ms an option: 0.7 s of a page for a
    5,000-pupil roll, measured under load (issue 18). The markup is the same as Django's.
    Options are flat (no groups): a choice with groups is refused rather than drawn wrongly.
    """

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        chosen = {str(v) for v in self.format_value(value)}
        options = []
        for key, label in self.choices:
            if isinstance(label, (list, tuple)):
                raise TypeError("LongSelect draws flat choices only, not groups")
            selected = " selected" if str(key) in chosen else ""
            options.append(f'<option value="{escape(key)}"{selected}>{escape(label)}</option>')
        drawn = "".join(options)
        return mark_safe(f"<select{flatatt(final)}>{drawn}</select>")  # noqa: S308 (escaped)
