"""Issue 12's journey in a real browser: a police incident arrives through the API, is on the
next working day's DRAMM board with its criterion, is referred to the MARAC, and is on the
meeting's list."""

from __future__ import annotations

import json
import urllib.request
from datetime import timedelta
from typing import Any

from django.utils import timezone

from safeguard.core import holidays
from safeguard.core.clock import london_date
from safeguard.core.models import Organisation, Person
from safeguard.core.services.apikeys import apikey_create
from safeguard.domestic_abuse.models import Referral
from safeguard.domestic_abuse.rules import QUESTION_CODES
from tests.browser.harness import assert_accessible, sign_in


def _send(base: str, secret: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(  # noqa: S310 (the live server, http on loopback)
        f"{base}/api/v1/domestic-abuse/incidents",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        assert response.status == 201
        return json.loads(response.read())


def test_an_api_incident_goes_from_the_board_to_the_marac_list(
    browser: Any, page: Any, live_server: Any, demo_partnership: Any
) -> None:
    officer = Person.objects.get(email="police@demo.invalid")
    admin = Person.objects.get(email="admin@demo.invalid")
    force = officer.organisation
    _, secret = apikey_create(
        actor=admin,
        organisation=force,
        name="Records system",
        scopes=["domestic_abuse:incidents:write"],
    )
    answers = {code: ("yes" if i < 15 else "no") for i, code in enumerate(QUESTION_CODES)}
    sent = _send(
        live_server.url,
        secret,
        {
            "reference": "JOURNEY-1",
            "occurred_at": (timezone.now() - timedelta(hours=1)).isoformat(),
            "adults": [
                {"role": "victim", "forename": "Journey", "surname": "Victim", "dob": "1992-05-06"},
                {"role": "perpetrator", "forename": "Journey", "surname": "Abuser"},
            ],
            "dash": {"answers": answers},
        },
    )
    board_day = holidays.calendar().next_working_day(london_date(timezone.now()))
    assert sent["board_day"] == board_day.isoformat()

    sign_in(page, officer)
    page.goto(f"/domestic-abuse/board/{board_day.isoformat()}/")
    card = page.locator(".govuk-summary-card", has_text="JOURNEY-1")
    assert "Visible high risk" in card.inner_text()
    assert "15 of 24" in card.inner_text()
    assert_accessible(page)
    with page.expect_navigation():
        card.get_by_role("link", name="Record the decision").click()
    page.get_by_label("Refer to MARAC").check()
    page.get_by_label("Rationale").fill("DASH 15: visible high risk")
    for agency in Organisation.objects.filter(da_agency__on_dramm=True):
        page.get_by_label(agency.name).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Record the decision").click()
    assert (
        "Refer to MARAC" in page.locator(".govuk-summary-card", has_text="JOURNEY-1").inner_text()
    )

    referral = Referral.objects.get(incident__reference="JOURNEY-1")
    page.get_by_role("link", name="MARAC meetings").click()
    with page.expect_navigation():
        page.get_by_role(
            "link", name=referral.meeting.held_on.strftime("%A %-d %B %Y")
        ).first.click()
    assert "Journey Victim" in page.content()
    assert_accessible(page)

    # The MARAC agrees an action for the police: it goes on the shared action plan, with its
    # clock on the force's "What is due", where the Public Protection lead is chased.
    with page.expect_navigation():
        page.get_by_role("link", name="Journey Victim").click()
    page.get_by_label("The action").fill("Check bail conditions")
    page.get_by_label("Agency that owns it").select_option(label=force.name)
    page.get_by_label("Due date").fill((board_day + timedelta(days=14)).strftime("%d/%m/%Y"))
    with page.expect_navigation():
        page.get_by_role("button", name="Add the action").click()
    assert "Check bail conditions" in page.content()
    lead = Person.objects.get(
        is_demo=True, organisation=force, role_assignments__role="statutory_partner_lead"
    )
    context = browser.new_context(bypass_csp=True, base_url=live_server.url)
    try:
        other = sign_in(context.new_page(), lead)
        other.goto("/deadlines")
        assert "MARAC referral" in other.content()
    finally:
        context.close()

    # The Business Unit sets the women aged 16 and over from the new ONS estimate; the MARAC
    # page's cases per 10,000 adult women divide by it at once.
    context = browser.new_context(bypass_csp=True, base_url=live_server.url)
    try:
        bu = sign_in(context.new_page(), admin)
        bu.goto("/domestic-abuse/marac/adult-women/")
        assert "330,000" in bu.content()  # the demo's figure
        assert_accessible(bu)
        bu.get_by_label("Women aged 16 and over in the area").fill("331500")
        bu.get_by_label("Year of the estimate").fill(str(london_date(timezone.now()).year))
        bu.get_by_label("Source").fill("ONS mid-year estimates, females aged 16 and over")
        with bu.expect_navigation():
            bu.get_by_role("button", name="Save the figure").click()
        assert "331,500" in bu.content()
    finally:
        context.close()
    page.goto("/domestic-abuse/marac/")
    assert "of 331,500 women aged 16 and over" in page.content()
    assert_accessible(page)
