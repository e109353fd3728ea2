"""Every read of the scorecard, already narrowed to what the person may see.

Indicator values are aggregates: anyone who may view the scorecard sees all of them. Returns due
are narrowed to the organisations a person may submit for.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from safeguard.core.models import Person
from safeguard.core.roles import roles_with
from safeguard.core.work import WorkItem
from safeguard.performance import analysis, periods, policies
from safeguard.performance.models import (
    CENSUS_FED,
    COMPUTED,
    Comparator,
    Indicator,
    IndicatorException,
    Observation,
    RecordImport,
)

# The exceptions list filter the home page's count links to: awaiting explanation, mine.
OPEN_AND_MINE = "state=open&mine=1"


def reading_of(indicator: Indicator, observations: list[Observation]) -> analysis.Reading:
    return analysis.read(
        [o.period_start for o in observations],
        [o.value for o in observations],
        frequency=indicator.frequency,
        polarity=indicator.polarity,
        target=indicator.target,
        limits_from=indicator.limits_from,
    )


def reading_for(indicator: Indicator) -> analysis.Reading:
    return reading_of(indicator, list(indicator.observations.order_by("period_start")))


@dataclass
class ScorecardRow:
    indicator: Indicator
    observations: list[Observation]
    reading: analysis.Reading
    comparators: dict[str, Comparator] = field(default_factory=dict)
    comparator_year: int | None = None
    open_exceptions: int = 0

    @property
    def latest(self) -> Observation | None:
        return self.observations[-1] if self.observations else None


def indicators(*, actor: Any, include_inactive: bool = False) -> QuerySet[Indicator]:
    if not policies.can_view(actor):
        return Indicator.objects.none()
    found = Indicator.objects.select_related("owner_organisation")
    return found if include_inactive else found.filter(active=True)


def _latest_comparators(comparators: list[Comparator]) -> tuple[int | None, dict[str, Comparator]]:
    if not comparators:
        return None, {}
    year = max(c.year for c in comparators)
    return year, {c.kind: c for c in comparators if c.year == year}


def scorecard(*, actor: Any) -> list[ScorecardRow]:
    """Every active indicator with its series read, latest comparators and open exceptions."""
    found = list(indicators(actor=actor))
    ids = [i.pk for i in found]
    series: dict[int, list[Observation]] = defaultdict(list)
    for observation in Observation.objects.filter(indicator_id__in=ids).order_by(
        "indicator_id", "period_start"
    ):
        series[observation.indicator_id].append(observation)
    published: dict[int, list[Comparator]] = defaultdict(list)
    for comparator in Comparator.objects.filter(indicator_id__in=ids):
        published[comparator.indicator_id].append(comparator)
    open_counts: dict[int, int] = defaultdict(int)
    for indicator_id in IndicatorException.objects.filter(
        indicator_id__in=ids, closed_at__isnull=True
    ).values_list("indicator_id", flat=True):
        open_counts[indicator_id] += 1
    rows = []
    for indicator in found:
        observations = series[indicator.pk]
        year, comparators = _latest_comparators(published[indicator.pk])
        rows.append(
            ScorecardRow(
                indicator=indicator,
                observations=observations,
                reading=reading_of(indicator, observations),
                comparators=comparators,
                comparator_year=year,
                open_exceptions=open_counts[indicator.pk],
            )
        )
    return rows


def indicator_row(*, actor: Any, pk: int) -> ScorecardRow | None:
    indicator = indicators(actor=actor, include_inactive=True).filter(pk=pk).first()
    if indicator is None:
        return None
    observations = list(indicator.observations.order_by("period_start"))
    year, comparators = _latest_comparators(list(indicator.comparators.all()))
    return ScorecardRow(
        indicator=indicator,
        observations=observations,
        reading=reading_of(indicator, observations),
        comparators=comparators,
        comparator_year=year,
        open_exceptions=indicator.exceptions.filter(closed_at__isnull=True).count(),
    )


def submittable_indicators(*, actor: Any) -> QuerySet[Indicator]:
    """The active indicators this person may make returns for (not those the census feeds or
    Safeguard's records count)."""
    found = (
        Indicator.objects.filter(active=True).exclude(COMPUTED).select_related("owner_organisation")
    )
    if policies.can_manage(actor):
        return found
    if not policies.can(actor, policies.SUBMIT_RETURN):
        return found.none()
    return found.filter(owner_organisation_id=actor.organisation_id)


@dataclass(frozen=True)
class DueReturn:
    indicator: Indicator
    period_start: date
    period_label: str


def returns_outstanding(*, actor: Any, today: date, back: int = 3) -> list[DueReturn]:
    """Ended periods with no value yet: the latest ``back`` of each indicator, none before
    its first value (a new indicator owes only its latest period)."""
    found = list(submittable_indicators(actor=actor))
    first: dict[int, date] = {}
    have: set[tuple[int, date]] = set()
    for indicator_id, start in Observation.objects.filter(indicator__in=found).values_list(
        "indicator_id", "period_start"
    ):
        have.add((indicator_id, start))
        first[indicator_id] = min(start, first.get(indicator_id, start))
    due = []
    for indicator in found:
        start = periods.latest_ended(today, indicator.frequency)
        for _ in range(back if indicator.pk in first else 1):
            if indicator.pk in first and start < first[indicator.pk]:
                break
            if (indicator.pk, start) not in have:
                label = periods.label(start, indicator.frequency)
                due.append(DueReturn(indicator, start, label))
            start = periods.containing(start - timedelta(days=1), indicator.frequency)
    return due


def submitters(organisation_id: int) -> list[Person]:
    """The people of an organisation who can make its returns: those whom a chase goes to."""
    roles = roles_with(policies.SUBMIT_RETURN)
    return list(
        Person.objects.filter(
            organisation_id=organisation_id,
            is_active=True,
            role_assignments__role__in=roles,
        )
        .distinct()
        .order_by("pk")
    )


def exceptions(
    *, actor: Any, open_only: bool = False, awaiting: bool = False, mine: bool = False
) -> QuerySet[IndicatorException]:
    """Every exception (aggregates: any scorecard viewer sees them); ``open_only`` keeps those
    not closed, ``awaiting`` those awaiting an explanation, ``mine`` those of the person's
    organisation."""
    if not policies.can_view(actor):
        return IndicatorException.objects.none()
    found = IndicatorException.objects.select_related("indicator", "owner_organisation")
    if open_only:
        found = found.filter(closed_at__isnull=True)
    if awaiting:
        found = found.filter(closed_at__isnull=True, explained_at__isnull=True)
    if mine:
        found = found.filter(owner_organisation_id=actor.organisation_id)
    return found


def performance_work(person: Any) -> list[WorkItem]:
    """The home page's scorecard section: concerns the person's organisation is to explain,
    counted by the same selector and filter as the list the count links to."""
    if not policies.can(person, policies.SUBMIT_RETURN) or not policies.can_view(person):
        return []
    mine = exceptions(actor=person, awaiting=True, mine=True)
    return [
        WorkItem(
            "Concerns raised on the scorecard for your organisation to explain",
            mine.count(),
            f"{reverse('performance:exceptions')}?{OPEN_AND_MINE}",
        )
    ]


def exception_detail(*, actor: Any, pk: int) -> IndicatorException | None:
    return exceptions(actor=actor).filter(pk=pk).first()


def scorecard_rows_for_key() -> list[ScorecardRow]:
    """The scorecard for a partner system: the key's scope is the policy (values are aggregates)."""
    found = list(Indicator.objects.filter(active=True).select_related("owner_organisation"))
    series: dict[int, list[Observation]] = defaultdict(list)
    for observation in Observation.objects.filter(indicator__in=found).order_by(
        "indicator_id", "period_start"
    ):
        series[observation.indicator_id].append(observation)
    return [
        ScorecardRow(indicator=i, observations=series[i.pk], reading=reading_of(i, series[i.pk]))
        for i in found
    ]


def record_imports(*, actor: Any, limit: int = 50) -> QuerySet[RecordImport]:
    """The latest census imports: the LA data team's alone, as they concern record-level data."""
    if not policies.can_import_records(actor):
        return RecordImport.objects.none()
    return RecordImport.objects.select_related("imported_by").order_by("-imported_at", "-pk")[
        :limit
    ]


def census_fed_indicators(*, actor: Any) -> QuerySet[Indicator]:
    """The catalogue indicators a census import computes (aggregates, so no narrowing beyond
    the capability to import)."""
    if not policies.can_import_records(actor):
        return Indicator.objects.none()
    return Indicator.objects.filter(CENSUS_FED, active=True).order_by("theme", "name")
