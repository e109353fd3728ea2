"""The scorecard's items for a PMSG agenda (``governance.agenda``, ADR 0017).

Every exception still open (awaiting an explanation, or explained and waiting for the PMSG's
view) goes before the Performance Management Subgroup: one item per exception, presented by
the organisation that owns the indicator, which owes the group a paper (its explanation).
The PMSG is the group whose name says "performance"; other groups get nothing from here.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from safeguard.governance.agenda import AgendaSuggestion
from safeguard.performance import policies, selectors

KIND = "performance.exceptions"


def is_pmsg(group: Any) -> bool:
    return "performance" in group.name.lower()


def items_for(group: Any, meeting_date: date, actor: Any) -> list[AgendaSuggestion]:
    if not is_pmsg(group):
        return []
    found = selectors.exceptions(actor=actor, open_only=True).filter(
        opened_at__date__lte=meeting_date
    )
    return [
        AgendaSuggestion(
            key=f"exception:{exception.pk}",
            title=f"Exception: {exception.indicator.name} ({exception.state_label.lower()})",
            minutes=10,
            owner_organisation_id=exception.owner_organisation_id,
            link=f"/performance/exceptions/{exception.pk}",
            paper_expected=exception.explained_at is None,
        )
        for exception in found.order_by("opened_at", "pk")[:30]
    ]


def may_open(actor: Any, key: str) -> bool:
    pk = key.rsplit(":", 1)[-1]
    return (
        pk.isdigit()
        and policies.can_view(actor)
        and selectors.exception_detail(actor=actor, pk=int(pk)) is not None
    )


def pmsg_groups() -> list[Any]:
    """The active groups that are the PMSG (by name, as ``is_pmsg`` decides)."""
    from safeguard.core.models import Group

    return [group for group in Group.objects.filter(active=True).order_by("pk") if is_pmsg(group)]


def upcoming_meetings(earliest: date) -> list[Any]:
    """The PMSG's meetings scheduled in governance on or after ``earliest``, first first."""
    from safeguard.governance.selectors.meetings import upcoming_meetings_of

    return upcoming_meetings_of(groups=pmsg_groups(), earliest=earliest)


def next_meeting_on(earliest: date) -> date | None:
    """The day of the first PMSG meeting on or after ``earliest``, as governance schedules it.
    Exceptions are due before it and the pack is titled by it, so a PMSG meeting scheduled
    once, in governance, drives both (docs/meetings.md); the scorecard keeps no dates of its
    own since ADR 0025's migration ``performance 0007`` moved them there."""
    from safeguard.core.clock import london_date

    return next((london_date(m.starts_at) for m in upcoming_meetings(earliest)[:1]), None)
