"""Reading incidents and their children: the police lists, and the LA's review and unmatched
queues, already filtered to what the actor may see.

Reading a child's record (an incident's children, a notification, a match to review) writes a
view row to the audit trail, so anyone entitled can see who looked at a child.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from safeguard.children import selectors as children_selectors
from safeguard.children.identifiers import is_valid_upn, normalise_upn
from safeguard.children.models import Pupil
from safeguard.core import audit
from safeguard.core.models.audit import AuditAction
from safeguard.encompass import policies
from safeguard.encompass.models import (
    Forward,
    Incident,
    IncidentChild,
    MatchState,
    Notification,
)

CHILD = "encompass.incident_child"
PUPIL = "children.pupil"


def children_viewed(actor: Any, children: list[IncidentChild]) -> None:
    """One view row per child read: other selectors that show a child call this too."""
    audit.record_views(actor=actor, record_type=CHILD, record_ids=[child.pk for child in children])


def refused(actor: Any, record_type: str, pk: object) -> None:
    """An attempt to open a record the actor may not see (answered 404) is audited like a read,
    so probing for other schools' or forces' records shows in the trail."""
    audit.record(action=AuditAction.DENIED, record_type=record_type, record_id=pk, actor=actor)


def incidents_for(actor: Any, *, flagged_only: bool = False) -> QuerySet[Incident]:
    """The actor's force's incidents, newest first (a list: no child's details on it)."""
    rows = policies.incidents_visible(actor, Incident.objects.all()).select_related("force")
    if flagged_only:
        from django.db.models import Q

        rows = rows.filter(Q(no_children_recorded=True) | Q(presence_unknown=True))
    return rows.order_by("-occurred_at", "-pk")


def incidents_for_force(force: Any, *, reference: str | None = None) -> QuerySet[Incident]:
    """An API key's view: the incidents its own organisation sent, and nobody else's."""
    rows = Incident.objects.filter(force=force)
    if reference is not None:
        rows = rows.filter(reference=reference)
    return rows.prefetch_related("children__notifications__school").order_by("-occurred_at", "-pk")


def incident_get(actor: Any, pk: int) -> tuple[Incident, list[IncidentChild]]:
    incident = incidents_for(actor).filter(pk=pk).first()
    if incident is None:
        refused(actor, "encompass.incident", pk)
        raise Http404
    children = list(
        incident.children.select_related("pupil__school")
        .prefetch_related("notifications__school")
        .order_by("pk")
    )
    audit.record_view(actor=actor, record_type="encompass.incident", record_id=incident.pk)
    children_viewed(actor, children)
    return incident, children


def review_queue(actor: Any) -> QuerySet[IncidentChild]:
    if not policies.can(actor, policies.Cap.REVIEW_MATCHES):
        return IncidentChild.objects.none()
    return (
        IncidentChild.objects.filter(match_state=MatchState.REVIEW, withdrawn=False)
        .select_related("incident", "pupil__school")
        .order_by("incident__occurred_at", "pk")
    )


def review_child_get(actor: Any, pk: int) -> IncidentChild:
    child = review_queue(actor).filter(pk=pk).first()
    if child is None:
        refused(actor, CHILD, pk)
        raise Http404
    children_viewed(actor, [child])
    return child


def unmatched_queue(actor: Any, *, open_only: bool = True) -> QuerySet[IncidentChild]:
    if not policies.can(actor, policies.Cap.MANAGE_UNMATCHED):
        return IncidentChild.objects.none()
    rows = IncidentChild.objects.filter(match_state=MatchState.NONE, withdrawn=False)
    if open_only:
        rows = rows.filter(la_outcome="")
    return rows.select_related("incident").order_by("incident__occurred_at", "pk")


def unmatched_child_get(actor: Any, pk: int) -> IncidentChild:
    child = unmatched_queue(actor).filter(pk=pk).first()
    if child is None:
        refused(actor, CHILD, pk)
        raise Http404
    children_viewed(actor, [child])
    return child


def routed_child_get(actor: Any, pk: int) -> IncidentChild:
    """A child the LA coordinator may re-route: any child the police have not withdrawn."""
    child = (
        IncidentChild.objects.filter(pk=pk, withdrawn=False)
        .select_related("incident", "pupil__school")
        .first()
        if policies.may_reroute(actor)
        else None
    )
    if child is None:
        refused(actor, CHILD, pk)
        raise Http404
    children_viewed(actor, [child])
    return child


def routes_of(child: IncidentChild) -> tuple[QuerySet[Notification], QuerySet[Forward]]:
    """Where the child was sent: its notifications and forwards (for the re-routing page)."""
    return (
        child.notifications.select_related("school").order_by("pk"),
        child.forwards.select_related("neighbour").order_by("pk"),
    )


def pupil_for_upn(actor: Any, upn: str) -> Pupil | None:
    """Who a UPN is (name, date of birth, school), for the LA to check before matching by hand.

    Shown only to those who manage the unmatched queue, and audited as a read of the pupil.
    """
    if not policies.can(actor, policies.Cap.MANAGE_UNMATCHED):
        return None
    value = normalise_upn(upn)
    if not is_valid_upn(value):
        return None
    pupil = Pupil.objects.filter(upn=value, on_roll=True).select_related("school").first()
    if pupil is not None:
        audit.record_view(actor=actor, record_type=PUPIL, record_id=pupil.pk)
    return pupil


def review_candidates(actor: Any, child: IncidentChild) -> list[Pupil]:
    """The pupils the matching put forward for this child, best first (the suggested pupil
    first if an older match stored no list), each audited as a read of the pupil. Each carries
    ``match_probability``, how probable the matching found it (None if not kept)."""
    ids = [int(pk) for pk in (child.candidates or [])]
    probabilities = dict(zip(ids, child.candidate_probabilities or [], strict=False))
    if child.pupil_id and child.pupil_id not in ids:
        ids.insert(0, child.pupil_id)
        probabilities[child.pupil_id] = child.probability
    found = {p.pk: p for p in Pupil.objects.filter(pk__in=ids).select_related("school")}
    pupils = [found[pk] for pk in ids if pk in found]
    for pupil in pupils:
        pupil.match_probability = probabilities.get(pupil.pk)  # type: ignore[attr-defined]
    audit.record_views(actor=actor, record_type=PUPIL, record_ids=[pupil.pk for pupil in pupils])
    return pupils


def linkable_child_get(actor: Any, pk: int) -> IncidentChild:
    """A child the LA coordinator may link to a pupil found by searching the rolls: one
    waiting for review, or on the list of children on no roll with no outcome yet."""
    child = None
    if policies.may_search_rolls(actor):
        child = (
            IncidentChild.objects.filter(pk=pk, withdrawn=False)
            .filter(
                Q(match_state=MatchState.REVIEW) | Q(match_state=MatchState.NONE, la_outcome="")
            )
            .select_related("incident", "pupil__school")
            .first()
        )
    if child is None:
        refused(actor, CHILD, pk)
        raise Http404
    children_viewed(actor, [child])
    return child


def rolls_search(
    actor: Any, *, forename: str = "", surname: str = "", dob: Any = None
) -> list[Pupil]:
    """The coordinator's search of every roll: each pupil shown is audited as a read."""
    if not policies.may_search_rolls(actor):
        return []
    pupils = children_selectors.pupils_search(forename=forename, surname=surname, dob=dob)
    audit.record_views(actor=actor, record_type=PUPIL, record_ids=[pupil.pk for pupil in pupils])
    return pupils


def pupil_for_link(actor: Any, child: IncidentChild, pupil_pk: int) -> Pupil:
    """The pupil the coordinator chose from the search, to confirm beside the police record."""
    pupil = (
        Pupil.objects.filter(pk=pupil_pk, on_roll=True).select_related("school").first()
        if policies.may_search_rolls(actor)
        else None
    )
    if pupil is None:
        refused(actor, PUPIL, pupil_pk)
        raise Http404
    audit.record_view(actor=actor, record_type=PUPIL, record_id=pupil.pk)
    return pupil


def candidate_schools(children: list[IncidentChild]) -> dict[int, list[str]]:
    """child id -> the names of the schools or settings of its candidates, best first (a list:
    no pupil's details, so not audited as a read of a pupil)."""
    ids = {
        int(pk)
        for child in children
        for pk in [*(child.candidates or []), child.pupil_id]
        if pk is not None
    }
    school_of = dict(Pupil.objects.filter(pk__in=ids).values_list("pk", "school__name"))
    found: dict[int, list[str]] = {}
    for child in children:
        names: list[str] = []
        for pk in [child.pupil_id, *(child.candidates or [])]:
            name = school_of.get(pk) if pk is not None else None
            if name and name not in names:
                names.append(name)
        found[child.pk] = names
    return found
