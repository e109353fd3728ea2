"""Issue 9, validation: each refusal names its field, the API and the CSV agree, a CSV lists
every problem at once, and an identical resend changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from safeguard.children.importers.common import ImportRejected
from safeguard.core.models import AuditEvent
from safeguard.encompass.importers.incident_csv import parse
from safeguard.encompass.models import Incident, IncidentChild
from safeguard.encompass.services.incidents import MAX_CHILDREN, incident_receive
from tests.encompass.helpers import child, incident, world
from tests.encompass.test_pages import CSV_HEADER

pytestmark = pytest.mark.django_db


def _refused(w, data) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as caught:
        incident_receive(actor=w.officer, force=w.force, data=data)
    return caught.value.message_dict


def test_dates_of_birth_before_1900_or_after_the_incident_are_refused_by_field() -> None:
    w = world()
    found = _refused(
        w,
        incident(
            "V1",
            child("P1", dob=date(1899, 12, 31)),
            child("P2", dob=date(2026, 10, 20)),  # after the incident of 13 October
        ),
    )
    assert "1900" in found["children.0.dob"][0]
    assert "after the incident" in found["children.1.dob"][0]
    assert not Incident.objects.exists()


def test_an_incident_more_than_a_year_old_is_refused() -> None:
    w = world()
    old = timezone.now() - timedelta(days=400)
    assert "more than a year old" in _refused(w, incident("V2", occurred_at=old))["occurred_at"][0]


def test_control_characters_in_references_are_refused() -> None:
    w = world()
    found = _refused(w, incident("V3\x00", child("P\x1b1")))
    assert "control characters" in found["reference"][0]
    found = _refused(w, incident("V3", child("P\x1b1")))
    assert "control characters" in found["children.0.ref"][0]


def test_an_incident_lists_at_most_the_maximum_of_children() -> None:
    w = world()
    many = [child(f"P{n}") for n in range(MAX_CHILDREN + 1)]
    assert str(MAX_CHILDREN) in _refused(w, incident("V4", *many))["children"][0]


def test_an_identical_resend_changes_nothing() -> None:
    w = world()
    first, _ = incident_receive(actor=w.officer, force=w.force, data=incident("V5", child()))
    rows = AuditEvent.objects.count()
    again, created = incident_receive(actor=w.officer, force=w.force, data=incident("V5", child()))
    assert not created and again.pk == first.pk and again.version == 1
    assert AuditEvent.objects.count() == rows
    changed, _ = incident_receive(
        actor=w.officer, force=w.force, data=incident("V5", child(where_they_were="Garden"))
    )
    assert changed.version == 2


def test_the_api_and_the_csv_take_the_same_gender_codes() -> None:
    w = world()
    for code, stored in (("M", "M"), ("female", "F"), ("U", "")):
        incident_receive(
            actor=w.officer, force=w.force, data=incident(f"G-{code}", child(gender=code))
        )
        assert IncidentChild.objects.get(incident__reference=f"G-{code}").gender == stored
    api_message = _refused(w, incident("G-bad", child(gender="Q")))["children.0.gender"][0]
    row = "G-csv,2026-10-13T19:00,incident,,,,,,,,P1,Robin,Ashdown,2016-03-04,Q,,,present,,,\n"
    with pytest.raises(ImportRejected) as caught:
        parse(CSV_HEADER + row)
    [error] = [e for e in caught.value.errors if e.column == "child_gender"]
    assert error.reason == api_message


def test_a_csv_lists_every_problem_at_once() -> None:
    """An unknown gender code once hid the other problems of the file."""
    rows = (
        "C1,2026-10-13T19:00,incident,,,,,,,,P1,Robin,Ashdown,2016-03-04,Q,,,present,,,\n"
        "C1,2026-10-13T19:00,incident,,,,,,,,P2,Alex,Cole,1890-01-01,M,,,maybe,,,\n"
        "C2,2026-10-13T19:00,burglary,,,,,,,,P1,,,2016-03-04,F,,,present,,,\n"
    )
    with pytest.raises(ImportRejected) as caught:
        parse(CSV_HEADER + rows)
    found = {(e.line, e.column) for e in caught.value.errors}
    assert {
        (2, "child_gender"),
        (3, "child_dob"),
        (3, "child_presence"),
        (4, "kind"),
        (4, "child_surname"),
    } <= found


def test_an_unknown_csv_column_is_refused_by_name() -> None:
    with pytest.raises(ImportRejected) as caught:
        parse(CSV_HEADER.rstrip("\n") + ",child_school\n")
    assert [(e.line, e.column) for e in caught.value.errors] == [(1, "child_school")]


def test_a_windows_1252_csv_is_read() -> None:
    from safeguard.encompass.importers.incident_csv import decode

    row = "W1,2026-10-13T19:00,incident,Caf\u00e9 Row,,,,,,,P1,Zo\u00eb,Ashdown,,F,,,present,,,\n"
    text = decode((CSV_HEADER + row).encode("cp1252"), name="f.csv")
    [read] = parse(text)
    assert read.children[0].forename == "Zo\u00eb" and read.location == "Caf\u00e9 Row"
    with pytest.raises(ImportRejected) as caught:
        decode(b"\x81\x8d\x8f", name="f.csv")
    assert "neither UTF-8 nor Windows-1252" in caught.value.errors[0].reason


def test_the_api_refuses_an_unknown_field_by_name_and_reads_the_csv_gender_codes() -> None:
    from tests.encompass.test_api import _body, _key, _post

    w = world()
    headers = _key(w)
    body = _body()
    body["children"][0]["school"] = "Westmere Primary"
    refused = _post(headers, body)
    assert refused.status_code == 422
    assert "school" in refused.content.decode()
    body = _body()
    body["children"][0]["gender"] = "female"
    assert _post(headers, body).status_code == 201
    assert IncidentChild.objects.get().gender == "F"
