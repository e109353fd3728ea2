"""The calendar page: the LA sets the default, a school overrides its own, and the clocks follow."""

from __future__ import annotations

from datetime import date, time

import pytest

from safeguard.core.models import AuditEvent
from safeguard.encompass.models import Calendar, InsetDay, Term
from safeguard.encompass.selectors.calendars import effective_calendar
from tests import factories
from tests.encompass.helpers import world

pytestmark = pytest.mark.django_db


def test_the_coordinator_sets_the_default_calendar(client_for) -> None:  # type: ignore[no-untyped-def]
    w = world()
    client = client_for(w.coordinator)
    response = client.post(
        "/encompass/calendar/",
        {
            "action": "settings",
            "settings-day_starts_at": "08:30",
            "settings-holiday_contact": str(w.holiday_contact.pk),
        },
    )
    assert response.status_code == 302
    default = Calendar.objects.get(is_default=True)
    assert default.day_starts_at == time(8, 30)
    client.post(
        "/encompass/calendar/",
        {
            "action": "term",
            "term-name": "Summer 1",
            "term-starts_on": "2027-04-12",
            "term-ends_on": "2027-05-28",
        },
    )
    assert Term.objects.filter(calendar=default, name="Summer 1").exists()
    assert AuditEvent.objects.filter(record_type="encompass.term").exists()


def test_bad_calendar_input_names_the_field_and_changes_nothing(client_for) -> None:  # type: ignore[no-untyped-def]
    w = world()
    client = client_for(w.coordinator)
    overlap = client.post(
        "/encompass/calendar/",
        {
            "action": "term",
            "term-name": "Clash",
            "term-starts_on": "2026-10-01",
            "term-ends_on": "2026-10-30",
        },
    )
    assert "overlaps another term" in overlap.content.decode()
    backwards = client.post(
        "/encompass/calendar/",
        {
            "action": "term",
            "term-name": "X",
            "term-starts_on": "2027-06-01",
            "term-ends_on": "2027-05-01",
        },
    )
    assert "must end on or after" in backwards.content.decode()
    saturday = client.post("/encompass/calendar/", {"action": "inset", "inset-date": "2026-10-24"})
    assert "An INSET day is a weekday" in saturday.content.decode()
    unknown = client.post(
        "/encompass/calendar/",
        {
            "action": "settings",
            "settings-day_starts_at": "8.30am",
            "settings-holiday_contact": "",
        },
    )
    assert "govuk-error-summary" in unknown.content.decode()
    assert Term.objects.count() == 3 and not InsetDay.objects.exists()


def test_a_dsl_overrides_their_own_schools_calendar_only(client_for) -> None:  # type: ignore[no-untyped-def]
    w = world()
    client = client_for(w.dsl)
    page = client.get(f"/encompass/calendar/?school={w.other_school.pk}").content.decode()
    assert w.school.name in page and w.other_school.name not in page
    client.post(
        "/encompass/calendar/",
        {
            "action": "settings",
            "settings-day_starts_at": "08:15",
            "settings-holiday_contact": str(w.dsl.pk),
        },
    )
    client.post("/encompass/calendar/", {"action": "inset", "inset-date": "2026-11-02"})
    effective = effective_calendar(w.school)
    assert effective.calendar.day_starts_at == time(8, 15)
    assert effective.on_duty_key_adult == w.dsl
    assert date(2026, 11, 2) in effective.calendar.inset_days
    assert len(effective.calendar.terms) == 3  # the LA's terms still apply
    other = effective_calendar(w.other_school)
    assert other.calendar.day_starts_at == time(8, 45) and not other.calendar.inset_days


def test_someone_without_a_school_sees_no_calendar_to_manage(client_for) -> None:  # type: ignore[no-untyped-def]
    world()
    dsl_elsewhere = factories.person("school_dsl")
    page = client_for(dsl_elsewhere).get("/encompass/calendar/").content.decode()
    assert "no school calendar for you to manage" in page
