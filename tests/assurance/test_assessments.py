"""Self-assessments through the services and pages: versioned standards, a round with a clock
per organisation, returns, challenges and answers with their clocks, actions in the shared
plan, and the year-on-year comparison."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from safeguard.assurance.models import Rating, SelfAssessment
from safeguard.assurance.services import assessments as services
from safeguard.core.models import Deadline
from safeguard.governance.models import Action
from tests import factories
from tests.assurance import helpers

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    unit = factories.organisation(kind="partnership", name="The partnership")
    police = factories.organisation(kind="police", name="Police", statutory_partner=True)
    school = factories.organisation(kind="school", urn="913456", name="Oak Academy")
    charity = factories.organisation(kind="third_sector", name="Family charity")
    admin = factories.person("business_unit_admin", organisation_obj=unit)
    helpers.templates(admin)
    return {
        "unit": unit,
        "police": police,
        "school": school,
        "charity": charity,
        "admin": admin,
        "officer": factories.person("statutory_partner_lead", organisation_obj=police),
        "dsl": factories.person("school_dsl", organisation_obj=school),
        "chair": factories.person("independent_chair", organisation_obj=unit),
    }


def _round(w, year=2026):
    return helpers.round_for(w["admin"], [w["police"], w["school"], w["charity"]], year=year)


def test_a_new_version_keeps_the_old_one_for_the_rounds_that_used_it(world) -> None:
    first = services.latest_template("section_11")
    assert first is not None
    found = _round(world)
    second = services.template_save(
        actor=world["admin"], kind="section_11", title="Revised", standards=[("Only one", "")]
    )
    assert second.version == first.version + 1
    assessment = found.assessments.get(organisation=world["police"])
    assert assessment.template == first
    assert first.standards.count() == 3


def test_each_organisation_gets_its_kind_of_standards_and_a_clock(world) -> None:
    found = _round(world)
    kinds = {a.organisation.kind: a.template.kind for a in found.assessments.all()}
    assert kinds == {
        "police": "section_11",
        "school": "section_175",
        "third_sector": "faith_third_sector",
    }
    clocks = Deadline.objects.filter(module="assurance", kind="self_assessment_return")
    assert {c.owner_organisation_id for c in clocks} == {
        world["police"].pk,
        world["school"].pk,
        world["charity"].pk,
    }
    with pytest.raises(ValidationError) as raised:
        _round(world)
    assert "year" in raised.value.message_dict


def test_only_the_business_unit_opens_a_round_or_writes_standards(world) -> None:
    with pytest.raises(PermissionDenied):
        _round({**world, "admin": world["officer"]})
    with pytest.raises(PermissionDenied):
        services.template_save(
            actor=world["dsl"], kind="section_175", title="x", standards=[("a", "")]
        )


def test_a_return_rates_every_standard_and_meets_its_clock(world) -> None:
    found = _round(world)
    assessment = found.assessments.get(organisation=world["police"])
    ratings = helpers.ratings_for(assessment)
    first = next(iter(ratings))
    with pytest.raises(ValidationError) as raised:
        services.assessment_return(
            actor=world["officer"],
            assessment=assessment,
            ratings={first: ("purple", "")},
            voice_of_child="",
        )
    assert f"rag_{first}" in raised.value.message_dict
    assert "voice_of_child" in raised.value.message_dict
    with pytest.raises(PermissionDenied):
        services.assessment_return(
            actor=world["dsl"], assessment=assessment, ratings=ratings, voice_of_child="x"
        )
    services.assessment_return(
        actor=world["officer"], assessment=assessment, ratings=ratings, voice_of_child="Forums"
    )
    assessment.refresh_from_db()
    assert assessment.status == "returned"
    assert Rating.objects.filter(assessment=assessment).count() == 3
    clock = Deadline.objects.get(
        subject_type="assurance.self_assessment", subject_id=str(assessment.pk)
    )
    assert clock.met_at is not None


def test_a_challenge_is_answered_within_its_clock_and_actions_join_the_plan(world) -> None:
    found = _round(world)
    assessment = found.assessments.get(organisation=world["police"])
    services.assessment_return(
        actor=world["officer"],
        assessment=assessment,
        ratings=helpers.ratings_for(assessment, "green"),
        voice_of_child="Forums",
    )
    rating = assessment.ratings.first()
    with pytest.raises(PermissionDenied):
        services.challenge_raise(actor=world["officer"], rating=rating, question="Why?")
    challenge = services.challenge_raise(
        actor=world["admin"], rating=rating, question="What evidence of supervision?"
    )
    clock = Deadline.objects.get(subject_type="assurance.challenge", subject_id=str(challenge.pk))
    assert clock.owner_organisation == world["police"]
    assert clock.link == f"/assurance/self-assessments/{assessment.pk}"
    with pytest.raises(PermissionDenied):
        services.challenge_answer(actor=world["dsl"], challenge=challenge, answer="x")
    services.challenge_answer(actor=world["officer"], challenge=challenge, answer="Audit dates")
    clock.refresh_from_db()
    assert clock.met_at is not None
    action = services.assessment_action_add(
        actor=world["admin"],
        assessment=assessment,
        title="Quarterly supervision audit",
        due_on=date.today() + timedelta(days=60),
    )
    assert action.owner_organisation == world["police"]
    assert Action.objects.filter(source_kind="assurance.self_assessment").count() == 1


def test_the_return_challenge_and_answer_through_the_pages(world, client) -> None:
    found = _round(world)
    assessment = found.assessments.get(organisation=world["school"])
    url = reverse("assurance:assessment", kwargs={"pk": assessment.pk})
    factories.signed_in(client, world["dsl"])
    standards = list(assessment.template.standards.all())
    bad = client.post(url, {"step": "return", f"rag_{standards[0].pk}": "green"})
    assert bad.status_code == 400
    page = bad.content.decode()
    assert f"Enter the evidence for standard {standards[0].number}" in page
    assert 'value="green" checked' in page  # nothing lost on bad input
    body = {"step": "return", "voice_of_child": "School council"}
    for s in standards:
        body[f"rag_{s.pk}"] = "amber"
        body[f"evidence_{s.pk}"] = "Policy"
    assert client.post(url, body).status_code == 302
    rating = Rating.objects.filter(assessment=assessment).first()
    assert rating is not None
    factories.signed_in(client, world["admin"])
    assert (
        client.post(
            url, {"step": "challenge", "rating": rating.pk, "question": "Show it"}
        ).status_code
        == 302
    )
    challenge = rating.challenges.get()
    factories.signed_in(client, world["dsl"])
    page = client.get(url).content.decode()
    assert "Show it" in page
    assert client.post(url, {"step": f"answer_{challenge.pk}", "answer": ""}).status_code == 400
    assert client.post(url, {"step": f"answer_{challenge.pk}", "answer": "Here"}).status_code == 302
    challenge.refresh_from_db()
    assert challenge.answer == "Here"


def test_another_organisation_cannot_open_or_return_it(world, client) -> None:
    found = _round(world)
    assessment = found.assessments.get(organisation=world["police"])
    factories.signed_in(client, world["dsl"])
    url = reverse("assurance:assessment", kwargs={"pk": assessment.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {"step": "return"}).status_code == 404
    assert SelfAssessment.objects.get(pk=assessment.pk).status == "awaiting"


def test_year_on_year_comparison_with_a_chart_and_its_table(world, client) -> None:
    for year, rag in ((2025, "red"), (2026, "green")):
        found = _round(world, year=year)
        assessment = found.assessments.get(organisation=world["police"])
        services.assessment_return(
            actor=world["officer"],
            assessment=assessment,
            ratings=helpers.ratings_for(assessment, rag),
            voice_of_child="Forums",
            now=timezone.now(),
        )
    factories.signed_in(client, world["chair"])
    page = client.get(reverse("assurance:comparison"), {"organisation": world["police"].pk})
    text = page.content.decode()
    assert "data:image/svg+xml;base64," in text
    assert "2025: 3 red, 0 amber, 0 green" in text
    assert '<th scope="row" class="govuk-table__header">2026</th>' in text
    factories.signed_in(client, world["officer"])
    own = client.get(
        reverse(
            "assurance:assessment",
            kwargs={"pk": found.assessments.get(organisation=world["police"]).pk},
        )
    ).content.decode()
    assert "Improved" in own
