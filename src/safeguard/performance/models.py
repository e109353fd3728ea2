"""The scorecard's data: indicators, their values by period, comparators and exceptions.

Every value here is an aggregate (a count, a percentage or a rate): no child is identifiable, so
PMSG members may see all of it (DESIGN.md section 3, need to know). The invariants the database
can hold are constraints; those that need the indicator's unit (a percentage is at most 100) are
checked by the services, which are the only writers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Unit(models.TextChoices):
    COUNT = "count", "Count"
    PERCENTAGE = "percentage", "Percentage"
    RATE_PER_10000 = "rate_per_10000", "Rate per 10,000 children"
    RATE_PER_10000_WOMEN = "rate_per_10000_women", "Rate per 10,000 adult women"


class Polarity(models.TextChoices):
    """Which way is better; the values are the SPC engine's ``improvement`` words."""

    UP = "up", "Higher is better"
    DOWN = "down", "Lower is better"
    NEITHER = "neither", "Neither"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    ANNUAL = "annual", "Annual (financial year)"


class Theme(models.TextChoices):
    CHILD_PROTECTION = "child_protection", "Child protection"
    CHILDREN_LOOKED_AFTER = "children_looked_after", "Children looked after"
    SECURE_SETTINGS = "secure_settings", "Secure settings"
    EXPLOITATION = "exploitation", "Exploitation"
    TRAINING = "training", "Learning and development"
    OTHER = "other", "Other"


class Indicator(models.Model):
    code = models.SlugField(max_length=60, unique=True, help_text="Used in return files")
    name = models.CharField(max_length=200)
    theme = models.CharField(max_length=40, choices=Theme.choices, default=Theme.OTHER)
    definition = models.TextField(blank=True, default="")
    numerator = models.CharField(max_length=300, blank=True, default="")
    denominator = models.CharField(max_length=300, blank=True, default="")
    unit = models.CharField(max_length=20, choices=Unit.choices)
    child_population = models.PositiveIntegerField(
        null=True, blank=True, help_text="The child population a rate per 10,000 uses"
    )
    polarity = models.CharField(max_length=10, choices=Polarity.choices)
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    owner_organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    target = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    limits_from = models.DateField(
        null=True,
        blank=True,
        help_text="Start of the period from which the limits are recalculated",
    )
    active = models.BooleanField(default=True)
    census_key = models.CharField(
        max_length=40,
        blank=True,
        default="",
        help_text="The record-level definition that computes it from a census import, if any",
    )
    # A measure a module registered in ``safeguard.core.measures`` (``<module>.<name>``): the
    # scorecard then counts this series from Safeguard's own records (services.counting).
    measure_key = models.CharField(
        max_length=80,
        blank=True,
        default="",
        help_text="The measure of Safeguard's records that counts it, if any",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["theme", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    unit="rate_per_10000", child_population__isnull=False, child_population__gt=0
                )
                | (~Q(unit="rate_per_10000") & Q(child_population__isnull=True)),
                name="indicator_population_only_for_rates",
            ),
            models.CheckConstraint(
                condition=Q(target__isnull=True) | Q(target__gte=0),
                name="indicator_target_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def fed_by_census(self) -> bool:
        """Its values come from census imports only. A census figure is for the year to 31
        March, so only an annual series is fed; an older catalogue's monthly indicator with a
        definition keeps taking returns (one frequency and one source per series)."""
        return bool(self.census_key) and self.frequency == Frequency.ANNUAL

    @property
    def fed_by_measure(self) -> bool:
        """Its values are counted from Safeguard's records: it takes no return."""
        return bool(self.measure_key)


CENSUS_FED = Q(frequency="annual") & ~Q(census_key="")
MEASURE_FED = ~Q(measure_key="")
# Values computed rather than submitted: such an indicator owes no return.
COMPUTED = CENSUS_FED | MEASURE_FED


class ObservationSource(models.TextChoices):
    FORM = "form", "Return form"
    UPLOAD = "upload", "Uploaded file"
    API = "api", "Partner system (API)"
    RECORDS = "records", "Computed from record-level DfE data"
    MEASURE = "measure", "Counted from Safeguard's records"
    DEMO = "demo", "Synthetic demo data"


class Observation(models.Model):
    """The value of one indicator for one period, with the owner's narrative."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="observations")
    period_start = models.DateField()
    value = models.DecimalField(max_digits=14, decimal_places=4)
    narrative = models.TextField()
    source = models.CharField(max_length=10, choices=ObservationSource.choices)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["indicator", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_start"], name="observation_one_per_period"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="observation_not_negative"),
        ]


class ComparatorKind(models.TextChoices):
    ENGLAND = "england", "England"
    STATISTICAL_NEIGHBOURS = "statistical_neighbours", "Statistical neighbours"
    REGION = "region", "Region"
    # The annual report compares children on a plan for two years with this group's mean.
    METROPOLITAN_BOROUGHS = "metropolitan_boroughs", "Metropolitan boroughs"


# Shown for every indicator ("Not published" when missing); any other kind only when given.
STANDARD_COMPARATORS = ("england", "statistical_neighbours", "region")


class Comparator(models.Model):
    """A published value to compare with, for one year (the year the period starts in)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="comparators")
    kind = models.CharField(max_length=30, choices=ComparatorKind.choices)
    year = models.PositiveSmallIntegerField(help_text="Year, e.g. 2022 for 2022-23")
    value = models.DecimalField(max_digits=14, decimal_places=4)
    source = models.CharField(max_length=300)

    class Meta:
        ordering = ["indicator", "-year", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "kind", "year"], name="comparator_one_per_year"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="comparator_not_negative"),
        ]


