"""The forms of the calendar page: the day's start and holiday contact, terms, INSET days."""

from __future__ import annotations

from django import forms

from safeguard.core.forms.govuk import GovukForm

DATE_HINT = "For example, 2026-09-03"


class CalendarSettingsForm(GovukForm):
    day_starts_at = forms.TimeField(
        label="School day starts at",
        help_text="24-hour clock, for example 08:45",
        input_formats=["%H:%M"],
        error_messages={"required": "Enter the time the school day starts, like 08:45"},
    )
    holiday_contact_email = forms.EmailField(
        label="Holiday contact's e-mail address",
        help_text="For a school: its key adult on duty at weekends and in holidays. "
        "For the LA default calendar: the LA's holiday contact.",
        required=False,
    )


class TermForm(GovukForm):
    name = forms.CharField(label="Term name", max_length=60, help_text="For example, Autumn 1")
    starts_on = forms.DateField(
        label="First day of term", help_text=DATE_HINT, input_formats=["%Y-%m-%d"]
    )
    ends_on = forms.DateField(
        label="Last day of term", help_text=DATE_HINT, input_formats=["%Y-%m-%d"]
    )


class InsetDayForm(GovukForm):
    date = forms.DateField(label="INSET day", help_text=DATE_HINT, input_formats=["%Y-%m-%d"])
