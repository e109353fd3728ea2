"""Early warning: a new special cause concern opens an exception; the owner explains it and the
PMSG records its view and closes it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from safeguard.core.models import AuditEvent, Deadline, OutboxMessage
from safeguard.performance.models import IndicatorException
from safeguard.performance.services import exceptions
from tests import factories
from tests.performance import helpers

pytestmark = pytest.mark.django_db

STEADY = [80, 82, 79, 81, 80, 82, 78, 81, 80, 79, 81, 80]
NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)  # a Monday


@pytest.fixture
def owner():
    return factories.organisation(name="Owner council")


@pytest.fixture
def lead(owner):
    return factories.person("statutory_partner_lead", organisation_obj=owner)


def test_a_value_below_the_lower_limit_opens_one_exception(owner, lead) -> None:
    indicator = helpers.indicator(owner, polarity="up")
    helpers.series(indicator, [*STEADY, 50])
    opened = exceptions.exceptions_scan(indicator=indicator, now=NOW)
    assert opened is not None
    assert opened.period_start == date(2025, 1, 1)
    assert opened.special_cause == "below_lower_limit"
    assert exceptions.exceptions_scan(indicator=indicator, now=NOW) is None  # same signal
    clock = Deadline.objects.get(module="performance", kind="exception")
    assert clock.owner_organisation == owner
    # No meeting set: 20 working days after Monday 2 November 2026 is Monday 30 November.
    assert clock.due_at.date() == date(2026, 11, 30)
    message = OutboxMessage.objects.get()
    assert message.recipient == lead
    assert indicator.name not in message.body
    assert AuditEvent.objects.filter(record_type="performance.exception").count() == 1


def test_the_explanation_is_due_before_the_next_meeting_with_notice(owner, settings) -> None:
    settings.PMSG_PAPERS_WORKING_DAYS = 0  # due as the meeting starts, as before issue 11
    helpers.pmsg_meeting(date(2026, 11, 5))  # only 3 working days away: too soon
    helpers.pmsg_meeting(date(2026, 11, 19))
    indicator = helpers.indicator(owner, polarity="up")
    helpers.series(indicator, [*STEADY, 50])
    opened = exceptions.exceptions_scan(indicator=indicator, now=NOW)
    assert opened is not None
    assert opened.due_at.date() == date(2026, 11, 19)


def test_the_explanation_is_due_in_time_for_the_meeting_papers(owner, settings) -> None:
    """Issue 11 item 6: due a set number of working days before the meeting, not on the day."""
    settings.PMSG_PAPERS_WORKING_DAYS = 5
    helpers.pmsg_meeting(date(2026, 11, 12))  # 8 working days away: no room for both
    helpers.pmsg_meeting(date(2026, 11, 26))
    indicator = helpers.indicator(owner, polarity="up")
    helpers.series(indicator, [*STEADY, 50])
    opened = exceptions.exceptions_scan(indicator=indicator, now=NOW)
    assert opened is not None
    # 5 working days before Thursday 26 November 2026 is Thursday 19 November.
    assert opened.due_at.date() == date(2026, 11, 19)
    clock = Deadline.objects.get(module="performance", kind="exception")
    assert (
        clock.rule == "5 working days before the PMSG meeting on 26 November 2026, for its papers"
    )


def test_improvement_and_common_cause_open_nothing(owner) -> None:
    up = helpers.indicator(owner, polarity="up")
    helpers.series(up, [*STEADY, 99])  # above the upper limit, higher is better
    neither = helpers.indicator(owner, polarity="neither")
    helpers.series(neither, [*STEADY, 50])
    steady = helpers.indicator(owner, polarity="up")
    helpers.series(steady, STEADY)
    for indicator in (up, neither, steady):
        assert exceptions.exceptions_scan(indicator=indicator, now=NOW) is None
    assert not IndicatorException.objects.exists()


def test_a_continuing_signal_opens_nothing_new_but_a_returning_one_does(owner) -> None:
    indicator = helpers.indicator(owner, polarity="down")
    helpers.series(indicator, [*STEADY, 120])
    assert exceptions.exceptions_scan(indicator=indicator, now=NOW) is not None
    helpers.series(indicator, [121], start=date(2025, 2, 1))
    assert exceptions.exceptions_scan(indicator=indicator, now=NOW) is None
    helpers.series(indicator, [80, 125], start=date(2025, 3, 1))
    again = exceptions.exceptions_scan(indicator=indicator, now=NOW)
    assert again is not None
    assert again.period_start == date(2025, 4, 1)
    assert IndicatorException.objects.count() == 2


def test_a_return_that_signals_a_concern_opens_the_exception(client_for, owner, lead) -> None:
    indicator = helpers.indicator(owner, polarity="up", unit="percentage")
    helpers.series(indicator, STEADY)
    response = client_for(lead).post(
        reverse("performance:return_submit"),
        {
            "indicator": indicator.pk,
            "period": "2025-01",
            "value": "40",
            "narrative": "Administrative staff were redeployed.",
        },
    )
    assert response.status_code == 302
    assert IndicatorException.objects.get().period_start == date(2025, 1, 1)


def _exception(owner):
    indicator = helpers.indicator(owner, polarity="up")
    helpers.series(indicator, [*STEADY, 50])
    found = exceptions.exceptions_scan(indicator=indicator, now=NOW)
    assert found is not None
    return found


def test_the_owner_explains_and_the_pmsg_closes(client_for, owner, lead) -> None:
    exception = _exception(owner)
    client = client_for(lead)
    page = client.get(reverse("performance:exception_detail", args=[exception.pk]))
    assert "Save the explanation" in page.content.decode()
    assert "Record the view and close" not in page.content.decode()
    response = client.post(
        reverse("performance:exception_explain", args=[exception.pk]),
        {"explanation": "Staff were redeployed; interim safety plans are in place."},
    )
    assert response.status_code == 302
    exception.refresh_from_db()
    assert exception.state == "explained"
    assert Deadline.objects.get(module="performance", kind="exception").met_at is not None

    admin = factories.person("business_unit_admin")
    client = client_for(admin)
    response = client.post(
        reverse("performance:exception_close", args=[exception.pk]),
        {"pmsg_view": "Assured by the interim plans; keep monitoring monthly."},
    )
    assert response.status_code == 302
    exception.refresh_from_db()
    assert exception.state == "closed"
    assert exception.closed_by == admin
    event = AuditEvent.objects.filter(record_type="performance.exception").last()
    assert event.changes["state"] == ["open", "closed"]
    assert "interim" not in str(event.changes)
    again = client.post(
        reverse("performance:exception_close", args=[exception.pk]), {"pmsg_view": "Again"}
    )
    assert again.status_code == 403


def test_closing_without_a_view_is_refused_naming_the_field(client_for, owner) -> None:
    exception = _exception(owner)
    admin = factories.person("business_unit_officer")
    response = client_for(admin).post(
        reverse("performance:exception_close", args=[exception.pk]), {"pmsg_view": " "}
    )
    assert response.status_code == 400
    assert 'href="#id_pmsg_view"' in response.content.decode()
    exception.refresh_from_db()
    assert exception.closed_at is None


def test_another_organisation_cannot_explain(client_for, owner) -> None:
    exception = _exception(owner)
    stranger = factories.person("statutory_partner_lead")
    response = client_for(stranger).post(
        reverse("performance:exception_explain", args=[exception.pk]), {"explanation": "Not mine"}
    )
    assert response.status_code == 403
    exception.refresh_from_db()
    assert exception.explanation == ""


def test_closing_an_unexplained_exception_stops_its_clock(client_for, owner) -> None:
    exception = _exception(owner)
    admin = factories.person("business_unit_admin")
    client_for(admin).post(
        reverse("performance:exception_close", args=[exception.pk]),
        {"pmsg_view": "Explained verbally at the meeting."},
    )
    assert Deadline.objects.get(module="performance", kind="exception").cancelled_at is not None
