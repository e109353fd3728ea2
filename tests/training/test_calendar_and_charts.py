"""The calendar file and the chart, without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar

from safeguard.training import charts
from safeguard.training.calendar import Invitation, invitation_ics

START = datetime(2027, 3, 2, 9, 30, tzinfo=UTC)


def _invitation(**changes: object) -> Invitation:
    values: dict[str, object] = {
        "uid": "training-booking-7@safeguard.example",
        "title": "Working Together (part 2)",
        "starts_at": START,
        "ends_at": START + timedelta(hours=3),
        "location": "Civic Centre",
        "link": "https://safeguard.example/training/my-bookings",
        "organiser_email": "training@partnership.example",
        "attendee_email": "robin@charity.example",
    }
    values.update(changes)
    return Invitation(**values)  # type: ignore[arg-type]


def test_an_invitation_is_a_request_with_the_session_times() -> None:
    calendar = Calendar.from_ical(invitation_ics(_invitation(), stamp=START))
    assert calendar["method"] == "REQUEST"
    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == START
    assert event.decoded("dtend") == START + timedelta(hours=3)
    assert str(event["location"]) == "Civic Centre"
    assert str(event["attendee"]) == "mailto:robin@charity.example"


def test_a_cancellation_keeps_the_uid_and_raises_the_sequence() -> None:
    first = Calendar.from_ical(invitation_ics(_invitation(), stamp=START)).walk("VEVENT")[0]
    cancel = Calendar.from_ical(
        invitation_ics(_invitation(cancelled=True, sequence=1), stamp=START)
    )
    event = cancel.walk("VEVENT")[0]
    assert cancel["method"] == "CANCEL" and str(event["status"]) == "CANCELLED"
    assert str(event["uid"]) == str(first["uid"])
    assert int(event["sequence"]) > int(first["sequence"])


def test_the_chart_escapes_names_and_draws_one_bar_per_series_and_year() -> None:
    svg = charts.bar_chart(
        series=[("<Police>", {"2025/26": 3, "2026/27": 5}), ("Health", {"2025/26": 1})],
        years=["2025/26", "2026/27"],
    )
    assert "&lt;Police&gt;" in svg and "<Police>" not in svg
    assert svg.count("<rect") == 4 + 2  # four bars, two legend keys
    assert 'aria-hidden="true"' in svg


def test_no_data_no_chart() -> None:
    assert charts.bar_chart(series=[], years=[]) == ""
