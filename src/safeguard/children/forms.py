"""The form to change the matching model: thresholds, prior, every level's m and u, a note.

Its rules are stricter than ``MatchModel``'s own (which the service applies as well): the
automatic threshold must be strictly above the review threshold, and each m and u strictly
between 0 and 1, since a level that is certain either way would let one field overrule all
the others.
"""

from __future__ import annotations

from typing import Any

from django import forms

from safeguard.children import linkage
from safeguard.core.forms.govuk import GovukForm


def field_name(comparison: str, level: str, which: str) -> str:
    return f"{comparison}__{level}__{which}"


def _label(comparison: str, level: str) -> str:
    return f"{comparison.replace('_', ' ')} {level.replace('_', ' ')}".capitalize()


def _number(label: str, **kwargs: Any) -> forms.FloatField:
    return forms.FloatField(
        label=label[0].upper() + label[1:],
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={
            "required": f"Enter the {label}",
            "invalid": f"The {label} must be a number, like 0.95",
        },
        **kwargs,
    )


class MatchModelForm(GovukForm):
    automatic = _number(
        "automatic threshold",
        help_text="A probability between 0 and 1, above the review threshold. For example, 0.95",
    )
    review = _number(
        "review threshold",
        help_text="A probability between 0 and 1, below the automatic threshold. For example, 0.5",
    )
    share_on_roll = _number(
        "share of children expected on the roll",
        help_text="Above 0 and at most 1. For example, 0.9",
    )
    min_roll_size = forms.IntegerField(
        label="Smallest roll size for the prior",
        min_value=1,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the smallest roll size for the prior",
            "invalid": "The smallest roll size for the prior must be a whole number",
            "min_value": "The smallest roll size for the prior must be at least 1",
        },
        help_text="A whole number. For example, 50000",
    )
    note = forms.CharField(
        label="Why are you changing the model?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={
            "required": "Enter a note explaining why the model is changing",
            "max_length": "The note must be 2000 characters or fewer",
        },
        help_text="Say what you saw and what you expect the change to do. Do not name a child.",
    )

    def __init__(self, *args: Any, model: linkage.MatchModel, **kwargs: Any) -> None:
        initial = {
            "automatic": model.automatic,
            "review": model.review,
            "share_on_roll": model.share_on_roll,
            "min_roll_size": model.min_roll_size,
        }
        for comparison, given in model.comparisons.items():
            for level, p in given.items():
                initial[field_name(comparison, level, "m")] = p.m
                initial[field_name(comparison, level, "u")] = p.u
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        for comparison, levels in linkage.LEVELS.items():
            for level, _sql in levels:
                if level == "null":
                    continue
                for which in ("m", "u"):
                    label = f"{which} value for {_label(comparison, level).lower()}"
                    self.fields[field_name(comparison, level, which)] = _number(label)
        # Keep the note last, after every number, as it reads on the page.
        self.fields["note"] = self.fields.pop("note")

    def comparisons(self) -> list[dict[str, Any]]:
        """The bound m and u fields grouped for the template, in the model's order."""
        return [
            {
                "name": comparison,
                "levels": [
                    {
                        "name": level,
                        "label": _label(comparison, level),
                        "m": self[field_name(comparison, level, "m")],
                        "u": self[field_name(comparison, level, "u")],
                    }
                    for level, _sql in levels
                    if level != "null"
                ],
            }
            for comparison, levels in linkage.LEVELS.items()
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("automatic", "review"):
            value = data.get(name)
            if value is not None and not 0 < value <= 1:
                self.add_error(name, f"The {name} threshold must be above 0 and at most 1")
        automatic, review = data.get("automatic"), data.get("review")
        if (
            automatic is not None
            and review is not None
            and 0 < review <= 1
            and 0 < automatic <= 1
            and not automatic > review
        ):
            self.add_error(
                "automatic", "The automatic threshold must be above the review threshold"
            )
        share = data.get("share_on_roll")
        if share is not None and not 0 < share <= 1:
            self.add_error(
                "share_on_roll",
                "The share of children expected on the roll must be above 0 and at most 1",
            )
        for name, field in self.fields.items():
            if name.endswith(("__m", "__u")):
                value = data.get(name)
                if value is not None and not 0 < value < 1:
                    self.add_error(
                        name, f"The {str(field.label).lower()} must be more than 0 and less than 1"
                    )
        for comparison, level in sorted(linkage.NEUTRAL_LEVELS):
            m_name = field_name(comparison, level, "m")
            m, u = data.get(m_name), data.get(field_name(comparison, level, "u"))
            if m is not None and u is not None and m != u:
                self.add_error(
                    m_name,
                    f"The m value for {_label(comparison, level).lower()} must equal its u value:"
                    " the level carries no evidence either way",
                )
        return data

    def match_model(self) -> linkage.MatchModel:
        """The model the valid form describes (``MatchModel`` validates it once more)."""
        data = self.cleaned_data
        return linkage.MatchModel(
            automatic=data["automatic"],
            review=data["review"],
            share_on_roll=data["share_on_roll"],
            min_roll_size=data["min_roll_size"],
            comparisons={
                comparison: {
                    level: linkage.Level(
                        m=data[field_name(comparison, level, "m")],
                        u=data[field_name(comparison, level, "u")],
                    )
                    for level, _sql in levels
                    if level != "null"
                }
                for comparison, levels in linkage.LEVELS.items()
            },
        )


class RestoreForm(GovukForm):
    note = forms.CharField(
        label="Why are you restoring this version?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={
            "required": "Enter a note explaining why you are restoring this version",
            "max_length": "The note must be 2000 characters or fewer",
        },
        help_text="Do not name a child.",
    )
