"""Every read of deadlines, already narrowed to what the person may see.

A person with ``VIEW_ALL_DEADLINES`` (the Business Unit, the Independent Chair) sees every clock.
Anyone else with ``VIEW_DEADLINES`` sees the clocks they own, their organisation owns, or a group
they belong to owns. The state is computed in SQL with the same rule as
``deadline_rules.deadline_state``, so filtering and counting by state never loads rows into
Python.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Case, CharField, Count, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from safeguard.core import deadline_rules, policies
from safeguard.core.context import remembered
from safeguard.core.models import Deadline, Group, Membership, Organisation, Person
from safeguard.core.roles import Capability

# A module's answer to "which of my deadlines can this person open?", as a filter on Deadline.
DeadlineAccess = Callable[[Any], Q]
_ACCESS: dict[str, DeadlineAccess] = {}


def register_deadline_access(module: str, access: DeadlineAccess) -> None:
    """Let a module say which of its deadlines a person may see, when its app loads.

    A deadline links to a page of its module, and only the module's policy knows who may open
    that page; so the module, not the kernel, narrows its own clocks (DESIGN.md 3: a deadline a
    person cannot open is not shown to them). ``access(actor)`` returns a ``Q`` on ``Deadline``
    (usually ``subject_id__in`` a subquery of the records the actor may open).
    """
    _ACCESS[module] = access


def _ownership(actor: Any) -> Q:
    """The kernel's rule for a module that has not said who may open its clocks."""
    if policies.can(actor, Capability.VIEW_ALL_DEADLINES):
        return Q()
    # A subquery rather than a join, so a group with many members does not repeat rows.
    my_groups = Membership.objects.filter(person_id=actor.pk).values("group_id")
    return (
        Q(owner_person_id=actor.pk)
        | Q(owner_organisation_id=actor.organisation_id)
        | Q(group_id__in=my_groups)
    )


def visible_deadlines(*, actor: Any) -> QuerySet[Deadline]:
    """The open (not cancelled) deadlines this person may see and open: none by default."""
    deadlines = Deadline.objects.filter(cancelled_at__isnull=True)
    if not policies.can(actor, Capability.VIEW_DEADLINES):
        return deadlines.none()
    # The home page and "what is due" ask this three or four times a page: each module's answer
    # reads memberships and builds subqueries, so it is worked out once per page read.
    return deadlines.filter(remembered(("visible_deadlines", actor.pk), lambda: _visible(actor)))


def _visible(actor: Any) -> Q:
    visible = ~Q(module__in=list(_ACCESS)) & _ownership(actor)
    for module, access in _ACCESS.items():
        visible |= Q(module=module) & access(actor)
    return visible


def with_state(deadlines: QuerySet[Deadline], *, now: datetime) -> QuerySet[Deadline]:
    """Annotate ``state`` (pending, met, met_late, overdue) as of ``now``."""
    return deadlines.annotate(
        state=Case(
            When(met_at__isnull=False, met_at__lte=F("due_at"), then=Value(deadline_rules.MET)),
            When(met_at__isnull=False, then=Value(deadline_rules.MET_LATE)),
            When(due_at__lt=now, then=Value(deadline_rules.OVERDUE)),
            default=Value(deadline_rules.PENDING),
            output_field=CharField(),
        )
    )


def _narrowed(
    *,
    actor: Any,
    group_id: int | None,
    organisation_id: int | None,
    owner_id: int | None,
    now: datetime,
) -> QuerySet[Deadline]:
    deadlines = visible_deadlines(actor=actor)
    if group_id is not None:
        deadlines = deadlines.filter(group_id=group_id)
    if organisation_id is not None:
        deadlines = deadlines.filter(owner_organisation_id=organisation_id)
    if owner_id is not None:
        deadlines = deadlines.filter(owner_person_id=owner_id)
    return with_state(deadlines, now=now)


def deadlines_for(
    *,
    actor: Any,
    state: str | None = None,
    group_id: int | None = None,
    organisation_id: int | None = None,
    owner_id: int | None = None,
    due_within: timedelta | None = None,
    show_met: bool = True,
    now: datetime | None = None,
) -> QuerySet[Deadline]:
    """The deadlines this person may see, filtered, with ``state``, in the order of work.

    Overdue first (the longest overdue at the top), then the open ones soonest due first, then
    the met ones, the most recently due first: what needs doing comes before what is done.
    ``due_within`` keeps the open deadlines due between now and that far ahead; ``show_met=False``
    leaves the met ones out unless ``state`` asks for them by name.
    """
    now = now or timezone.now()
    deadlines = _narrowed(
        actor=actor,
        group_id=group_id,
        organisation_id=organisation_id,
        owner_id=owner_id,
        now=now,
    )
    if state is not None:
        if state not in deadline_rules.STATES:
            raise ValueError(f"unknown deadline state {state!r}")
        deadlines = deadlines.filter(**{"state": state})  # an annotation
    elif not show_met:
        deadlines = deadlines.filter(met_at__isnull=True)
    if due_within is not None:
        deadlines = deadlines.filter(
            met_at__isnull=True, due_at__gte=now, due_at__lte=now + due_within
        )
    return (
        deadlines.select_related("owner_organisation", "owner_person", "group")
        .annotate(
            work_order=Case(
                When(met_at__isnull=False, then=Value(2)),
                When(due_at__lt=now, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            open_due_at=Case(When(met_at__isnull=True, then=F("due_at")), default=None),
        )
        .order_by("work_order", "open_due_at", "-due_at", "pk")
    )


def count_due_within(*, actor: Any, due_within: timedelta, now: datetime | None = None) -> int:
    """How many open deadlines this person may see fall due between now and ``due_within``."""
    return deadlines_for(actor=actor, due_within=due_within, now=now).count()


def state_counts(
    *,
    actor: Any,
    group_id: int | None = None,
    organisation_id: int | None = None,
    owner_id: int | None = None,
    now: datetime | None = None,
) -> dict[str, int]:
    """How many visible deadlines are in each state (one grouped query), zeros included."""
    rows = (
        _narrowed(
            actor=actor,
            group_id=group_id,
            organisation_id=organisation_id,
            owner_id=owner_id,
            now=now or timezone.now(),
        )
        .order_by()
        .values(*["state"])  # an annotation, unknown to the type checker
        .annotate(n=Count("pk"))
    )
    counts: dict[str, int] = dict.fromkeys(deadline_rules.STATES, 0)
    for row in rows:
        counts[row["state"]] = row["n"]
    return counts


@dataclass(frozen=True)
class FilterOptions:
    groups: QuerySet[Group]
    organisations: QuerySet[Organisation]
    owners: QuerySet[Person]


def filter_options(*, actor: Any) -> FilterOptions:
    """The groups, organisations and people that own a deadline this person can see.

    Offering only these keeps the filter from listing anyone the person has no reason to know.
    """
    visible = visible_deadlines(actor=actor)
    return FilterOptions(
        groups=Group.objects.filter(pk__in=visible.values("group_id")),
        organisations=Organisation.objects.filter(pk__in=visible.values("owner_organisation_id")),
        owners=Person.objects.filter(pk__in=visible.values("owner_person_id")).order_by(
            "full_name", "pk"
        ),
    )
