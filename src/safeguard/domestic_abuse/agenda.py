"""The MARAC's case list on its governance meetings' agendas (``governance.agenda``, ADR 0025).

A MARAC meeting is a governance meeting of the MARAC group, so its agenda is read by all the
group's members and the Business Unit. Need to know: the agenda names a case by its referral
number only, never a victim, a perpetrator or what happened, and links it only for those this
module lets see the MARAC's referrals (its members). Anyone else building the agenda (the
Business Unit) is offered one item, the case list with its count, linked for members only.
The DRAMM board's governance meeting (made when attendance is recorded) carries the day's
board as its item, linked for the DRAMM's members.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from safeguard.governance.agenda import AgendaSuggestion

KIND = "domestic_abuse.marac"
DRAMM_KIND = "domestic_abuse.dramm"


def list_key(day: date) -> str:
    return f"cases:{day.isoformat()}"


def meeting_link(day: date) -> str:
    return f"/domestic-abuse/marac/{day.isoformat()}/"


def is_marac_group(group: Any) -> bool:
    """The MARAC's group is found by its name (``services.sittings.marac_group``)."""
    return "MARAC" in str(group.name).upper()


def items_for(group: Any, meeting_date: date, actor: Any) -> list[AgendaSuggestion]:
    from safeguard.domestic_abuse import policies
    from safeguard.domestic_abuse.models import Referral, held_on_day

    if not is_marac_group(group):
        return []
    heard = Referral.objects.filter(held_on_day(meeting_date, prefix="meeting__"))
    if not policies.is_marac_member(actor):
        count = heard.count()
        if not count:
            return []
        return [
            AgendaSuggestion(
                key=list_key(meeting_date),
                title=f"MARAC case list: {count} referral{'' if count == 1 else 's'}",
                minutes=max(15, 10 * count),
                link=meeting_link(meeting_date),
            )
        ]
    return [
        AgendaSuggestion(
            key=f"referral:{pk}",
            title=f"MARAC referral {pk}",
            minutes=10,
            link=f"/domestic-abuse/marac/referrals/{pk}/",
        )
        for pk in policies.referrals_visible(actor, heard)
        .order_by("pk")
        .values_list("pk", flat=True)
    ]


def dramm_items_for(group: Any, meeting_date: date, actor: Any) -> list[AgendaSuggestion]:
    """Nothing to offer: the board's meeting is made with the board as its only item."""
    return []


def may_open(actor: Any, key: str) -> bool:
    """MARAC members open the case list and its referrals; DRAMM members their board."""
    from safeguard.domestic_abuse import policies
    from safeguard.domestic_abuse.models import Referral

    kind, _, rest = key.partition(":")
    if kind == "cases":
        return policies.is_marac_member(actor)
    if kind == "board":
        return policies.is_dramm_member(actor)
    if kind == "referral" and rest.isdigit():
        return policies.referrals_visible(actor, Referral.objects.filter(pk=int(rest))).exists()
    return False
