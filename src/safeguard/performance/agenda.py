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


def next_meeting_on(earliest: date) -> date | None:
    """The first PMSG meeting on or after ``earliest``: a date the scorecard's own list holds
    (``performance.Meeting``) or a meeting of the PMSG that governance schedules, whichever
    comes first. Exceptions are due before it and the pack is titled by it, so a PMSG meeting
    scheduled once, in governance, drives both (docs/meetings.md)."""
    from safeguard.core.clock import london_date
    from safeguard.core.models import Group
    from safeguard.governance.selectors.meetings import upcoming_meetings_of
    from safeguard.performance.models import Meeting

    found = [
        meeting.held_on
        for meeting in Meeting.objects.filter(held_on__gte=earliest).order_by("held_on")[:1]
    ]
    groups = [group for group in Group.objects.filter(active=True) if is_pmsg(group)]
    found += [
        london_date(meeting.starts_at)
        for meeting in upcoming_meetings_of(groups=groups, earliest=earliest)[:1]
    ]
    return min(found, default=None)
