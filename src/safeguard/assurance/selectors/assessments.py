"""Reads of self-assessments: an organisation's own, or every one for the Business Unit.

Self-assessments name no child; a refused attempt on another organisation's is still audited.
The comparison (year on year, per agency and across the partnership) is figures only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from safeguard.assurance import policies, rules
from safeguard.assurance.models import Challenge, Rating, Round, SelfAssessment, StandardTemplate
from safeguard.assurance.selectors._common import refused
from safeguard.assurance.services._common import ASSESSMENT, CHALLENGE


def templates(*, actor: Any) -> QuerySet[StandardTemplate]:
    if not policies.manages(actor):
        return StandardTemplate.objects.none()
    return StandardTemplate.objects.annotate(standard_count=Count("standards"))


def rounds() -> QuerySet[Round]:
    return Round.objects.annotate(
        asked=Count("assessments"),
        returned=Count("assessments", filter=Q(assessments__status="returned")),
    )


def assessments_for(*, actor: Any) -> QuerySet[SelfAssessment]:
    found = SelfAssessment.objects.select_related("round", "organisation", "template")
    if policies.manages(actor):
        return found
    if policies.can(actor, policies.Cap.SELF_ASSESS):
        return found.filter(organisation_id=actor.organisation_id)
    return found.none()


def assessment_for(*, actor: Any, pk: int) -> SelfAssessment:
    found = assessments_for(actor=actor).filter(pk=pk).first()
    if found is None or not policies.can_see_assessment(actor, found):
        refused(actor, ASSESSMENT, pk)
        raise Http404
    return found


def ratings_of(assessment: SelfAssessment) -> list[Rating]:
    return list(assessment.ratings.select_related("standard").prefetch_related("challenges").all())


def challenge_for(*, actor: Any, pk: int) -> Challenge:
    found = (
        Challenge.objects.select_related("rating__assessment__organisation", "rating__standard")
        .filter(pk=pk)
        .first()
    )
    if found is None or not policies.can_see_assessment(actor, found.rating.assessment):
        refused(actor, CHALLENGE, pk)
        raise Http404
    return found


def open_challenges_for(*, actor: Any) -> QuerySet[Challenge]:
    return Challenge.objects.filter(
        answered_at__isnull=True,
        rating__assessment__in=assessments_for(actor=actor),
    )


@dataclass(frozen=True)
class YearRow:
    year: int
    organisation: str
    returned: bool
    counts: dict[str, int]

    @property
    def rated(self) -> int:
        return sum(self.counts.values())

    @property
    def green_share(self) -> int:
        return self.share("green")

    def share(self, rag: str) -> int:
        """Per cent of rated standards, rounded."""
        return round(100 * self.counts[rag] / self.rated) if self.rated else 0


def comparison(*, organisation_id: int | None = None) -> list[YearRow]:
    """RAG counts per year: one organisation's, or the partnership's in total (figures only)."""
    rows = Rating.objects.all()
    if organisation_id is not None:
        rows = rows.filter(assessment__organisation_id=organisation_id)
    counted = rows.values("assessment__round__year", "rag").annotate(n=Count("pk"))
    years: dict[int, dict[str, int]] = {}
    for row in counted:
        years.setdefault(row["assessment__round__year"], dict.fromkeys(rules.RAG, 0))[
            row["rag"]
        ] = row["n"]
    label = "The partnership" if organisation_id is None else ""
    return [
        YearRow(year=year, organisation=label, returned=True, counts=years[year])
        for year in sorted(years)
    ]


def movements(*, organisation_id: int) -> list[tuple[str, str, str | None, str | None, str]]:
    """Each standard of the latest two years' returns, by title: last year, this year, move."""
    found = (
        Rating.objects.filter(assessment__organisation_id=organisation_id)
        .values_list("assessment__round__year", "standard__title", "rag")
        .order_by("assessment__round__year")
    )
    by_year: dict[int, dict[str, str]] = {}
    for year, title, rag in found:
        by_year.setdefault(year, {})[title] = rag
    years = sorted(by_year)[-2:]
    if not years:
        return []
    before = by_year[years[0]] if len(years) == 2 else {}
    after = by_year[years[-1]]
    return [
        (
            str(years[-1]),
            title,
            before.get(title),
            after.get(title),
            rules.movement(before.get(title), after.get(title)),
        )
        for title in after
    ]
