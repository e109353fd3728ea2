"""The scorecard's measures of Operation Encompass, counted from this module's records
(ADR 0014), as the oversight page counts them: notifications of the children (not withdrawn) of
incidents that occurred in the period, and the share delivered to the school before the start of
its next school day (``told_at`` by ``school_due_at``: delivered, not merely queued).

Counts only, one aggregate query each. A period that ended before the first incident is a gap,
as is a percentage of no notifications.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Min, Q

from safeguard.core.clock import london_date, start_of_day
from safeguard.core.measures import Measure, register
from safeguard.encompass.models import Incident, Notification


def first_day() -> date | None:
    """The day of the first incident sent: the module was not in use before it."""
    first = Incident.objects.aggregate(first=Min("occurred_at"))["first"]
    return None if first is None else london_date(first)


def _in_use(end: date) -> bool:
    first = first_day()
    return first is not None and first < end


def _notifications(start: date, end: date) -> Q:
    return Q(
        child__incident__occurred_at__gte=start_of_day(start),
        child__incident__occurred_at__lt=start_of_day(end),
        child__withdrawn=False,
    )


def notifications(start: date, end: date) -> Decimal | None:
    if not _in_use(end):
        return None
    return Decimal(Notification.objects.filter(_notifications(start, end)).count())


def notifications_on_time(start: date, end: date) -> Decimal | None:
    if not _in_use(end):
        return None
    found = Notification.objects.filter(_notifications(start, end)).aggregate(
        all=Count("pk"),
        on_time=Count("pk", filter=Q(told_at__isnull=False, told_at__lte=F("school_due_at"))),
    )
    if not found["all"]:
        return None
    return (Decimal(100) * found["on_time"] / found["all"]).quantize(Decimal("0.1"))


MEASURES = (
    Measure(
        key="encompass.notifications",
        name="Operation Encompass notifications",
        definition="Notifications to schools and settings of the children in domestic abuse "
        "incidents that occurred in the period (children left out of a later resend are not "
        "counted).",
        unit="count",
        polarity="neither",
        theme="child_protection",
        count=notifications,
        first_day=first_day,
    ),
    Measure(
        key="encompass.notifications_on_time",
        name="Encompass notifications before the school day starts",
        definition="Of the notifications of incidents in the period, the percentage delivered "
        "to the school before the start of its next school day, the duty of the Victims and "
        "Prisoners Act 2024 (delivered, not only queued; a notification not yet delivered is "
        "not on time).",
        unit="percentage",
        polarity="up",
        theme="child_protection",
        count=notifications_on_time,
        numerator="Notifications delivered before the start of the next school day",
        denominator="Notifications of incidents in the period",
        first_day=first_day,
    ),
)


def register_measures() -> None:
    for measure in MEASURES:
        register(measure)


register_measures()  # when the app loads (apps.py imports this module)