class ExceptionState(models.TextChoices):
    OPEN = "open", "Awaiting explanation"
    EXPLAINED = "explained", "Explained"
    CLOSED = "closed", "Closed"


class IndicatorException(models.Model):
    """A special cause concern the owner organisation is asked to explain to the PMSG."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="exceptions")
    period_start = models.DateField(help_text="The period whose value signalled the concern")
    special_cause = models.CharField(max_length=30)
    owner_organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField()
    due_at = models.DateTimeField()
    explanation = models.TextField(blank=True, default="")
    explained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    explained_at = models.DateTimeField(null=True, blank=True)
    pmsg_view = models.TextField(blank=True, default="")
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_start"], name="exception_one_per_signal"
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | ~Q(pmsg_view=""),
                name="exception_closed_with_view",
            ),
        ]

    @property
    def state(self) -> str:
        if self.closed_at is not None:
            return ExceptionState.CLOSED
        if self.explained_at is not None:
            return ExceptionState.EXPLAINED
        return ExceptionState.OPEN

    @property
    def state_label(self) -> str:
        return ExceptionState(self.state).label


class RecordImportOutcome(models.TextChoices):
    IMPORTED = "imported", "Imported"
    REFUSED = "refused", "Refused"


class RecordImport(models.Model):
    """One upload of record-level DfE data by the LA's data team: what came in, not who it named.

    The records themselves live as Parquet under ``VAR_DIR / "census"``; this row keeps only
    counts, so listing imports shows no child.
    """

    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField()
    year = models.PositiveSmallIntegerField(help_text="The DfE year, ending 31 March of it")
    kinds = models.CharField(max_length=30, help_text="cin, ssda903 or both, comma separated")
    row_counts = models.JSONField(default=dict, help_text="Rows per census table")
    indicators_updated = models.PositiveIntegerField(default=0)
    problem_count = models.PositiveIntegerField(default=0)
    finding_count = models.PositiveIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=RecordImportOutcome.choices)

    class Meta:
        ordering = ["-imported_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="imported", problem_count=0) | Q(outcome="refused"),
                name="record_import_imported_without_problems",
            ),
        ]

    @property
    def total_rows(self) -> int:
        return sum(int(n) for n in self.row_counts.values())

    @property
    def kinds_label(self) -> str:
        names = {"cin": "CIN census", "ssda903": "SSDA903"}
        return ", ".join(names.get(kind, kind) for kind in self.kinds.split(",") if kind)
