"""Reads that carry no identities: published learning, and open cases' clocks for oversight."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from safeguard.reviews import policies, rules
from safeguard.reviews.models import Incident, LearningSheet, Status
from safeguard.reviews.selectors.cases import clocks_of

CLOSED = (Status.DRAFT, Status.NOT_NOTIFIED, Status.CLOSED)


def published_sheets() -> QuerySet[LearningSheet]:
    """Learning sheets once published: anonymised by the Business Unit, readable by all."""
    return (
        LearningSheet.objects.filter(published_at__isnull=False)
        .prefetch_related("themes")
        .order_by("-published_at")
    )


def open_cases_for(*, actor: Any) -> list[dict[str, Any]]:
    """Every open case with its clocks and who has contributed, for the Chair and the RAG.

    References, stages, dates and organisation names only. Others get an empty list.
    """
    if not policies.sees_every_case(actor):
        return []
    rows = []
    cases = (
        Incident.objects.exclude(status__in=CLOSED)
        .select_related("referring_organisation")
        .prefetch_related("contributions__organisation")
        .order_by("submitted_at")
    )
    for incident in cases:
        rows.append(
            {
                "incident": incident,
                "clocks": [
                    {
                        "kind_label": rules.clock_label(clock.kind),
                        "due_at": clock.due_at,
                        "state": clock.state,  # type: ignore[attr-defined]  # annotated
                    }
                    for clock in clocks_of(incident)
                ],
                "contributors": sorted({c.organisation.name for c in incident.contributions.all()}),
            }
        )
    return rows


def sheet_for(*, actor: Any, pk: int) -> LearningSheet:
    """A published sheet for anyone; an unpublished one for the Business Unit only."""
    sheet = LearningSheet.objects.prefetch_related("themes").filter(pk=pk).first()
    if sheet is None:
        raise Http404
    if sheet.published_at is None and not policies.can(actor, policies.Cap.MANAGE):
        raise Http404
    return sheet
