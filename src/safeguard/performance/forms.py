"""Forms of the scorecard pages: they parse and name the field at fault; services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from safeguard.core import measures
from safeguard.core.forms.govuk import GovukForm
from safeguard.core.models import Organisation
from safeguard.performance import periods, rules
from safeguard.performance.census import keys
from safeguard.performance.models import (
    ComparatorKind,
    Frequency,
    Indicator,
    Polarity,
    Theme,
    Unit,
)

NARRATIVE_HINT = (
    "What the figure shows and why: the PMSG asks for narrative with every number."
    " Do not name or describe any child."
)


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's refusal on the field it names (or the form, when it names none)."""
    for name, problems in error.message_dict.items():
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem)


class IndicatorForm(GovukForm):
    code = forms.SlugField(
        label="Code",
        max_length=60,
        help_text="Lower case letters, numbers and hyphens; return files use it",
    )
    name = forms.CharField(label="Name", max_length=200)
    theme = forms.ChoiceField(label="Theme", choices=Theme.choices)
    definition = forms.CharField(label="Definition", widget=forms.Textarea, required=False)
    numerator = forms.CharField(label="Numerator", max_length=300, required=False)
    denominator = forms.CharField(label="Denominator", max_length=300, required=False)
    unit = forms.ChoiceField(label="Unit", choices=Unit.choices, widget=forms.RadioSelect)
    child_population = forms.IntegerField(
        label="Child population",
        min_value=1,
        required=False,
        help_text="Only for a rate per 10,000 children: the population aged 0 to 17 it uses",
    )
    polarity = forms.ChoiceField(
        label="Which way is better", choices=Polarity.choices, widget=forms.RadioSelect
    )
    frequency = forms.ChoiceField(
        label="Frequency", choices=Frequency.choices, widget=forms.RadioSelect
    )
    owner_organisation = forms.ModelChoiceField(
        label="Owner organisation", queryset=Organisation.objects.none()
    )
    target = forms.DecimalField(
        label="Target", required=False, min_value=0, max_digits=14, decimal_places=4
    )
    limits_from = forms.CharField(
        label="Recalculate the limits from",
        required=False,
        max_length=7,
        help_text="Optional: the period the process changed, as year and month, like 2022-04",
    )
    active = forms.BooleanField(label="On the scorecard", required=False, initial=True)
    measure_key = forms.ChoiceField(
        label="Counted from Safeguard's records",
        choices=lambda: measure_choices(),
        required=False,
        help_text="If set, the scorecard counts this indicator's values from the records of a "
        "Safeguard module, every hour and when you press Count now; it then takes no returns",
    )
    census_key = forms.ChoiceField(
        label="Record-level definition",
        choices=keys.choices,
        required=False,
        help_text="If set, a census import by the LA data team computes this indicator's value",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner_organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(active=True).order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text = str(data.get("limits_from") or "").strip()
        data["limits_from"] = None
        if text and data.get("frequency"):
            try:
                data["limits_from"] = periods.parse(text, data["frequency"])
            except ValueError as error:
                self.add_error("limits_from", str(error))
        return data

    @staticmethod
    def initial_for(indicator: Indicator) -> dict[str, Any]:
        initial = {
            name: getattr(indicator, name)
            for name in (
                "code",
                "name",
                "theme",
                "definition",
                "numerator",
                "denominator",
                "unit",
                "child_population",
                "polarity",
                "frequency",
                "target",
                "active",
                "census_key",
                "measure_key",
            )
        }
        initial["owner_organisation"] = indicator.owner_organisation_id
        initial["limits_from"] = (
            periods.short(indicator.limits_from) if indicator.limits_from else ""
        )
        return initial


def measure_choices() -> list[tuple[str, str]]:
    """For the catalogue form: no measure, then every registered measure by name."""
    return [("", "None: values come by return or census"), *measure_names()]


def measure_names() -> list[tuple[str, str]]:
    return [(m.key, m.name) for m in measures.all_measures()]


class MeasureIndicatorForm(GovukForm):
    """A new indicator counted by a measure: what the measure says, prefilled; the unit is the
    measure's, the frequency one of those it can be counted for."""

    name = forms.CharField(label="Name", max_length=200)
    code = forms.SlugField(
        label="Code",
        max_length=60,
        help_text="Lower case letters, numbers and hyphens; the API uses it",
    )
    theme = forms.ChoiceField(label="Theme", choices=Theme.choices)
    definition = forms.CharField(label="Definition", widget=forms.Textarea)
    numerator = forms.CharField(label="Numerator", max_length=300, required=False)
    denominator = forms.CharField(label="Denominator", max_length=300, required=False)
    polarity = forms.ChoiceField(
        label="Which way is better", choices=Polarity.choices, widget=forms.RadioSelect
    )
    frequency = forms.ChoiceField(label="Frequency", widget=forms.RadioSelect)
    owner_organisation = forms.ModelChoiceField(
        label="Owner organisation",
        queryset=Organisation.objects.none(),
        help_text="The organisation that explains a concern the chart raises",
    )
    target = forms.DecimalField(
        label="Target", required=False, min_value=0, max_digits=14, decimal_places=4
    )

    def __init__(self, *args: Any, measure: measures.Measure, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "name": measure.name,
                "code": measure.key.replace("_", "-").replace(".", "-")[:60],
                "theme": measure.theme,
                "definition": measure.definition,
                "numerator": measure.numerator,
                "denominator": measure.denominator,
                "polarity": measure.polarity,
                "frequency": measure.frequencies[0],
            },
        )
        super().__init__(*args, **kwargs)
        frequency = self.fields["frequency"]
        assert isinstance(frequency, forms.ChoiceField)
        frequency.choices = [(f, Frequency(f).label) for f in measure.frequencies]
        owner = self.fields["owner_organisation"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = Organisation.objects.filter(active=True).order_by("name")


class MeasureLinkForm(GovukForm):
    indicator = forms.ModelChoiceField(
        label="Indicator",
        queryset=Indicator.objects.none(),
        help_text="Its values from returns stay as they are; counting fills the other periods",
        error_messages={"invalid_choice": "Choose one of the indicators listed"},
    )

    def __init__(self, *args: Any, indicators: QuerySet[Indicator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["indicator"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = indicators


class ComparatorForm(GovukForm):
    kind = forms.ChoiceField(
        label="Comparator", choices=ComparatorKind.choices, widget=forms.RadioSelect
    )
    year = forms.IntegerField(
        label="Year",
        min_value=2000,
        max_value=2100,
        help_text="The year it starts in: 2022 for 2022-23",
    )
    value = forms.DecimalField(label="Value", max_digits=14, decimal_places=4)
    source = forms.CharField(
        label="Source",
        max_length=300,
        help_text="For example, DfE Characteristics of children in need 2023",
    )


class ReturnForm(GovukForm):
    indicator = forms.ModelChoiceField(label="Indicator", queryset=Indicator.objects.none())
    period = forms.CharField(
        label="Period", max_length=7, help_text="The year and month the period starts, like 2026-10"
    )
    value = forms.CharField(label="Value", max_length=30)
    narrative = forms.CharField(label="Narrative", widget=forms.Textarea, help_text=NARRATIVE_HINT)

    def __init__(self, *args: Any, indicators: QuerySet[Indicator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["indicator"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = indicators

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        indicator = data.get("indicator")
        if indicator is None:
            return data
        if "period" in data:
            try:
                data["period_start"] = periods.parse(data["period"], indicator.frequency)
            except ValueError as error:
                self.add_error("period", str(error))
        if "value" in data:
            value, problem = rules.parse_value(data["value"], indicator.unit)
            if problem:
                self.add_error("value", problem)
            data["value_number"] = value
        return data


class UploadForm(GovukForm):
    file = forms.FileField(
        label="Upload a return file",
        help_text="XLSX or CSV with the columns indicator, period, value, narrative",
    )


class ExplainForm(GovukForm):
    explanation = forms.CharField(
        label="Explanation for the PMSG", widget=forms.Textarea, max_length=5000
    )


class CloseForm(GovukForm):
    pmsg_view = forms.CharField(label="The PMSG's view", widget=forms.Textarea, max_length=5000)


class _MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class _MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern); cleans to a list."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", _MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class CensusUploadForm(GovukForm):
    year = forms.IntegerField(
        label="Reporting year",
        min_value=2000,
        max_value=2100,
        help_text="The DfE year, named by the year it ends in: 2025 for April 2024 to March 2025",
    )
    population = forms.IntegerField(
        label="Child population",
        min_value=1,
        required=False,
        help_text="Children aged 0 to 17 in the area, for the rates per 10,000. Leave empty to"
        " use each rate indicator's own population from the catalogue",
    )
    cin_file = forms.FileField(
        label="CIN census file",
        required=False,
        help_text="The Children in Need census return as XML",
    )
    ssda903_files = _MultipleFileField(
        label="SSDA903 files",
        required=False,
        help_text="header.csv and episodes.csv (with reviews.csv and oc2.csv if you have them),"
        " selected together, or one ZIP of them",
    )
    validate = forms.BooleanField(
        label="Check the files with the DfE validators (this can take a few minutes)",
        required=False,
        initial=True,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = ("cin_file" in data and "ssda903_files" in data) and (
            data["cin_file"] or data["ssda903_files"]
        )
        if "cin_file" in data and "ssda903_files" in data and not given:
            self.add_error("cin_file", "Choose a CIN census file, SSDA903 files, or both")
        return data
