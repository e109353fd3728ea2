"""Finding each child of an incident on the school rolls.

The linkage model lives in ``safeguard.children.linkage`` (Splink on DuckDB); this module feeds
it the children and the rolls and acts on its decision: automatic, a person to review, or none
(the LA's queue). ``MATCH`` is the one line to change to swap the matcher.

A child dual-registered at two schools is one UPN on two rolls: the roll given to the model
holds each UPN once, and every school whose roll holds it is notified.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from safeguard.children import linkage, prepared, selectors
from safeguard.children.models import Pupil
from safeguard.core import audit
from safeguard.core.models.audit import AuditAction
from safeguard.encompass.models import IncidentChild, MatchState
from safeguard.encompass.services.notifications import notifications_open

Matcher = Callable[[Sequence[linkage.Person], linkage.Roll], list[linkage.Match]]
MATCH: Matcher = selectors.match_with_active_model
# Where the rolls come from, prepared (ADR 0027); the demo hands its month one roll read once.
ROLL: Callable[[], linkage.Roll] = prepared.database_roll

RECORD_TYPE = "encompass.incident_child"
_DECISIONS = {
    linkage.AUTOMATIC: MatchState.AUTOMATIC,
    linkage.REVIEW: MatchState.REVIEW,
    linkage.NONE: MatchState.NONE,
}


def _person(child: IncidentChild) -> linkage.Person:
    return linkage.Person(
        key=str(child.pk),
        forename=child.forename or None,
        surname=child.surname or None,
        dob=child.dob,
        gender=child.gender or None,
        postcode=child.postcode or None,
        # Children named in one incident are weighed together (ADR 0009).
        household=str(child.incident_id),
        # The school the police recorded, if any, against the pupil's (ADR 0016).
        school_urns=(child.school_urn,) if child.school_urn else (),
        school_names=(child.school_name,) if child.school_name else (),
    )


def _pupil_ids(upns: set[str]) -> dict[str, int]:
    """One pupil row id per UPN (the first, as ``children.selectors.roll_people`` takes it)."""
    rows = Pupil.objects.filter(on_roll=True, upn__in=upns).order_by("-upn", "-pk")
    return dict(rows.values_list("upn", "pk"))


def children_match(*, children: Sequence[IncidentChild], actor: Any = None) -> list[IncidentChild]:
    """Match children waiting for it; open notifications for the automatic ones.

    Returns the children whose state changed. Safe to run twice: only pending children move.
    """
    waiting = [c for c in children if c.match_state == MatchState.PENDING and not c.withdrawn]
    if not waiting:
        return []
    results = MATCH([_person(c) for c in waiting], ROLL())
    pupil_ids = _pupil_ids({upn for r in results for upn in (r.upn, *r.candidates) if upn})
    changed = []
    now = timezone.now()
    for child, result in zip(waiting, results, strict=True):
        with transaction.atomic():
            current = IncidentChild.objects.select_for_update().get(pk=child.pk)
            if current.match_state != MatchState.PENDING:
                continue
            current.match_state = _DECISIONS[result.decision]
            current.pupil_id = pupil_ids.get(result.upn) if result.upn else None
            current.probability = result.probability
            # A matcher that gives no probabilities (an older one) leaves them unknown.
            given: list[float | None] = list(result.candidate_probabilities)
            given += [None] * (len(result.candidates) - len(given))
            shown = [
                (pupil_ids[upn], None if probability is None else round(probability, 6))
                for upn, probability in zip(result.candidates, given, strict=False)
                if upn in pupil_ids
            ]
            current.candidates = [pk for pk, _ in shown]
            current.candidate_probabilities = [probability for _, probability in shown]
            current.matched_at = now
            current.save(
                update_fields=[
                    "match_state",
                    "pupil",
                    "probability",
                    "candidates",
                    "candidate_probabilities",
                    "matched_at",
                ]
            )
            audit.record(
                action=AuditAction.UPDATE,
                record_type=RECORD_TYPE,
                record_id=current.pk,
                actor=actor,
                changes={
                    "match_state": [MatchState.PENDING, current.match_state],
                    "pupil_id": [None, current.pupil_id],
                    "probability": [None, round(result.probability, 6)],
                },
            )
            if current.match_state == MatchState.AUTOMATIC:
                notifications_open(child=current, actor=actor)
        changed.append(current)
    return changed


def incident_match(*, incident_id: int, actor: Any = None) -> list[IncidentChild]:
    children = list(
        IncidentChild.objects.filter(
            incident_id=incident_id, match_state=MatchState.PENDING, withdrawn=False
        ).select_related("incident")
    )
    return children_match(children=children, actor=actor)


def pending_match(*, limit: int = 2000) -> list[IncidentChild]:
    """The worker's catch-up: children an earlier attempt did not reach."""
    children = list(
        IncidentChild.objects.filter(match_state=MatchState.PENDING, withdrawn=False)
        .select_related("incident")
        .order_by("pk")[:limit]
    )
    return children_match(children=children)
