"""The oversight table: the annual report's "Rapid Reviews" figures, for any date range.

Counts only, never identities, so anyone with the oversight capability may read it. A case falls
in the range by its own date: a referral by its submission, a notification and its Rapid Review
by the date the Panel was notified, a CSPR by its commissioning. Rapid Reviews are counted per
child (a sibling group of two counts twice in the age, gender and harm rows), with the child's
age on the date of the incident.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count

from safeguard.core.clock import start_of_day
from safeguard.reviews import rules
from safeguard.reviews.models import Child, Cspr, Decision, Gender, Harm, Incident, RapidReview


@dataclass
class Oversight:
    start: date
    end: date
    referrals_by_agency: list[tuple[str, int]] = field(default_factory=list)
    referrals: int = 0
    notifications: int = 0
    rapid_reviews: int = 0
    by_age: list[tuple[str, int]] = field(default_factory=list)
    by_gender: list[tuple[str, int]] = field(default_factory=list)
    by_harm: list[tuple[str, int]] = field(default_factory=list)
    csprs_commissioned: int = 0
    panel_agrees: int = 0
    panel_disagrees: int = 0
    panel_awaited: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "referrals": self.referrals,
            "referrals_by_agency": dict(self.referrals_by_agency),
            "notifications": self.notifications,
            "rapid_reviews": self.rapid_reviews,
            "by_age": dict(self.by_age),
            "by_gender": dict(self.by_gender),
            "by_harm": dict(self.by_harm),
            "csprs_commissioned": self.csprs_commissioned,
            "panel_agrees": self.panel_agrees,
            "panel_disagrees": self.panel_disagrees,
            "panel_awaited": self.panel_awaited,
        }


def oversight_between(start: date, end: date) -> Oversight:
    """Counts for the cases whose dates fall from ``start`` to ``end`` inclusive."""
    table = Oversight(start=start, end=end)
    submitted = Incident.objects.filter(
        submitted_at__gte=start_of_day(start),
        submitted_at__lt=start_of_day(end + timedelta(days=1)),
    )
    by_agency = (
        submitted.values("referring_organisation__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "referring_organisation__name")
    )
    table.referrals_by_agency = [
        (row["referring_organisation__name"], row["n"]) for row in by_agency
    ]
    table.referrals = sum(n for _, n in table.referrals_by_agency)
    notified = Incident.objects.filter(
        decision=Decision.NOTIFY, panel_notified_on__gte=start, panel_notified_on__lte=end
    )
    table.notifications = notified.count()
    reviews = RapidReview.objects.filter(incident__in=notified)
    table.rapid_reviews = reviews.count()
    ages: Counter[str] = Counter()
    genders: Counter[str] = Counter()
    harms: Counter[str] = Counter()
    children = Child.objects.filter(incident__rapid_review__in=reviews).select_related("incident")
    for child in children:
        on = child.incident.incident_date or child.incident.la_aware_on or end
        ages[rules.age_band(child.date_of_birth, on) or "unknown"] += 1
        genders[child.gender or "other"] += 1
        harms[child.incident.harm or "unknown"] += 1
    table.by_age = [(rules.AGE_BAND_LABELS[b], ages[b]) for b in rules.AGE_BANDS]
    if ages["unknown"]:
        table.by_age.append(("Age not known", ages["unknown"]))
    table.by_gender = [(label, genders[value]) for value, label in Gender.choices]
    table.by_harm = [
        ("Passed away" if value == Harm.DIED else "Serious harm", harms[value])
        for value in Harm.values
    ]
    table.csprs_commissioned = Cspr.objects.filter(
        commissioned_on__gte=start, commissioned_on__lte=end
    ).count()
    table.panel_agrees = reviews.filter(panel_response="agrees").count()
    table.panel_disagrees = reviews.filter(panel_response="disagrees").count()
    table.panel_awaited = reviews.filter(submitted_on__isnull=False, panel_response="").count()
    return table
