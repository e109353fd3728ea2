"""The school as the police recorded it (ADR 0016): taken by the API and the CSV, refused with
the field named when it is bad, stored, used by matching and shown on the review page beside
each candidate's school."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from safeguard.children.importers.common import ImportRejected
from safeguard.children.models import Pupil
from safeguard.children.selectors import roll_people
from safeguard.encompass import rules
from safeguard.encompass.importers.incident_csv import parse
from safeguard.encompass.models import IncidentChild, MatchState
from safeguard.encompass.services import matching
from safeguard.encompass.services.incidents import incident_receive
from tests import factories
from tests.encompass.helpers import child, incident, world
from tests.encompass.test_api import _body, _key, _post
from tests.encompass.test_pages import CSV_HEADER

pytestmark = pytest.mark.django_db
HEADER = CSV_HEADER.rstrip("\n") + ",child_school_name,child_school_urn\n"
ROW = "S1,2026-10-13T19:00,incident,,,,,,,,P1,Robin,Ashdown,2016-03-04,F,,WM1 2BB,present,,,"


def _refused(w: Any, *children: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        incident_receive(actor=w.officer, force=w.force, data=incident("S1", *children))
    return caught.value.message_dict


# --- the API -------------------------------------------------------------------------------


def test_the_api_stores_the_school_recorded() -> None:
    w = world()
    body = _body()
    body["children"][0].update({"school_name": "  WESTMERE   PRIMARY ", "school_urn": "900001"})
    response = _post(_key(w), body)
    assert response.status_code == 201, response.content
    stored = IncidentChild.objects.get()
    assert (stored.school_name, stored.school_urn) == ("WESTMERE PRIMARY", "900001")
    assert stored.match_state == MatchState.AUTOMATIC


def test_the_api_takes_an_ofsted_early_years_number_in_any_case() -> None:
    w = world()
    body = _body()
    body["children"][0].update({"school_name": "Little Acorns", "school_urn": "ey 123456"})
    assert _post(_key(w), body).status_code == 201
    assert IncidentChild.objects.get().school_urn == "EY123456"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("school_urn", "12345", "six digits"),
        ("school_urn", "EY12345X", "six digits"),
        ("school_name", "Westmere\x1bPrimary", "control characters"),
    ],
)
def test_the_api_refuses_a_bad_school_with_the_field_named(
    field: str, value: str, message: str
) -> None:
    w = world()
    body = _body()
    body["children"][0][field] = value
    response = _post(_key(w), body)
    assert response.status_code == 422
    [problem] = response.json()["error"]["fields"]
    assert problem["field"] == f"children.0.{field}"
    assert message in problem["message"]
    assert not IncidentChild.objects.exists()


def test_the_api_refuses_a_school_name_too_long_with_the_field_named() -> None:
    w = world()
    body = _body()
    body["children"][0]["school_name"] = "x" * 201
    response = _post(_key(w), body)
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"].startswith("children.0.school_name")


# --- the service and the CSV -----------------------------------------------------------------


def test_the_service_names_each_bad_school_field() -> None:
    w = world()
    found = _refused(
        w,
        child("P1", school_urn="12345678"),
        child("P2", forename="Alex", school_name="A" * 201),
    )
    assert "six digits" in found["children.0.school_urn"][0]
    assert "200 characters" in found["children.1.school_name"][0]


def test_a_resend_that_changes_only_the_school_goes_back_to_matching() -> None:
    w = world()
    incident_receive(actor=w.officer, force=w.force, data=incident("S1", child()))
    same, _ = incident_receive(actor=w.officer, force=w.force, data=incident("S1", child()))
    assert same.version == 1
    changed, _ = incident_receive(
        actor=w.officer, force=w.force, data=incident("S1", child(school_name="Westmere Primary"))
    )
    assert changed.version == 2
    assert IncidentChild.objects.get().match_state == MatchState.PENDING


def test_the_csv_reads_the_optional_school_columns() -> None:
    [read] = parse(HEADER + ROW + ",St Mary's Primary,ey654321\n")
    assert read.children[0].school_name == "St Mary's Primary"
    assert read.children[0].school_urn == "ey654321"  # normalised when stored
    [without] = parse(CSV_HEADER + ROW + "\n")
    assert without.children[0].school_name == "" and without.children[0].school_urn == ""


def test_the_csv_refuses_a_bad_urn_with_line_and_column() -> None:
    rows = HEADER + ROW + ",Westmere Primary,90001\n" + ROW.replace("P1", "P2") + ",,EY1\n"
    with pytest.raises(ImportRejected) as caught:
        parse(rows)
    found = {(e.line, e.column) for e in caught.value.errors}
    assert found == {(2, "child_school_urn"), (3, "child_school_urn")}


# --- matching and the review page --------------------------------------------------------------


def test_matching_gives_the_model_the_school_recorded_and_the_pupils_schools() -> None:
    w = world()
    stored, _ = incident_receive(
        actor=w.officer,
        force=w.force,
        data=incident("S1", child(school_name="Westmere Primary", school_urn="900001")),
    )
    person = matching._person(stored.children.get())
    assert person.school_urns == ("900001",) and person.school_names == ("Westmere Primary",)
    roll = roll_people()
    robin = next(p for p in roll if p.forename == "Robin")
    assert robin.school_urns == ("900001",)
    assert robin.school_names == ("Westmere Primary School",)


def test_the_review_page_shows_the_school_recorded_beside_each_candidates() -> None:
    w = world()
    stored, _ = incident_receive(
        actor=w.officer,
        force=w.force,
        data=incident("S1", child(forename="Robyn", school_name="HARROW LANE ACADEMY")),
    )
    row = stored.children.get()
    robin, jordan = Pupil.objects.get(forename="Robin"), Pupil.objects.get(forename="Jordan")
    IncidentChild.objects.filter(pk=row.pk).update(
        match_state=MatchState.REVIEW,
        pupil=robin,
        candidates=[robin.pk, jordan.pk],
        probability=0.6,
    )
    client = factories.signed_in(Client(), w.coordinator)
    page = client.get(f"/encompass/review/{row.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "School or setting" in text and "HARROW LANE ACADEMY" in text
    assert "Westmere Primary School (URN 900001)" in text
    assert "Harrow Lane Academy (URN 900002)" in text
    # Robin's school differs from the one recorded; Jordan's is the same. Each candidate has
    # its own table, in the order put forward.
    first = text[text.index('id="candidate-1"') : text.index('id="candidate-2"')]
    second = text[text.index('id="candidate-2"') :]

    def school_row(section: str) -> str:
        row = section[section.index("School or setting") :]
        return row[: row.index("</tr>")]

    assert 'govuk-tag--red">Differs' in school_row(first)
    assert 'govuk-tag--green">Same' in school_row(second)


# --- the verdict shown -------------------------------------------------------------------------


def test_the_school_verdicts() -> None:
    def verdict(**given: str) -> str:
        values = {"police_name": "", "police_urn": "", "pupil_name": "", "pupil_urn": ""}
        return rules.school_agreement(**{**values, **given}).verdict

    school = {"pupil_name": "St Mary's C of E Primary School", "pupil_urn": "900001"}
    assert verdict(**school) == "Not recorded"
    assert verdict(police_name="Westmere Primary") == "Not recorded"
    assert verdict(police_urn="900001", **school) == "Same"
    assert verdict(police_name="ST MARYS PRIMARY", **school) == "Same"
    assert verdict(police_name="St Marys Primery", **school) == "Similar"
    assert verdict(police_name="Harrow Lane Academy", **school) == "Differs"
    assert verdict(police_urn="900002", **school) == "Differs"


@settings(deadline=None)
@given(name=st.text(max_size=40), urn=st.text(alphabet="0123456789", min_size=6, max_size=6))
def test_a_school_always_agrees_with_itself(name: str, urn: str) -> None:
    found = rules.school_agreement(
        police_name=name, police_urn=urn, pupil_name=name or "Westmere Primary", pupil_urn=urn
    )
    assert found.verdict == "Same"
