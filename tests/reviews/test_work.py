"""What is due and the home page, for reviews: a person sees a reviews clock only if its link
opens for them, and every link opens (issue 8: the police officer could not open their own
force's overdue Rapid Review information request; most rows linked to a 403 or 404).
"""

from __future__ import annotations

import html
from datetime import date

import pytest
from django.urls import reverse

from safeguard.core.models import Deadline
from safeguard.core.selectors.deadlines import deadlines_for
from safeguard.core.work import work_for
from safeguard.reviews.services import actions
from safeguard.reviews.services import rapid_reviews as rr
from safeguard.reviews.services.referrals import referral_receive
from tests import factories
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


def _world():
    p = partnership()
    incident = notified_case(p)  # decision met, Rapid Review clock open
    rr.agency_request_add(
        actor=p.bu_officer,
        incident=incident,
        organisation=p.police,
        due_on=date(2027, 1, 8),
        now=ON_DECISION_DAY,
    )
    recommendation = actions.recommendation_add(actor=p.bu_officer, incident=incident, text="r")
    actions.action_add(
        actor=p.bu_officer,
        recommendation=recommendation,
        description="a",
        owner_organisation=p.police,
        due_on=date(2027, 3, 31),
        now=IN_THE_REVIEW,
    )
    # A referral awaiting the LA's decision, from the police's system.
    referral_receive(
        organisation=p.police,
        sender_reference="P1",
        values=referral_values(),
        children=[child()],
        now=ON_AWARENESS_DAY,
    )
    officer = factories.person("police_officer", organisation_obj=p.police)
    return p, incident, officer


def test_every_reviews_deadline_a_person_sees_opens_for_them() -> None:
    p, _, officer = _world()
    people = [
        p.chair,
        p.bu_officer,
        p.decision_maker,
        p.police_lead,
        p.health_lead,
        p.la_lead,
        p.lead_outside_rag,
        p.practitioner,
        p.school_dsl,
        officer,
        factories.person("data_protection_officer", organisation_obj=p.la),
    ]
    seen_by_someone = set()
    for person in people:
        client = signed_in(person)
        for deadline in deadlines_for(actor=person).filter(module="reviews"):
            seen_by_someone.add(deadline.pk)
            status = client.get(deadline.link).status_code
            assert status == 200, (person.role_codes, deadline.kind, deadline.link, status)
    assert seen_by_someone == set(
        Deadline.objects.filter(module="reviews").values_list("pk", flat=True)
    )


def test_the_police_officer_opens_their_forces_overdue_information_request() -> None:
    _, _, officer = _world()
    mine = list(deadlines_for(actor=officer).filter(module="reviews"))
    assert [d.kind for d in mine] == ["agency_information"]
    client = signed_in(officer)
    page = client.get(mine[0].link)
    assert page.status_code == 200
    assert "Ava" not in page.content.decode()  # the request never shows the child
    response = client.post(mine[0].link, {"summary": "Two call-outs.", "chronology": "..."})
    assert response.status_code == 302 and response.url == reverse("reviews:agency_requests")
    # The case itself stays need to know: the officer cannot open it.
    incident_link = Deadline.objects.get(kind="rapid_review").link
    assert client.get(incident_link).status_code == 404
    # Another force's officer sees nothing of it.
    other = factories.organisation(name="Otherwhere Police", kind="police")
    stranger = factories.person("police_officer", organisation_obj=other)
    assert not deadlines_for(actor=stranger).filter(module="reviews").exists()
    assert signed_in(stranger).get(mine[0].link).status_code == 404


def test_the_home_page_counts_what_waits_and_each_link_opens() -> None:
    p, _, officer = _world()
    for person, label in (
        (p.decision_maker, "Serious incident referrals awaiting your decision"),
        (p.health_lead, "Serious incident referrals awaiting your agency's view"),
        (officer, "Rapid Review information requested from your organisation"),
        (p.bu_officer, "Rapid Review information requests awaiting an answer"),
    ):
        sections = {s.name: s for s in work_for(person)}
        items = {i.label: i for i in sections["reviews"].items}
        assert items[label].count == 1, (label, items)
        client = signed_in(person)
        for item in sections["reviews"].items:
            assert client.get(item.url).status_code == 200, item
        assert label in html.unescape(client.get("/").content.decode())
    listing = signed_in(officer).get(reverse("reviews:agency_requests")).content.decode()
    assert "Anyshire Police" in listing and "Ava" not in listing
    assert "reviews" not in {s.name for s in work_for(p.school_dsl)}
