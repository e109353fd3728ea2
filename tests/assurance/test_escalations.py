"""Concerns Resolution through the services and pages: stages and their clocks, who sees and
answers, audited reads of the child, and the partnership's figures."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from safeguard.assurance.models import Escalation
from safeguard.assurance.services import escalations as services
from safeguard.assurance.services._common import KIND_STAGE, STAGE
from safeguard.core.clock import LONDON
from safeguard.core.models import Deadline
from safeguard.core.models.audit import AuditEvent
from tests import factories
from tests.assurance import helpers

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 11, 2, 10, tzinfo=LONDON)


@pytest.fixture
def world():
    school = factories.organisation(kind="school", urn="912345", name="Elm Primary")
    social_care = factories.organisation(kind="local_authority", name="Children's services")
    unit = factories.organisation(kind="partnership", name="The partnership")
    return {
        "school": school,
        "social_care": social_care,
        "unit": unit,
        "dsl": factories.person("school_dsl", organisation_obj=school),
        "head": factories.person("statutory_partner_lead", organisation_obj=school),
        "social_worker": factories.person("practitioner", organisation_obj=social_care),
        "admin": factories.person("business_unit_admin", organisation_obj=unit),
        "stranger": factories.person("practitioner"),
        "chair": factories.person("independent_chair", organisation_obj=unit),
        "child": helpers.pupil(school=school),
    }


def _raise(w, now=MONDAY):
    return services.escalation_raise(
        actor=w["dsl"],
        pupil=w["child"],
        other_organisation=w["social_care"],
        theme="threshold",
        decision="No further action after the referral",
        concern="Three incidents this month",
        now=now,
    )


def _clock(stage_pk: int) -> Deadline:
    return Deadline.objects.get(
        module="assurance", kind=KIND_STAGE, subject_type=STAGE, subject_id=str(stage_pk)
    )


def test_raising_opens_stage_one_with_a_five_working_day_clock_for_the_other_agency(world) -> None:
    escalation = _raise(world)
    stage = escalation.stages.get()
    assert escalation.reference == "CR-2026-0001"
    assert (escalation.stage, escalation.status) == (1, "open")
    assert stage.due_on.isoformat() == "2026-11-09"
    clock = _clock(stage.pk)
    assert clock.owner_organisation == world["social_care"]
    assert clock.link == f"/assurance/escalations/{escalation.pk}"
    assert "Ada" not in clock.title and world["child"].surname not in clock.title


def test_the_service_refuses_bad_input_with_every_message(world) -> None:
    with pytest.raises(ValidationError) as raised:
        services.escalation_raise(
            actor=world["dsl"],
            pupil=None,
            other_organisation=world["school"],
            theme="x",
            decision=" ",
            concern="",
        )
    assert set(raised.value.message_dict) == {
        "pupil",
        "other_organisation",
        "theme",
        "decision",
        "concern",
    }
    assert not Escalation.objects.exists()


def test_escalated_at_stage_one_and_resolved_at_stage_two(world) -> None:
    escalation = _raise(world)
    services.escalation_respond(
        actor=world["social_worker"],
        escalation=escalation,
        response="Threshold not met",
        now=MONDAY,
    )
    first = escalation.stages.get(number=1)
    assert _clock(first.pk).met_at is not None
    services.escalation_escalate(actor=world["head"], escalation=escalation, note="Still worried")
    escalation.refresh_from_db()
    assert escalation.stage == 2
    second = escalation.stages.get(number=2)
    assert _clock(second.pk).met_at is None
    services.escalation_resolve(actor=world["head"], escalation=escalation, note="Strategy meeting")
    escalation.refresh_from_db()
    assert (escalation.status, escalation.stage) == ("resolved", 2)
    assert _clock(second.pk).met_at is not None
    with pytest.raises(PermissionDenied):
        services.escalation_escalate(actor=world["head"], escalation=escalation, note="Again")


def test_only_the_partnership_holds_the_last_stage_and_it_cannot_escalate(world) -> None:
    escalation = _raise(world)
    for _ in range(3):
        services.escalation_escalate(actor=world["dsl"], escalation=escalation, note="Not resolved")
    escalation.refresh_from_db()
    assert escalation.stage == 4
    assert _clock(escalation.stages.get(number=4).pk).owner_organisation == world["unit"]
    with pytest.raises(PermissionDenied):
        services.escalation_resolve(actor=world["dsl"], escalation=escalation, note="Done")
    with pytest.raises(ValidationError):
        services.escalation_escalate(actor=world["admin"], escalation=escalation, note="More")
    services.escalation_resolve(actor=world["admin"], escalation=escalation, note="Agreed plan")


def test_the_other_agency_answers_but_does_not_decide(world) -> None:
    escalation = _raise(world)
    with pytest.raises(PermissionDenied):
        services.escalation_resolve(actor=world["social_worker"], escalation=escalation, note="x")
    with pytest.raises(PermissionDenied):
        services.escalation_respond(actor=world["dsl"], escalation=escalation, response="x")
    with pytest.raises(PermissionDenied):
        services.escalation_respond(actor=world["stranger"], escalation=escalation, response="x")


def test_the_audit_trail_keeps_codes_and_lengths_not_words(world) -> None:
    escalation = _raise(world)
    rows = AuditEvent.objects.filter(
        record_type="assurance.escalation", record_id=str(escalation.pk)
    )
    text = str(list(rows.values_list("changes", flat=True)))
    assert "Three incidents" not in text
    assert "concern_length" in text


def test_pages_open_for_both_agencies_and_each_read_is_audited(world, client) -> None:
    escalation = _raise(world)
    url = reverse("assurance:escalation", kwargs={"pk": escalation.pk})
    for who in ("dsl", "social_worker", "admin"):
        factories.signed_in(client, world[who])
        before = AuditEvent.objects.filter(
            action="view", record_type="assurance.escalation"
        ).count()
        response = client.get(url)
        assert response.status_code == 200
        assert world["child"].surname in response.content.decode()
        after = AuditEvent.objects.filter(action="view", record_type="assurance.escalation").count()
        assert after == before + 1
    factories.signed_in(client, world["stranger"])
    assert client.get(url).status_code == 404
    assert AuditEvent.objects.filter(
        action="denied", record_type="assurance.escalation", actor_id=world["stranger"].pk
    ).exists()


def test_the_list_never_names_the_child(world, client) -> None:
    _raise(world)
    factories.signed_in(client, world["social_worker"])
    page = client.get(reverse("assurance:escalations")).content.decode()
    assert "CR-2026-0001" in page
    assert world["child"].surname not in page


def test_raising_through_the_pages_finds_the_child_and_audits_each_shown(world, client) -> None:
    factories.signed_in(client, world["dsl"])
    url = reverse("assurance:escalation_new")
    found = client.get(url, {"surname": world["child"].surname})
    assert world["child"].surname in found.content.decode()
    assert AuditEvent.objects.filter(
        action="view", record_type="children.pupil", record_id=str(world["child"].pk)
    ).exists()
    bad = client.post(url, {"child": world["child"].pk, "theme": "threshold"})
    assert bad.status_code == 400
    assert (
        "Enter the decision you disagree with" in bad.content.decode()
        or "govuk-error-summary" in bad.content.decode()
    )
    response = client.post(
        url,
        {
            "child": world["child"].pk,
            "other_organisation": world["social_care"].pk,
            "theme": "threshold",
            "decision": "Closed",
            "concern": "Worried",
        },
    )
    assert response.status_code == 302
    escalation = Escalation.objects.get()
    assert escalation.pupil == world["child"]
    assert escalation.raised_by_organisation == world["school"]


def test_a_decision_through_the_page(world, client) -> None:
    escalation = _raise(world)
    url = reverse("assurance:escalation", kwargs={"pk": escalation.pk})
    factories.signed_in(client, world["social_worker"])
    assert client.post(url, {"step": "respond", "response": "Reviewed"}).status_code == 302
    assert (
        client.post(url, {"step": "decide", "outcome": "resolved", "note": "x"}).status_code == 404
    )
    factories.signed_in(client, world["dsl"])
    missing = client.post(url, {"step": "decide", "outcome": "escalated", "note": ""})
    assert missing.status_code == 400
    assert (
        client.post(url, {"step": "decide", "outcome": "escalated", "note": "No"}).status_code
        == 302
    )
    escalation.refresh_from_db()
    assert escalation.stage == 2


def test_figures_for_the_partnership_name_no_child(world, client) -> None:
    _raise(world)
    second = _raise(world)
    services.escalation_escalate(actor=world["dsl"], escalation=second, note="No")
    services.escalation_resolve(actor=world["dsl"], escalation=second, note="Yes")
    factories.signed_in(client, world["chair"])
    page = client.get(reverse("assurance:escalation_figures")).content.decode()
    assert world["child"].surname not in page
    assert "Threshold for a service or intervention" in page
    factories.signed_in(client, world["chair"])
    assert client.get(reverse("assurance:escalations")).status_code == 403
