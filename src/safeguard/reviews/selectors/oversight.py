"""The oversight table: the annual report's "Rapid Reviews" figures, for any date range.

Counts only, never identities, so anyone with the oversight capability may read it. A case falls
in the range by its own date: a referral by its submission (a past case by the real date it was
referred), a notification and its Rapid Review by the date the Panel was notified, a decision not
to notify by the date of the decision, a CSPR by its commissioning. Rapid Reviews are counted per
child (a sibling group of two counts twice in the age, gender and harm rows), with the child's
age on the date of the incident.

Referrals are grouped by agency type (police, children's social work, health, education, other),
as the annual report prints them: two NHS trusts are one "Health" row.

Timeliness, each over the steps taken in the range: decisions within 5 working days of the LA
becoming aware (by the date decided), Rapid Reviews to the Panel within 15 working days of the
notification (by the date submitted), CSPRs published within 6 months of initiation (by the date
published). The 15 working days of a Rapid Review and the 6 months to publication are the
national standards (Working Together 2023, chapter 5, which moved them from chapter 4 of the 2018
edition; paragraph numbers not cited here because the text was not to hand to check them); the 5
working days of the decision is the partnership's own arrangement (see ``rules``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q

from safeguard.core import holidays
from safeguard.core.clock import london_date, start_of_day
from safeguard.core.models.organisations import AgencyType, default_agency_type
from safeguard.reviews import rules
from safeguard.reviews.models import Child, Cspr, Decision, Gender, Harm, Incident, RapidReview


@dataclass
class Oversight:
    start: date
    end: date
    referrals_by_agency: list[tuple[str, int]] = field(default_factory=list)
    referrals_by_agency_type: list[tuple[str, int]] = field(default_factory=list)
    referrals: int = 0
    notifications: int = 0
    not_notified: int = 0
    rapid_reviews: int = 0
    by_age: list[tuple[str, int]] = field(default_factory=list)
    by_gender: list[tuple[str, int]] = field(default_factory=list)
    by_harm: list[tuple[str, int]] = field(default_factory=list)
    csprs_commissioned: int = 0
    panel_agrees: int = 0
    panel_disagrees: int = 0
    panel_national_reviews: int = 0
    panel_awaited: int = 0
    decisions_on_time: rules.Share = field(default_factory=lambda: rules.Share(0, 0))
    rapid_reviews_on_time: rules.Share = field(default_factory=lambda: rules.Share(0, 0))
    csprs_on_time: rules.Share = field(default_factory=lambda: rules.Share(0, 0))

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "referrals": self.referrals,
            "referrals_by_agency": dict(self.referrals_by_agency),
            "referrals_by_agency_type": dict(self.referrals_by_agency_type),
            "notifications": self.notifications,
            "not_notified": self.not_notified,
            "rapid_reviews": self.rapid_reviews,
            "by_age": dict(self.by_age),
            "by_gender": dict(self.by_gender),
            "by_harm": dict(self.by_harm),
            "csprs_commissioned": self.csprs_commissioned,
            "panel_agrees": self.panel_agrees,
            "panel_disagrees": self.panel_disagrees,
            "panel_national_reviews": self.panel_national_reviews,
            "panel_awaited": self.panel_awaited,
            "decisions_on_time": [self.decisions_on_time.met, self.decisions_on_time.total],
            "rapid_reviews_on_time": [
                self.rapid_reviews_on_time.met,
                self.rapid_reviews_on_time.total,
            ],
            "csprs_on_time": [self.csprs_on_time.met, self.csprs_on_time.total],
        }


def _referrals(table: Oversight, start: date, end: date) -> None:
    submitted = Incident.objects.filter(
        submitted_at__gte=start_of_day(start),
        submitted_at__lt=start_of_day(end + timedelta(days=1)),
    )
    by_agency = (
        submitted.values(
            "referring_organisation__name",
            "referring_organisation__kind",
            "referring_organisation__agency_type",
        )
        .annotate(n=Count("pk"))
        .order_by("-n", "referring_organisation__name")
    )
    types: Counter[str] = Counter()
    for row in by_agency:
        table.referrals_by_agency.append((row["referring_organisation__name"], row["n"]))
        kind = row["referring_organisation__kind"]
        types[row["referring_organisation__agency_type"] or default_agency_type(kind)] += row["n"]
    table.referrals_by_agency_type = [(label, types[value]) for value, label in AgencyType.choices]
    table.referrals = sum(n for _, n in table.referrals_by_agency)


def _children(table: Oversight, reviews: Any, end: date) -> None:
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


def _timeliness(table: Oversight, start: date, end: date) -> None:
    calendar = holidays.calendar()
    decided = Incident.objects.filter(
        decided_at__gte=start_of_day(start),
        decided_at__lt=start_of_day(end + timedelta(days=1)),
        la_aware_on__isnull=False,
    ).only("decided_at", "la_aware_on")
    met = total = 0
    for incident in decided:
        assert incident.decided_at is not None and incident.la_aware_on is not None
        total += 1
        met += london_date(incident.decided_at) <= rules.decision_due(
            incident.la_aware_on, calendar
        )
    table.decisions_on_time = rules.Share(met, total)
    submitted = RapidReview.objects.filter(submitted_on__gte=start, submitted_on__lte=end)
    table.rapid_reviews_on_time = rules.Share(
        sum(1 for r in submitted if r.submitted_on is not None and r.submitted_on <= r.due_on),
        submitted.count(),
    )
    published = Cspr.objects.filter(published_on__gte=start, published_on__lte=end)
    table.csprs_on_time = rules.Share(
        sum(
            1
            for c in published
            if c.publication_due_on is not None
            and c.published_on is not None
            and c.published_on <= c.publication_due_on
        ),
        published.count(),
    )


def oversight_between(start: date, end: date) -> Oversight:
    """Counts for the cases whose dates fall from ``start`` to ``end`` inclusive."""
    table = Oversight(start=start, end=end)
    _referrals(table, start, end)
    notified = Incident.objects.filter(
        decision=Decision.NOTIFY, panel_notified_on__gte=start, panel_notified_on__lte=end
    )
    table.notifications = notified.count()
    table.not_notified = Incident.objects.filter(
        decision=Decision.DO_NOT_NOTIFY,
        decided_at__gte=start_of_day(start),
        decided_at__lt=start_of_day(end + timedelta(days=1)),
    ).count()
    reviews = RapidReview.objects.filter(incident__in=notified)
    table.rapid_reviews = reviews.count()
    _children(table, reviews, end)
    table.csprs_commissioned = Cspr.objects.filter(
        commissioned_on__gte=start, commissioned_on__lte=end
    ).count()
    # Agreement: the Panel's outcome against the partnership's recommendation (rules.panel_agrees).
    agreed = Q(panel_response="local_cspr", cspr_recommended=True) | Q(
        panel_response="no_review", cspr_recommended=False
    )
    differed = Q(panel_response="local_cspr", cspr_recommended=False) | Q(
        panel_response="no_review", cspr_recommended=True
    )
    table.panel_agrees = reviews.filter(agreed).count()
    table.panel_disagrees = reviews.filter(differed).count()
    table.panel_national_reviews = reviews.filter(panel_response="national_review").count()
    table.panel_awaited = reviews.filter(
        submitted_on__isnull=False, panel_response__in=["", "more_information"]
    ).count()
    _timeliness(table, start, end)
    return table


@dataclass(frozen=True)
class YearRow:
    label: str
    table: Oversight


def oversight_by_year(start: date, end: date) -> list[YearRow]:
    """The same figures for each reporting year (April to March) in the range: year on year."""
    return [
        YearRow(rules.report_year_label(first), oversight_between(first, last))
        for first, last in rules.report_years(start, end)
    ]
