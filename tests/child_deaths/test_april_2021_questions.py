"""The national forms' questions since April 2021 (NCMD, "CDR statutory form changes, April
2021"): the notification form's suspected stillbirth at home, and the reporting form's poverty and
barriers to accessing services, carried through the panel's review, the analysis and the
national dataset export. Through HTTP, as the notifier, the agencies, the CDOP member and the
designated doctor use them."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeguard.child_deaths.models import Death, JointAgencyResponse, ReportingForm, Review
from safeguard.child_deaths.selectors.dataset import COLUMNS
from safeguard.core.models.audit import AuditAction, AuditEvent
from safeguard.core.services.apikeys import apikey_create
from tests import factories
from tests.child_deaths.helpers import notify_body, partnership

pytestmark = pytest.mark.django_db


def _client(person) -> Client:
    return factories.signed_in(Client(), person)


def _stillbirth_body(**extra):
    born = timezone.localtime() - timedelta(hours=3)
    fields = {
        "full_name": "Baby Stillchild",
        "born_on": born.strftime("%d/%m/%Y"),
        "place": "home",
        "place_detail": "",
        "expected": "yes",
        "suspected_home_stillbirth": "yes",
        **extra,
    }
    return notify_body(born, **fields)


def test_the_notify_page_asks_the_stillbirth_question_and_requires_an_answer() -> None:
    p = partnership()
    page = _client(p.nurse).get(reverse("child_deaths:notify")).content.decode()
    assert "suspected stillbirth at home" in page
    body = notify_body(timezone.localtime() - timedelta(hours=1))
    del body["suspected_home_stillbirth"]
    response = _client(p.nurse).post(reverse("child_deaths:notify"), body)
    assert response.status_code == 200
    assert "Select yes, no or not known: was this a suspected stillbirth" in (
        response.content.decode()
    )
    assert not Death.objects.exists()


def test_a_suspected_stillbirth_at_home_must_be_at_home_and_born_the_day_it_died() -> None:
    p = partnership()
    response = _client(p.nurse).post(
        reverse("child_deaths:notify"),
        _stillbirth_body(place="hospital", born_on="01/03/2026"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "has the place of death: home" in page
    assert "the date of birth and the date of death are the same day" in page
    assert not Death.objects.exists()


def test_a_suspected_stillbirth_at_home_starts_a_jar_even_when_called_expected() -> None:
    p = partnership()
    response = _client(p.nurse).post(reverse("child_deaths:notify"), _stillbirth_body())
    assert response.status_code == 302, response.content.decode()[:2000]
    death = Death.objects.get()
    assert death.suspected_home_stillbirth == "yes"
    assert death.expected and death.panel == "neonatal"
    # A stillbirth with no healthcare professional in attendance is a JAR trigger: the team
    # finds out whether one attended, so the response starts at once.
    assert JointAgencyResponse.objects.filter(death=death).exists()
    page = _client(p.doctor).get(reverse("child_deaths:death", args=[death.pk])).content.decode()
    assert "Suspected stillbirth at home" in page


def test_a_later_agencys_yes_stands_and_starts_the_jar() -> None:
    p = partnership()
    body = _stillbirth_body(suspected_home_stillbirth="not_known")
    assert _client(p.nurse).post(reverse("child_deaths:notify"), body).status_code == 302
    death = Death.objects.get()
    assert death.suspected_home_stillbirth == "not_known"
    assert not JointAgencyResponse.objects.exists()  # expected, and not said to be a stillbirth
    # The police, another agency, notify the same baby and say yes: one death, now a yes.
    again = _stillbirth_body()
    assert _client(p.officer).post(reverse("child_deaths:notify"), again).status_code == 302
    death.refresh_from_db()
    assert Death.objects.count() == 1 and death.suspected_home_stillbirth == "yes"
    assert JointAgencyResponse.objects.filter(death=death).exists()
    # A third agency's "no" does not undo it.
    third = _stillbirth_body(suspected_home_stillbirth="no")
    assert _client(p.social_worker).post(reverse("child_deaths:notify"), third).status_code == 302
    death.refresh_from_db()
    assert death.suspected_home_stillbirth == "yes"
    assert AuditEvent.objects.filter(
        record_type="child_deaths.death", action=AuditAction.UPDATE, actor_id=p.officer.pk
    ).exists()


def test_the_api_takes_the_stillbirth_answer_and_refuses_a_made_up_one() -> None:
    p = partnership()
    admin = factories.person("business_unit_admin")
    _, secret = apikey_create(
        actor=admin, organisation=p.hospital, name="Maternity", scopes=["child_deaths:notify"]
    )
    now = timezone.now() - timedelta(hours=2)
    body = {
        "sender_reference": "MAT-1",
        "full_name": "Baby Apistill",
        "born_on": timezone.localtime(now).date().isoformat(),
        "died_at": now.isoformat(),
        "place": "home",
        "expected": False,
        "suspected_home_stillbirth": "maybe",
    }

    def post(payload):
        return Client().post(
            "/api/v1/child-deaths/notifications",
            json.dumps(payload),
            "application/json",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        )

    assert post(body).status_code == 422
    assert post({**body, "suspected_home_stillbirth": "yes", "place": "hospital"}).status_code in (
        400,
        422,
    )
    assert not Death.objects.exists()
    assert post({**body, "suspected_home_stillbirth": "yes"}).status_code == 201
    assert Death.objects.get().suspected_home_stillbirth == "yes"


def _death_with_three_forms(p) -> Death:
    assert (
        _client(p.nurse)
        .post(
            reverse("child_deaths:notify"), notify_body(timezone.localtime() - timedelta(hours=3))
        )
        .status_code
        == 302
    )
    death = Death.objects.get()
    response = _client(p.member).post(
        reverse("child_deaths:request_forms", args=[death.pk]),
        {"organisations": [p.hospital.pk, p.police.pk, p.la.pk]},
    )
    assert response.status_code == 302
    return death


def _form(death, organisation) -> ReportingForm:
    return ReportingForm.objects.get(death=death, organisation=organisation)


def test_each_agency_answers_poverty_and_barriers_and_bad_answers_are_refused() -> None:
    p = partnership()
    death = _death_with_three_forms(p)
    url = reverse("child_deaths:reporting_form", args=[_form(death, p.police).pk])
    page = _client(p.officer).get(url).content.decode()
    assert "Did the child live in poverty or deprivation?" in page
    assert "Did the child&#x27;s family meet barriers to accessing services?" in page
    # Unanswered, barriers without saying which, and barriers named where there were none.
    for body, problem in (
        ({}, "Select yes, no or not known: Did the child live in poverty"),
        ({"poverty": "no", "barriers": "yes"}, "Select the barriers the family met"),
        (
            {"poverty": "no", "barriers": "no", "barrier_kinds": ["language"]},
            "Select barriers only where the family met barriers",
        ),
    ):
        response = _client(p.officer).post(url, {"involvement": "Known", **body})
        assert response.status_code == 200 and problem in response.content.decode(), body
    assert _form(death, p.police).returned_at is None
    # The three agencies answer; the LA saw poverty and a language barrier.
    answers = {
        p.nurse: {"poverty": "not_known", "barriers": "no"},
        p.officer: {"poverty": "no", "barriers": "no"},
        p.social_worker: {
            "poverty": "yes",
            "barriers": "yes",
            "barrier_kinds": ["language", "financial"],
            "barriers_detail": "No interpreter was offered at the clinic.",
        },
    }
    for person, body in answers.items():
        mine = reverse("child_deaths:reporting_form", args=[_form(death, person.organisation).pk])
        response = _client(person).post(mine, {"involvement": "Known", **body})
        assert response.status_code == 302, response.content.decode()[:2000]
    la = _form(death, p.la)
    assert (la.poverty, la.barriers, la.barrier_kinds) == ("yes", "yes", ["financial", "language"])
    assert la.barriers_detail == "No interpreter was offered at the clinic."
    # The audit row says what was answered, never the free text.
    event = AuditEvent.objects.filter(record_type="child_deaths.reporting_form").last()
    assert "interpreter" not in json.dumps(event.changes)


def test_the_designated_doctor_reviews_from_the_agencies_answers_to_the_dataset() -> None:
    p = partnership()
    death = _death_with_three_forms(p)
    for person, body in (
        (p.nurse, {"poverty": "not_known", "barriers": "no"}),
        (p.officer, {"poverty": "no", "barriers": "no"}),
        (p.social_worker, {"poverty": "yes", "barriers": "yes", "barrier_kinds": ["language"]}),
    ):
        mine = reverse("child_deaths:reporting_form", args=[_form(death, person.organisation).pk])
        assert _client(person).post(mine, {"involvement": "Known", **body}).status_code == 302
    review_url = reverse("child_deaths:review", args=[death.pk])
    page = _client(p.doctor).get(review_url).content.decode()
    # What the agencies said, and the panel's answers starting from theirs (yes if any said yes).
    assert "Of 3 reporting forms that answered: 1 said the child lived in poverty" in page
    assert "(language or communication)" in page
    assert 'name="poverty" type="radio" value="yes" checked' in page
    assert 'name="barriers" type="radio" value="yes" checked' in page
    assert 'name="barrier_kinds" type="checkbox" value="language" checked' in page
    today = timezone.localdate().strftime("%d/%m/%Y")
    body = {
        "panel_meeting_on": today,
        "categories": ["infection"],
        "level_intrinsic": "none",
        "level_social": "contributory",
        "modifiable_social": "on",
        "level_physical": "none",
        "level_service": "contributory",
        "modifiable_service": "on",
        "learning": "Book interpreters for every appointment.",
        "poverty": "yes",
        "barriers": "yes",
    }
    refused = _client(p.doctor).post(review_url, body)
    assert refused.status_code == 200
    assert "Select the barriers the family met" in refused.content.decode()
    body["barrier_kinds"] = ["language", "financial"]
    response = _client(p.doctor).post(review_url, body)
    assert response.status_code == 302, response.content.decode()[:3000]
    review = Review.objects.get(death=death)
    assert (review.poverty, review.barriers) == ("yes", "yes")
    assert review.barrier_kinds == ["financial", "language"]
    death_page = _client(p.member).get(reverse("child_deaths:death", args=[death.pk])).content
    text = death_page.decode()
    assert "Lived in poverty or deprivation" in text
    assert "financial, such as the cost of travel; language or communication" in text

    # The analysis counts it in the new tables; the publication CSV suppresses small numbers.
    analysis = _client(p.member).get(reverse("child_deaths:analysis")).content.decode()
    for table in ("table-stillbirth", "table-poverty", "table-barriers", "table-barrier_kinds"):
        assert f'id="{table}"' in analysis
    poverty_table = analysis.split('id="table-poverty"')[1].split("</table>")[0]
    assert '<th scope="row" class="govuk-table__header">Yes</th>' in poverty_table
    yes_row = poverty_table.split(">Yes</th>")[1].split("</tr>")[0]
    assert ">1<" in yes_row
    csv = _client(p.member).get(reverse("child_deaths:analysis_csv")).content.decode()
    assert (
        "Lived in poverty or deprivation (the panel's answer),Yes,fewer than 5,fewer than 5" in csv
    )

    # The national dataset export carries the three answers in words.
    export = factories.stepped_up(_client(p.member)).get(reverse("child_deaths:dataset_csv"))
    header, row = export.content.decode().splitlines()[:2]
    values = dict(zip(header.split(","), _split_csv(row), strict=True))
    assert values["suspected_stillbirth_at_home"] == "no"
    assert values["lived_in_poverty"] == "yes"
    assert values["barriers_to_services"] == "yes"
    assert values["barrier_kinds"] == (
        "Financial, such as the cost of travel; Language or communication"
    )
    assert set(COLUMNS) >= {"lived_in_poverty", "barriers_to_services", "barrier_kinds"}


def _split_csv(line: str) -> list[str]:
    import csv
    import io

    return next(csv.reader(io.StringIO(line)))
