"""The Encompass pages through the test client, signed in as each kind of user."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from safeguard.core.models import AuditEvent
from safeguard.encompass.models import Incident, IncidentChild, MatchState, Notification
from safeguard.encompass.services.incidents import incident_receive
from safeguard.encompass.services.matching import incident_match
from tests import factories
from tests.encompass.helpers import child, incident, world

pytestmark = pytest.mark.django_db

CSV_HEADER = (
    "incident_reference,occurred_at,kind,location,victim_forename,victim_surname,victim_dob,"
    "suspect_forename,suspect_surname,suspect_dob,child_ref,child_forename,child_surname,"
    "child_dob,child_gender,child_address,child_postcode,child_presence,child_where,"
    "child_voice,child_injuries\n"
)


def _csv(*rows: str) -> bytes:
    return (CSV_HEADER + "".join(rows)).encode()


GOOD = _csv(
    "WM/UP/0001,2026-10-13T19:00,incident,1 High St,Kim,Ashdown,1988-01-02,Lee,Ashdown,1985-05-06,"
    "P1,Robin,Ashdown,2016-03-04,F,1 High St,WM1 2BB,present,Bedroom,Heard shouting,\n",
    "WM/UP/0001,2026-10-13T19:00,incident,1 High St,Kim,Ashdown,1988-01-02,Lee,Ashdown,1985-05-06,"
    "P2,Alex,Cole,2017-06-15,M,1 High St,WM2 4DD,not_present,At a friend's,,\n",
    "WM/UP/0002,2026-10-14T20:00,crime,2 Low Rd,Jo,Birch,1980-01-01,,,,,,,,,,,,,,\n",
)


def _upload(client, data: bytes):  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        "/encompass/incidents/upload/",
        {"file": SimpleUploadedFile("incidents.csv", data, content_type="text/csv")},
    )


def test_a_police_user_uploads_a_csv_and_the_children_are_matched(client_for) -> None:  # type: ignore[no-untyped-def]
    w = world()
    client = client_for(w.officer)
    response = _upload(client, GOOD)
    assert response.status_code == 302
    assert Incident.objects.filter(force=w.force).count() == 2
    assert Incident.objects.get(reference="WM/UP/0002").no_children_recorded
    states = dict(IncidentChild.objects.values_list("ref", "match_state"))
    assert states == {"P1": "automatic", "P2": "automatic"}
    assert Notification.objects.count() == 2
    first = Incident.objects.get(reference="WM/UP/0001")
    detail = client.get(f"/encompass/incidents/{first.pk}/").content.decode()
    assert "Schools told" in detail and w.school.name in detail and "Waiting" in detail
    page = client.get("/encompass/incidents/?flagged=1").content.decode()
    assert "WM/UP/0002" in page and "WM/UP/0001" not in page


def test_a_bad_csv_lists_every_problem_and_stores_nothing(client_for) -> None:  # type: ignore[no-untyped-def]
    w = world()
    bad = _csv(
        "B1,2099-01-01T10:00,incident,,,,,,,,P1,Robin,Ashdown,2016-03-04,F,,,present,,,\n",
        "B2,2026-10-13T19:00,burglary,,,,,,,,P1,Robin,Ashdown,04/03/2016,Q,,,maybe,,,\n",
    )
    response = _upload(client_for(w.officer), bad)
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    for expected in ("occurred_at", "child_dob", "child_gender"):
        assert expected in page
    assert not Incident.objects.exists()


def test_police_see_only_their_own_forces_incidents(client_for) -> None:  # type: ignore[no-untyped-def]
    w = world()
    mine, _ = incident_receive(
        actor=w.officer, force=w.force, data=incident("WM/OWN/0001", child())
    )
    theirs, _ = incident_receive(
        actor=None, force=w.other_force, data=incident("NS/OTHER/0001", child())
    )
    client = client_for(w.officer)
    assert client.get(f"/encompass/incidents/{mine.pk}/").status_code == 200
    assert client.get(f"/encompass/incidents/{theirs.pk}/").status_code == 404
    listing = client.get("/encompass/incidents/").content.decode()
    assert "WM/OWN/0001" in listing and "NS/OTHER/0001" not in listing


def test_a_dsl_reads_and_acknowledges_their_own_schools_notification(client_for) -> None:  # type: ignore[no-untyped-def]
    w = world()
    found, _ = incident_receive(actor=w.officer, force=w.force, data=incident("D1", child()))
    incident_match(incident_id=found.pk)
    note = Notification.objects.get()
    client = client_for(w.dsl)
    page = client.get(f"/encompass/notifications/{note.pk}/").content.decode()
    assert "Heard shouting" in page and "Do not contact the child" in page
    assert AuditEvent.objects.filter(
        action="view", record_type="encompass.incident_child", actor_id=w.dsl.pk
    ).exists()
    empty = client.post(f"/encompass/notifications/{note.pk}/", {"support_given": ""})
    assert "Enter the support" in empty.content.decode()
    done = client.post(
        f"/encompass/notifications/{note.pk}/", {"support_given": "Breakfast club check-in"}
    )
    assert done.status_code == 302
    note.refresh_from_db()
    assert note.acknowledged_by_id == w.dsl.pk


def test_another_schools_dsl_cannot_see_it(client_for) -> None:  # type: ignore[no-untyped-def]
    w = world()
    found, _ = incident_receive(actor=w.officer, force=w.force, data=incident("D2", child()))
    incident_match(incident_id=found.pk)
    note = Notification.objects.get()
    client = client_for(w.other_dsl)
    assert client.get(f"/encompass/notifications/{note.pk}/").status_code == 404
    assert (
        client.post(f"/encompass/notifications/{note.pk}/", {"support_given": "x"}).status_code
        == 404
    )
    listing = client.get("/encompass/notifications/").content.decode()
    assert f"/encompass/notifications/{note.pk}/" not in listing
    assert "There are no notifications to show" in listing


def test_the_coordinator_confirms_a_grey_zone_match_and_the_school_is_told(client_for) -> None:  # type: ignore[no-untyped-def]
    w = world()
    found, _ = incident_receive(actor=w.officer, force=w.force, data=incident("G1", child()))
    kid = found.children.get()
    from safeguard.children.models import Pupil

    suggested = Pupil.objects.get(upn__endswith="26001")
    IncidentChild.objects.filter(pk=kid.pk).update(
        match_state=MatchState.REVIEW, pupil=suggested, probability=0.7
    )
    client = client_for(w.coordinator)
    assert f"/encompass/review/{kid.pk}/" in client.get("/encompass/review/").content.decode()
    assert client.post(f"/encompass/review/{kid.pk}/", {}).status_code == 200
    response = client.post(f"/encompass/review/{kid.pk}/", {"decision": str(suggested.pk)})
    assert response.status_code == 302
    kid.refresh_from_db()
    assert kid.match_state == MatchState.CONFIRMED and kid.matched_by_id == w.coordinator.pk
    assert Notification.objects.filter(child=kid, school=w.school).exists()


def test_the_la_records_an_outcome_for_a_child_on_no_roll(client_for) -> None:  # type: ignore[no-untyped-def]
    w = world()
    found, _ = incident_receive(
        actor=w.officer,
        force=w.force,
        data=incident("L1", child(forename="Zed", surname="Quill", dob=date(2022, 1, 1))),
    )
    incident_match(incident_id=found.pk)
    kid = found.children.get()
    assert kid.match_state == MatchState.NONE
    client = client_for(w.coordinator)
    missing_upn = client.post(f"/encompass/unmatched/{kid.pk}/", {"outcome": "found_on_roll"})
    assert "Enter the UPN" in missing_upn.content.decode()
    done = client.post(f"/encompass/unmatched/{kid.pk}/", {"outcome": "under_school_age"})
    assert done.status_code == 302
    kid.refresh_from_db()
    assert kid.la_outcome == "under_school_age"
    assert client.get(f"/encompass/unmatched/{kid.pk}/").status_code == 404


def test_oversight_shows_the_figures_and_the_gaps(client_for) -> None:  # type: ignore[no-untyped-def]
    w = world()
    found, _ = incident_receive(actor=w.officer, force=w.force, data=incident("V1", child()))
    incident_match(incident_id=found.pk)
    # Queued in time but delivered only six weeks later: not told in time.
    Notification.objects.filter(child__incident=found).update(
        created_at=found.occurred_at + timedelta(minutes=5),
        told_at=found.occurred_at + timedelta(days=42),
    )
    # Another incident of the same evening, delivered ten minutes after it happened.
    timely, _ = incident_receive(
        actor=w.officer,
        force=w.force,
        data=incident("V3", child("P1", forename="Alex", surname="Cole", dob=date(2017, 6, 15))),
    )
    incident_match(incident_id=timely.pk)
    Notification.objects.filter(child__incident=timely).update(
        told_at=timely.occurred_at + timedelta(minutes=10)
    )
    incident_receive(actor=w.officer, force=w.force, data=incident("V2"))
    viewer = factories.person("business_unit_officer")
    page = client_for(viewer).get("/encompass/oversight/?days=365").content.decode()
    assert 'data-figure="incidents">3<' in page
    assert 'data-figure="notifications">2<' in page
    assert 'data-figure="no_children_recorded">1<' in page
    # One delivered six weeks late, one ten minutes after the incident.
    assert 'data-figure="on_time">50%<' in page
    # By force and by school, with the median time from incident to delivery.
    assert "By police force" in page and "Westmere Police" in page
    assert "By school or setting" in page and "Westmere Primary School" in page
    median = re.search(r'data-figure="median">([^<]+)<', page)
    assert median and median.group(1).startswith("21 days")  # halfway between the two
    assert page.count(f">{median.group(1)}<") == 3  # overall, for the force, for the school


def test_oversight_takes_any_date_range_and_shows_hours_and_minutes(client_for) -> None:  # type: ignore[no-untyped-def]
    w = world()
    found, _ = incident_receive(actor=w.officer, force=w.force, data=incident("R1", child()))
    incident_match(incident_id=found.pk)
    Notification.objects.filter(child__incident=found).update(
        told_at=found.occurred_at + timedelta(minutes=125)
    )
    incident_receive(
        actor=w.officer,
        force=w.force,
        data=incident("R2", occurred_at=found.occurred_at + timedelta(days=20)),
    )
    client = client_for(w.coordinator)
    page = client.get("/encompass/oversight/?start=13/10/2026&end=14/10/2026").content.decode()
    assert 'data-figure="incidents">1<' in page
    assert 'data-figure="median">2 hours 5 minutes<' in page
    assert "13 October 2026" in page
    backwards = client.get("/encompass/oversight/?start=14/10/2026&end=1/10/2026")
    assert "must be the same as or after" in backwards.content.decode()


def test_encompass_pages_show_govuk_dates_and_no_raw_values(client_for) -> None:  # type: ignore[no-untyped-def]
    w = world()
    found, _ = incident_receive(actor=w.officer, force=w.force, data=incident("D1", child()))
    incident_match(incident_id=found.pk)
    note = Notification.objects.get(child__incident=found)
    pages = [
        client_for(w.dsl).get(f"/encompass/notifications/{note.pk}/").content.decode(),
        client_for(w.dsl).get("/encompass/notifications/").content.decode(),
        client_for(w.officer).get(f"/encompass/incidents/{found.pk}/").content.decode(),
    ]
    assert "13 October 2026 at 7:00pm" in pages[0]
    for page in pages:
        assert not re.search(r"\bNone\b(?! recorded)", page.split("<main", 1)[-1])
        assert "Oct 2026" not in page
