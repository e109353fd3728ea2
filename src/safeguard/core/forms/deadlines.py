"""The filter of the "what is due" page. It parses input; the selector decides what is visible."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms

from safeguard.core import deadline_rules
from safeguard.core.forms.govuk import GovukForm, LongSelect
from safeguard.core.models import Group, Organisation, Person
from safeguard.core.selectors.deadlines import filter_options

_STATE_CHOICES = [("", "Any state")] + [
    (state, deadline_rules.LABELS[state]) for state in deadline_rules.STATES
]

# "Due in the next 7 days" is the home page's "due this week": a rolling week, so that on a
# Friday it still shows what falls due on Monday.
DUE_SOON = "week"
DUE_SOON_WITHIN = timedelta(days=7)
_DUE_CHOICES = [("", "Any time"), (DUE_SOON, "In the next 7 days")]

_INVALID = {
    "due": "Select when from the list",
    "state": "Select a state from the list",
    "group": "Select a group from the list",
    "organisation": "Select an organisation from the list",
    "owner": "Select an owner from the list",
}


class DeadlineFilterForm(GovukForm):
    state = forms.ChoiceField(label="State", choices=_STATE_CHOICES, required=False)
    # A partnership's organisations (its 200 schools) and owners: drawn in one pass (LongSelect).
    group = forms.ModelChoiceField(
        label="Group",
        queryset=Group.objects.none(),
        required=False,
        empty_label="Any group",
        widget=LongSelect,
    )
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Any organisation",
        widget=LongSelect,
    )
    owner = forms.ModelChoiceField(
        label="Owner",
        queryset=Person.objects.none(),
        required=False,
        empty_label="Anyone",
        widget=LongSelect,
    )
    due = forms.ChoiceField(label="Due", choices=_DUE_CHOICES, required=False)
    show_met = forms.BooleanField(label="Show met deadlines", required=False)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        options = filter_options(actor=actor)
        # Only owners of a deadline the person can see are offered (and accepted).
        self.fields["group"].queryset = options.groups  # type: ignore[attr-defined]
        self.fields["organisation"].queryset = options.organisations  # type: ignore[attr-defined]
        self.fields["owner"].queryset = options.owners  # type: ignore[attr-defined]
        for name, message in _INVALID.items():
            self.fields[name].error_messages["invalid_choice"] = message

    @property
    def offers_owners(self) -> bool:
        """A choice of owner is offered only when some visible deadline has an owner person."""
        return self.fields["owner"].queryset.exists()  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        """The valid filters as selector arguments; an invalid one is dropped (and reported).

        Met deadlines are left out unless asked for, by "Show met deadlines" or by their state.
        """
        data = (
            (self.cleaned_data if self.is_valid() else getattr(self, "cleaned_data", {}))
            if self.is_bound
            else {}
        )
        return {
            "state": data.get("state") or None,
            "group_id": data["group"].pk if data.get("group") else None,
            "organisation_id": data["organisation"].pk if data.get("organisation") else None,
            "owner_id": data["owner"].pk if data.get("owner") else None,
            "due_within": DUE_SOON_WITHIN if data.get("due") == DUE_SOON else None,
            "show_met": bool(data.get("show_met")),
        }
