"""MARAC meetings and their lists, built from the referrals."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet

from safeguard.core import audit, holidays
from safeguard.domestic_abuse import policies, rules
from safeguard.domestic_abuse.models import MaracMeeting, Referral
from safeguard.domestic_abuse.services.marac import REFERRAL, marac_anchor


def upcoming_meetings(*, start: date, weeks: int = 8) -> list[date]:
    end = date.fromordinal(start.toordinal() + weeks * 7)
    return rules.marac_dates(marac_anchor(), start, end, holidays.calendar())


def meetings_with_referrals() -> QuerySet[MaracMeeting]:
    return MaracMeeting.objects.order_by("-held_on")


def meeting_list(*, actor: Any, held_on: date) -> list[Referral]:
    """The referrals heard at the meeting: the MARAC's list, each read audited."""
    rows = list(
        policies.referrals_visible(
            actor,
            Referral.objects.filter(meeting__held_on=held_on)
            .select_related("incident", "referred_by", "meeting")
            .prefetch_related("incident__adults", "research"),
        )
    )
    for row in rows:
        audit.record_view(actor=actor, record_type=REFERRAL, record_id=row.pk)
    return rows


def referral_for(*, actor: Any, pk: int) -> Referral | None:
    return (
        policies.referrals_visible(actor, Referral.objects.all())
        .select_related("incident", "meeting", "referred_by")
        .filter(pk=pk)
        .first()
    )
