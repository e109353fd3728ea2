"""The oversight table agrees with the cases, for a date range, as the annual report counts."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from safeguard.reviews.models import Child, Incident, RapidReview
from safeguard.reviews.selectors.oversight import oversight_between
from safeguard.reviews.services import rapid_reviews as rr
from safeguard.reviews.services.decisions import incident_decide
from safeguard.reviews.services.referrals import referral_receive
from tests.reviews.helpers import (
    IN_THE_REVIEW,
    ON_AWARENESS_DAY,
    ON_DECISION_DAY,
    child,
    notified_case,
    partnership,
    referral_values,
    signed_in,
)

pytestmark = pytest.mark.django_db


def test_the_table_counts_referrals_notifications_and_rapid_reviews() -> None:
    p = partnership()
    first = notified_case(p)  # ICB practitioner; infant, female, serious harm
    # A police referral of a 13-year-old boy who died, notified; and one not notified.
    second, _ = referral_receive(
        organisation=p.police,
        sender_reference="P1",
        values=referral_values(harm="died"),
        children=[child(full_name="Leo Test", date_of_birth=date(2013, 1, 1), gender="male")],
        now=ON_AWARENESS_DAY,
    )
    incident_decide(
        actor=p.decision_maker,
        incident=second,
        decision="notify",
        rationale="r",
        panel_notified_on=date(2026, 12, 22),
        now=ON_DECISION_DAY,
    )
    third, _ = referral_receive(
        organisation=p.police,
        sender_reference="P2",
        values=referral_values(),
        children=[child()],
        now=ON_AWARENESS_DAY,
    )
    incident_decide(
        actor=p.decision_maker,
        incident=third,
        decision="do_not_notify",
        rationale="r",
        now=ON_DECISION_DAY,
    )
    rr.rapid_review_record(
        actor=p.bu_officer,
        incident=first,
        immediate_actions="",
        learning="",
        cspr_recommended=False,
        regulation_11_criteria=[],
        cspr_rationale="No new learning.",
    )
    for lead in (p.police_lead, p.health_lead, p.la_lead):
        rr.rapid_review_sign_off(actor=lead, incident=first)
    rr.rapid_review_submit(
        actor=p.bu_officer, incident=first, submitted_on=date(2027, 1, 6), now=IN_THE_REVIEW
    )
    rr.panel_response_record(
        actor=p.bu_officer,
        incident=first,
        response="agrees",
        responded_on=date(2027, 1, 6),
        now=IN_THE_REVIEW,
    )
    Incident.objects.update(submitted_at=IN_THE_REVIEW.replace(year=2026, month=12, day=18))
    table = oversight_between(date(2026, 12, 1), date(2026, 12, 31))
    assert table.referrals == 3
    assert dict(table.referrals_by_agency) == {"Anyshire Police": 2, "Anyshire ICB": 1}
    assert table.notifications == 2 and table.rapid_reviews == 2
    assert dict(table.by_age) == {
        "Under 1 year": 1,
        "1-4 years": 0,
        "5-11 years": 0,
        "12 years or older": 1,
    }
    assert dict(table.by_gender) == {"Female": 1, "Male": 1, "Other or not known": 0}
    assert dict(table.by_harm) == {"Passed away": 1, "Serious harm": 1}
    assert table.panel_agrees == 1 and table.panel_disagrees == 0
    assert Child.objects.count() == 3 and RapidReview.objects.count() == 2
    # Outside the range: nothing.
    empty = oversight_between(date(2027, 2, 1), date(2027, 2, 28))
    assert empty.referrals == 0 and empty.notifications == 0


def test_the_oversight_page_for_the_chair_and_the_rag_only() -> None:
    p = partnership()
    incident = notified_case(p)
    chair = signed_in(p.chair).get(reverse("reviews:oversight")).content.decode()
    assert incident.reference in chair  # the open cases with their clocks
    assert "Ava" not in chair
    outside = signed_in(p.lead_outside_rag).get(reverse("reviews:oversight")).content.decode()
    assert incident.reference not in outside
    assert signed_in(p.practitioner).get(reverse("reviews:oversight")).status_code == 403
    bad = signed_in(p.chair).get(
        reverse("reviews:oversight"), {"start": "02/01/2026", "end": "01/01/2026"}
    )
    assert "To must be the same as or after From" in bad.content.decode()
