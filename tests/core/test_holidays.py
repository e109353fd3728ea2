"""Bank holidays: the bundled data, holidays an administrator adds, and the page to add them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from safeguard.core import holidays
from safeguard.core.clock import HolidayDataExhausted, end_of_day, london_date
from safeguard.core.models import AuditEvent, ExtraHoliday
from safeguard.core.services.deadlines import deadline_open_working_days
from safeguard.core.services.holidays import holiday_add
from tests import factories

pytestmark = pytest.mark.django_db


def _future_working_day(weeks: int = 2) -> date:
    """A working day a little ahead of today, so "not in the past" holds whenever tests run."""
    today = london_date(timezone.now())
    return holidays.next_working_day(today + timedelta(weeks=weeks))


def test_coverage_ends_on_the_last_day_of_the_bundled_data():
    assert holidays.coverage() == (date(2012, 1, 1), date(2028, 12, 31))
    assert holidays.calendar().covers_until == date(2028, 12, 31)


def test_the_calendar_knows_the_bundled_holidays():
    assert not holidays.is_working_day(date(2022, 9, 19))
    assert not holidays.is_working_day(date(2023, 5, 8))
    assert holidays.add_working_days(date(2026, 12, 18), 5) == date(2026, 12, 29)
    assert holidays.working_days_between(date(2026, 12, 18), date(2026, 12, 29)) == 5


def test_an_extra_holiday_moves_a_deadline_and_the_calendar_sees_it_at_once():
    before = deadline_open_working_days(
        module="reviews",
        kind="rapid_review",
        title="Rapid Review",
        subject_type="reviews.incident",
        subject_id=1,
        starts_on=date(2026, 12, 18),
        working_days=5,
    )
    assert before.due_at == end_of_day(date(2026, 12, 29))
    ExtraHoliday.objects.create(date=date(2026, 12, 21), name="One-off holiday")
    assert not holidays.is_working_day(date(2026, 12, 21))
    after = deadline_open_working_days(
        module="reviews",
        kind="rapid_review",
        title="Rapid Review",
        subject_type="reviews.incident",
        subject_id=1,
        starts_on=date(2026, 12, 18),
        working_days=5,
    )
    assert after.pk == before.pk
    assert after.due_at == end_of_day(date(2026, 12, 30))
    ExtraHoliday.objects.filter(date=date(2026, 12, 21)).delete()
    assert holidays.is_working_day(date(2026, 12, 21))


def test_an_extra_holiday_after_the_data_does_not_extend_coverage():
    ExtraHoliday.objects.create(date=date(2029, 6, 1), name="Far future")
    with pytest.raises(HolidayDataExhausted):
        holidays.add_working_days(date(2028, 12, 28), 5)


def test_holidays_between_lists_bundled_and_added_in_order():
    ExtraHoliday.objects.create(date=date(2026, 12, 21), name="One-off holiday")
    found = holidays.holidays_between(date(2026, 12, 1), date(2026, 12, 31))
    assert [(h.date, h.added) for h in found] == [
        (date(2026, 12, 21), True),
        (date(2026, 12, 25), False),
        (date(2026, 12, 28), False),
    ]


def test_holiday_add_saves_and_audits():
    admin = factories.person("business_unit_admin")
    day = _future_working_day()
    extra = holiday_add(actor=admin, date=day, name="  State occasion ")
    assert extra.name == "State occasion"
    assert extra.added_by == admin
    assert not holidays.is_working_day(day)
    row = AuditEvent.objects.get(record_type="core.extra_holiday", record_id=str(extra.pk))
    assert row.action == "create"
    assert row.actor_id == admin.pk
    assert row.changes["date"] == [None, day.isoformat()]


def _problems(actor, day, name="Holiday"):
    with pytest.raises(ValidationError) as raised:
        holiday_add(actor=actor, date=day, name=name)
    assert ExtraHoliday.objects.count() == 0
    return raised.value.message_dict


def test_holiday_add_refuses_weekends_past_days_existing_holidays_and_blank_names():
    admin = factories.person("business_unit_admin")
    today = london_date(timezone.now())
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    assert "Saturday" in _problems(admin, saturday)["date"][0]
    past = holidays.calendar().add_working_days(today - timedelta(days=14), 1)
    assert "today or in the future" in _problems(admin, past)["date"][0]
    next_christmas = date(today.year + (today >= date(today.year, 12, 20)), 12, 25)
    while next_christmas.weekday() >= 5:
        next_christmas += timedelta(days=1)  # a weekday holiday (or its substitute)
    assert "already a bank holiday" in _problems(admin, next_christmas)["date"][0]
    assert _problems(admin, _future_working_day(), name="   ")["name"] == [
        "Enter the name of the holiday"
    ]


def test_holiday_add_refuses_a_date_already_added():
    admin = factories.person("business_unit_admin")
    day = _future_working_day()
    holiday_add(actor=admin, date=day, name="First")
    with pytest.raises(ValidationError) as raised:
        holiday_add(actor=admin, date=day, name="Second")
    assert "already a bank holiday" in raised.value.message_dict["date"][0]
    assert ExtraHoliday.objects.count() == 1


def test_holiday_add_needs_the_capability():
    with pytest.raises(PermissionDenied):
        holiday_add(actor=factories.person("practitioner"), date=_future_working_day(), name="X")
    assert ExtraHoliday.objects.count() == 0


# The pages ------------------------------------------------------------------------------------


def test_pages_send_anonymous_people_to_sign_in(client):
    for url in ("/holidays", "/holidays/add"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in")


def test_pages_refuse_people_without_the_capability(client_for):
    client = client_for(factories.person("business_unit_officer"))
    assert client.get("/holidays").status_code == 403
    assert client.post("/holidays/add", {"day": "1"}).status_code == 403
    assert ExtraHoliday.objects.count() == 0


def test_the_list_shows_this_year_and_next_with_added_holidays(client_for):
    client = client_for(factories.person("business_unit_admin"))
    this_year = london_date(timezone.now()).year
    day = _future_working_day()
    ExtraHoliday.objects.create(date=day, name="Added occasion")
    response = client.get("/holidays")
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Bank holidays in {this_year}</caption>" in page
    assert f"Bank holidays in {this_year + 1}</caption>" in page
    assert "Christmas Day" in page
    assert "Added occasion" in page
    assert "31 December 2028" in page


def test_adding_through_the_page(client_for):
    admin = factories.person("business_unit_admin")
    client = client_for(admin)
    assert client.get("/holidays/add").status_code == 200
    day = _future_working_day()
    response = client.post(
        "/holidays/add",
        {"day": str(day.day), "month": str(day.month), "year": str(day.year), "name": "Occasion"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/holidays"
    assert "Bank holiday added" in response.content.decode()
    assert ExtraHoliday.objects.get().date == day


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"day": "", "month": "", "year": "", "name": "X"}, "Enter the date of the holiday"),
        ({"day": "31", "month": "2", "year": "2027", "name": "X"}, "must be a real date"),
        ({"day": "ab", "month": "2", "year": "2027", "name": "X"}, "must be a real date"),
        ({"day": "6", "month": "2", "year": "2027", "name": "X"}, "is a Saturday"),
        ({"day": "4", "month": "1", "year": "2021", "name": "X"}, "today or in the future"),
    ],
)
def test_bad_input_is_named_in_the_error_summary_and_changes_nothing(client_for, data, message):
    client = client_for(factories.person("business_unit_admin"))
    response = client.post("/holidays/add", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert 'href="#id_day"' in page
    assert message in page
    assert ExtraHoliday.objects.count() == 0


def test_every_problem_is_listed_at_once(client_for):
    client = client_for(factories.person("business_unit_admin"))
    page = client.post("/holidays/add", {"day": "", "name": ""}).content.decode()
    assert 'href="#id_day"' in page
    assert 'href="#id_name"' in page
    assert ExtraHoliday.objects.count() == 0


def test_a_blank_name_is_named_in_the_error_summary(client_for):
    client = client_for(factories.person("business_unit_admin"))
    day = _future_working_day()
    response = client.post(
        "/holidays/add",
        {"day": str(day.day), "month": str(day.month), "year": str(day.year), "name": ""},
    )
    page = response.content.decode()
    assert 'href="#id_name"' in page
    assert "Enter the name of the holiday" in page
    assert ExtraHoliday.objects.count() == 0
