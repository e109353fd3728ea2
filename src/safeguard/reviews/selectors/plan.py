"""What the shared action plan asks the reviews module about its source of actions.

A review's recommendation is a source of actions in the plan (``safeguard.governance``): the
plan asks, through ``governance.sources.register`` (``apps``), where a recommendation's page is
and who besides the Business Unit and the owner sees and manages its actions. The answers
follow the case's policy: those who may see the case see its actions; those who may manage an
open case add, correct and withdraw them.
"""

from __future__ import annotations

from typing import Any

from safeguard.core.models import ApiKey
from safeguard.reviews import policies, rules
from safeguard.reviews.models import Incident, Recommendation, Status
from safeguard.reviews.selectors.work import visible_incidents

KIND = rules.ACTION_SOURCE
LABEL = "Rapid Review / CSPR recommendation"
KEY_SCOPE = "reviews:actions"


def _incident(source_id: str) -> Incident | None:
    if not source_id.isdigit():
        return None
    found = Recommendation.objects.select_related("incident").filter(pk=int(source_id)).first()
    return found.incident if found is not None else None


def link(source_id: str) -> str | None:
    incident = _incident(source_id)
    return f"/reviews/cases/{incident.pk}/actions" if incident is not None else None


def links(source_ids: list[str]) -> dict[str, str | None]:
    """The pages of many recommendations in one read, for the plan's long lists."""
    pks = [int(source_id) for source_id in source_ids if source_id.isdigit()]
    found = dict(Recommendation.objects.filter(pk__in=pks).values_list("pk", "incident_id"))
    return {
        source_id: (
            f"/reviews/cases/{found[int(source_id)]}/actions"
            if source_id.isdigit() and int(source_id) in found
            else None
        )
        for source_id in source_ids
    }


def may_view(actor: Any, source_id: str) -> bool:
    if isinstance(actor, ApiKey):
        return False
    incident = _incident(source_id)
    return incident is not None and policies.can_see_case(actor, incident)


def may_manage(actor: Any, source_id: str) -> bool:
    incident = _incident(source_id)
    return (
        incident is not None
        and policies.can_manage(actor, incident)
        and incident.status != Status.CLOSED
    )


def visible(actor: Any) -> list[str]:
    """The recommendations of the cases this person may open."""
    if isinstance(actor, ApiKey):
        return []
    return [
        str(pk)
        for pk in Recommendation.objects.filter(incident__in=visible_incidents(actor)).values_list(
            "pk", flat=True
        )
    ]
