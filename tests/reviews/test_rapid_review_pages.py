"""The Rapid Review through its pages, with past dates (the pages use today's date)."""

from __future__ import annotations

import time
from datetime import date

import pytest
from django.urls import reverse

from safeguard.core.http import STEP_UP_SESSION_KEY
from safeguard.core.models import Deadline
from safeguard.reviews.models import AgencyRequest, RapidReview
from tests.reviews.helpers import partnership, signed_in
from tests.reviews.test_pages import _submitted

pytestmark = pytest.mark.django_db


def _notified(p, client_for):
    incident = _submitted(p)
    client = client_for(p.decision_maker)
    session = client.session
    session[STEP_UP_SESSION_KEY] = time.time()
    session.save()
    client.post(
        reverse("reviews:decide", kwargs={"pk": incident.pk}),
        {
            "decision": "notify",
            "rationale": "Meets.",
            "panel_notified_on": "04/11/2026",
            "looked_after": "no",
            "regulated_setting": "no",
        },
    )
    incident.refresh_from_db()
    return incident


def test_a_rapid_review_from_request_to_the_panel(client_for) -> None:
    p = partnership()
    incident = _notified(p, client_for)
    review = RapidReview.objects.get(incident=incident)
    assert review.due_on == date(2026, 11, 25)
    bu = signed_in(p.bu_officer)
    url = reverse("reviews:rapid_review", kwargs={"pk": incident.pk})
    page = bu.get(url).content.decode()
    assert "Wednesday 25 November 2026" in page
    response = bu.post(
        reverse("reviews:rr_request_add", kwargs={"pk": incident.pk}),
        {"organisation": p.police.pk, "due_on": "31/12/2026"},
    )
    assert response.status_code == 302
    asked = AgencyRequest.objects.get()
    police = signed_in(p.police_lead)
    answer_url = reverse("reviews:rr_request", kwargs={"pk": incident.pk, "request_pk": asked.pk})
    assert signed_in(p.health_lead).get(answer_url).status_code == 404
    response = police.post(answer_url, {"summary": "Summary", "chronology": "Chronology"})
    assert response.status_code == 302
    assert Deadline.objects.get(kind="agency_information").met_at is not None
    # Sign-off before findings is refused with a message.
    refused = police.post(reverse("reviews:rr_sign_off", kwargs={"pk": incident.pk}))
    assert "Record the decision on a local CSPR" in refused.content.decode()
    missing = bu.post(
        reverse("reviews:rr_findings", kwargs={"pk": incident.pk}), {"cspr_recommended": "yes"}
    )
    assert "Choose the criteria a local CSPR would meet" in missing.content.decode()
    bu.post(
        reverse("reviews:rr_findings", kwargs={"pk": incident.pk}),
        {
            "immediate_actions": "Siblings seen.",
            "learning": "Curiosity.",
            "cspr_recommended": "yes",
            "regulation_11_criteria": ["recurrent_themes"],
            "cspr_rationale": "Agencies held pieces of the picture.",
        },
    )
    for lead in (p.police_lead, p.health_lead, p.la_lead):
        client = signed_in(lead)
        assert (
            client.post(reverse("reviews:rr_sign_off", kwargs={"pk": incident.pk})).status_code
            == 302
        )
    early = bu.post(
        reverse("reviews:rr_submit", kwargs={"pk": incident.pk}), {"submitted_on": "01/11/2026"}
    )
    assert "cannot be before the review opened" in early.content.decode()
    bu.post(
        reverse("reviews:rr_submit", kwargs={"pk": incident.pk}), {"submitted_on": "24/11/2026"}
    )
    clock = Deadline.objects.get(kind="rapid_review")
    assert clock.met_at is not None and clock.met_at <= clock.due_at
    bu.post(
        reverse("reviews:rr_panel_response", kwargs={"pk": incident.pk}),
        {"response": "local_cspr", "responded_on": "25/11/2026", "comments": "Clear."},
    )
    incident.refresh_from_db()
    assert incident.status == "cspr"
    page = bu.get(url).content.decode()
    assert "Agrees" in page and "Anyshire Police" in page


def test_a_rapid_review_page_before_a_notification_is_not_found(client_for) -> None:
    p = partnership()
    incident = _submitted(p)
    bu = client_for(p.bu_officer)
    assert bu.get(reverse("reviews:rapid_review", kwargs={"pk": incident.pk})).status_code == 404
    assert bu.get(reverse("reviews:rr_findings", kwargs={"pk": incident.pk})).status_code == 404
