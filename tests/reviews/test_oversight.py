"""The oversight table agrees with the cases, for a date range, as the annual report counts."""

from __future__ import annotations

from datetime import date
from typing import Any

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
        response="no_review",
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


# --- the annual report's table: agency types, not notified, timeliness, year on year ----------


def _past(p: Any, reference: str, organisation: Any, **steps: Any) -> Incident:
    from safeguard.reviews import rules
    from safeguard.reviews.services.past_cases import past_case_record

    fields: dict[str, Any] = {
        "decision": "notify",
        "decided_on": date(2021, 5, 6),
        "rationale": "r",
        "panel_notified_on": date(2021, 5, 6),
        "rapid_review_submitted_on": date(2021, 5, 20),
        "cspr_recommended": False,
    }
    fields.update(steps)
    incident, _ = past_case_record(
        actor=p.bu_officer,
        sender_reference=reference,
        referring_organisation=organisation,
        values=referral_values(incident_date=date(2021, 5, 3), la_aware_on=date(2021, 5, 4)),
        children=[child(date_of_birth=date(2020, 1, 1))],
        steps=rules.PastSteps(**fields),
    )
    return incident


def test_referrals_are_counted_by_agency_type_and_two_trusts_are_one_health_row() -> None:
    from tests import factories

    p = partnership()
    trust_a = factories.organisation(name="North Trust", kind="health_trust")
    trust_b = factories.organisation(name="South Trust", kind="health_trust")
    _past(p, "A", trust_a)
    _past(p, "B", trust_b)
    _past(p, "C", p.police)
    _past(
        p,
        "D",
        p.la,
        decision="do_not_notify",
        panel_notified_on=None,
        rapid_review_submitted_on=None,
        cspr_recommended=None,
    )
    table = oversight_between(date(2021, 4, 1), date(2022, 3, 31))
    assert dict(table.referrals_by_agency_type) == {
        "Police": 1,
        "Children's social work": 1,
        "Health": 2,
        "Education": 0,
        "Other": 0,
    }
    assert table.notifications == 3 and table.not_notified == 1


def test_an_organisations_own_agency_type_overrides_its_kind() -> None:
    from tests import factories

    p = partnership()
    school_nurses = factories.organisation(
        name="School nursing", kind="third_sector", agency_type="health"
    )
    _past(p, "A", school_nurses)
    table = oversight_between(date(2021, 4, 1), date(2022, 3, 31))
    assert dict(table.referrals_by_agency_type)["Health"] == 1


def test_timeliness_counts_decisions_rapid_reviews_and_csprs_against_their_standards() -> None:
    p = partnership()
    # Aware Tuesday 4 May 2021: the decision is due Tuesday 11 May 2021 (5 working days).
    _past(p, "ON", p.police)  # decided 6 May, Rapid Review 10 working days after notification
    _past(
        p,
        "LATE",
        p.police,
        decided_on=date(2021, 5, 12),
        panel_notified_on=date(2021, 5, 12),
        rapid_review_submitted_on=date(2021, 6, 30),
        cspr_recommended=True,
        panel_response="local_cspr",
        panel_response_on=date(2021, 7, 5),
        cspr_reviewer="Reviewer",
        cspr_commissioned_on=date(2021, 7, 10),
        cspr_initiated_on=date(2021, 8, 1),
        cspr_published_on=date(2022, 3, 1),
    )
    table = oversight_between(date(2021, 4, 1), date(2022, 3, 31))
    assert (table.decisions_on_time.met, table.decisions_on_time.total) == (1, 2)
    assert (table.rapid_reviews_on_time.met, table.rapid_reviews_on_time.total) == (1, 2)
    assert (table.csprs_on_time.met, table.csprs_on_time.total) == (0, 1)
    assert str(table.decisions_on_time) == "1 of 2 (50%)"


def test_the_page_shows_years_a_chart_with_its_table_and_exports_csv() -> None:
    p = partnership()
    _past(p, "A", p.police)
    client = signed_in(p.chair)
    query = {"start": "01/04/2020", "end": "31/03/2023"}
    page = client.get(reverse("reviews:oversight"), query).content.decode()
    assert "2020 to 2021" in page and "2021 to 2022" in page and "2022 to 2023" in page
    assert 'src="data:image/svg+xml;base64,' in page and "Bar chart by reporting year" in page
    assert "Children&#x27;s social work" in page or "Children's social work" in page
    assert "1 of 1 (100%)" in page
    export = client.get(reverse("reviews:oversight_csv"), query)
    assert export["Content-Type"].startswith("text/csv")
    lines = export.content.decode().splitlines()
    assert lines[0].startswith("Measure,1 April 2020 to 31 March 2023,2020 to 2021,2021 to 2022")
    assert "Referrals from police,1,0,1,0" in lines
    assert signed_in(p.practitioner).get(reverse("reviews:oversight_csv")).status_code == 403


def test_open_case_clocks_show_their_names_not_codes() -> None:
    p = partnership()
    notified_case(p)
    page = signed_in(p.chair).get(reverse("reviews:oversight")).content.decode()
    assert "Rapid Review to the Panel:" in page
    assert "La_decision" not in page and "Rapid_review" not in page
