"""The Business Unit's steps and the statutory partners' sign-off through the API.

The routes call the services the pages call, so these tests walk a real case from the Rapid
Review to closure through HTTP, with real keys, and check what each refusal leaves behind.
Dates are relative to today: the services refuse dates in the future, as the pages do.
"""

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeguard.core.clock import london_date
from safeguard.core.models import AuditEvent, Deadline, OutboxMessage
from safeguard.core.services.apikeys import apikey_create
from safeguard.governance.models import Action
from safeguard.reviews import rules
from safeguard.reviews.models import (
    AgencyRequest,
    ApiReceipt,
    Cspr,
    Dissemination,
    Incident,
    LearningSheet,
    Meeting,
    Recommendation,
    SignOff,
    Theme,
)
from tests import factories
from tests.reviews.helpers import Partnership, child, partnership, referral_values, signed_in

pytestmark = pytest.mark.django_db

BASE = "/api/v1/reviews/cases"


def _today() -> Any:
    return london_date(timezone.now())


def _key(org: Any, *scopes: str) -> dict[str, str]:
    admin = factories.person("business_unit_admin")
    _, full = apikey_create(actor=admin, organisation=org, name="System", scopes=list(scopes))
    return {"HTTP_AUTHORIZATION": f"Bearer {full}"}


def _misfit_key(org: Any, *scopes: str) -> dict[str, str]:
    """A key its organisation may no longer be given: refused when used all the same."""
    with factories.scopes_unlimited(*scopes):
        return _key(org, *scopes)


def _bu(p: Partnership) -> dict[str, str]:
    return _key(p.bu_officer.organisation, "reviews:manage", "reviews:read")


def _post(client: Client, url: str, body: Any, headers: dict[str, str]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def _notified(p: Partnership) -> Incident:
    """A case referred ten days ago and notified to the Panel eight days ago."""
    from safeguard.reviews.services.decisions import incident_decide
    from safeguard.reviews.services.referrals import referral_save_draft, referral_submit

    today = _today()
    draft = referral_save_draft(
        actor=p.practitioner,
        values=referral_values(
            incident_date=today - timedelta(days=11), la_aware_on=today - timedelta(days=10)
        ),
        children=[child()],
        agencies=[p.police, p.icb, p.la],
    )
    incident = referral_submit(actor=p.practitioner, incident=draft)
    return incident_decide(
        actor=p.decision_maker,
        incident=incident,
        decision="notify",
        rationale="Meets the criteria.",
        panel_notified_on=today - timedelta(days=8),
        panel_reference="CSPRP-7",
    )


def _findings(**overrides: Any) -> dict[str, Any]:
    body = {
        "immediate_actions": "Siblings seen by the social worker.",
        "learning": "Information about the adults was not shared.",
        "cspr_recommended": True,
        "regulation_11_criteria": ["recurrent_themes", "agencies_working_together"],
        "cspr_rationale": "Recurrent themes in the partnership.",
    }
    body.update(overrides)
    return body


def _sign_all(client: Client, p: Partnership, url: str) -> None:
    for org, lead in ((p.police, p.police_lead), (p.icb, p.health_lead), (p.la, p.la_lead)):
        key = _key(org, "reviews:sign_off")
        response = _post(client, url, {"signed_by_email": lead.email}, key)
        assert response.status_code == 201, response.content
        again = _post(client, url, {"signed_by_email": lead.email.upper()}, key)
        assert again.status_code == 200


def test_the_business_unit_walks_a_case_to_closure_through_the_api(client: Client) -> None:
    p = partnership()
    incident = _notified(p)
    bu = _bu(p)
    case = f"{BASE}/{incident.reference}"
    today = _today()

    state = client.get(case, **bu)
    assert state.status_code == 200, state.content
    assert state.json()["status"] == "rapid_review"
    kinds = {c["kind"]: c for c in state.json()["clocks"]}
    assert kinds["la_decision"]["state"] in ("met", "met_late")  # decided days after the clock
    assert kinds["la_decision"]["met_at"] is not None
    assert kinds["rapid_review"]["due_on"] == incident.rapid_review.due_on.isoformat()
    assert "Ava" not in state.content.decode()

    # An extraordinary RAG meeting, once however often it is sent, then its minutes.
    meeting = {
        "sender_reference": "BU-MEET-1",
        "held_on": (today - timedelta(days=7)).isoformat(),
        "attendees": "Chair, LA, police, ICB",
        "invited_professionals": "Health visitor",
    }
    first = _post(client, f"{case}/meetings", meeting, bu)
    assert first.status_code == 201, first.content
    sent = OutboxMessage.objects.count()
    again = _post(client, f"{case}/meetings", meeting, bu)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert Meeting.objects.count() == 1 and OutboxMessage.objects.count() == sent
    made = Meeting.objects.get()
    # The meeting is the RAG's in governance; names sent as attendees head its minutes.
    assert made.created_by is None and made.minutes == "Attendees: Chair, LA, police, ICB"
    assert made.sitting.group == p.rag and first.json()["governance_meeting_id"] == made.sitting_id
    receipt = ApiReceipt.objects.get(sender_reference="BU-MEET-1")
    assert (receipt.record_type, receipt.record_id) == ("reviews.meeting", made.pk)
    assert receipt.organisation == p.bu_officer.organisation
    # The meeting's own audit row is the service's; the receipt is not in the trail.
    assert AuditEvent.objects.filter(record_type="reviews.meeting", record_id=str(made.pk)).exists()
    assert not AuditEvent.objects.filter(record_type="reviews.api_receipt").exists()
    # The same reference for another kind of record is refused, naming the field.
    reused = _post(
        client, f"{case}/recommendations", {"sender_reference": "BU-MEET-1", "text": "R"}, bu
    )
    assert reused.status_code == 422
    assert reused.json()["error"]["fields"][0]["field"] == "sender_reference"
    assert not Recommendation.objects.exists()
    created = AuditEvent.objects.get(record_type="reviews.meeting", action="create")
    assert created.api_key_id is not None and created.actor_id is None
    minutes = _post(client, f"{case}/meetings/{made.pk}/minutes", {"minutes": "Agreed."}, bu)
    assert minutes.status_code == 200 and minutes.json()["minutes_recorded"] is True
    assert Meeting.objects.get().minutes == "Attendees: Chair, LA, police, ICB\n\nAgreed."

    # The Rapid Review: a request to the police, the findings, sign-off, the Panel.
    asked = {
        "sender_reference": "BU-REQ-1",
        "organisation": p.police.pk,
        "due_on": (today + timedelta(days=5)).isoformat(),
    }
    assert _post(client, f"{case}/rapid-review/agency-requests", asked, bu).status_code == 201
    assert _post(client, f"{case}/rapid-review/agency-requests", asked, bu).status_code == 200
    assert AgencyRequest.objects.get().organisation == p.police
    recorded = _post(client, f"{case}/rapid-review/findings", _findings(), bu)
    assert recorded.status_code == 200, recorded.content
    assert recorded.json()["regulation_11_criteria"] == [
        "agencies_working_together",
        "recurrent_themes",
    ]
    submit = {"submitted_on": today.isoformat()}
    early = _post(client, f"{case}/rapid-review/submission", submit, bu)
    assert early.status_code == 422
    assert early.json()["error"]["fields"][0]["field"] == "incident"
    _sign_all(client, p, f"{case}/rapid-review/sign-offs")
    assert SignOff.objects.count() == 3
    submitted = _post(client, f"{case}/rapid-review/submission", submit, bu)
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["awaiting_sign_off_from"] == []
    assert _post(client, f"{case}/rapid-review/submission", submit, bu).status_code == 200
    assert Deadline.objects.get(kind="rapid_review").met_at is not None
    # A partner's system retrying its sign-off after submission: answered, nothing changes.
    retry = {"signed_by_email": p.police_lead.email}
    late = _post(
        client, f"{case}/rapid-review/sign-offs", retry, _key(p.police, "reviews:sign_off")
    )
    assert late.status_code == 200 and SignOff.objects.count() == 3
    response = {"response": "local_cspr", "responded_on": today.isoformat(), "comments": "Agreed."}
    assert _post(client, f"{case}/rapid-review/panel-response", response, bu).status_code == 200
    assert _post(client, f"{case}/rapid-review/panel-response", response, bu).status_code == 200
    assert Incident.objects.get().status == "cspr"

    # The CSPR: commissioned and initiated, progress, published.
    cspr = {
        "reviewer": "Independent reviewer",
        "terms_of_reference": "Agency involvement in the year before.",
        "commissioned_on": today.isoformat(),
        "initiated_on": today.isoformat(),
        "joint_with": "Anyshire Safeguarding Adults Board",
    }
    commissioned = _post(client, f"{case}/cspr", cspr, bu)
    assert commissioned.status_code == 201, commissioned.content
    due = rules.cspr_publication_due(today).isoformat()
    assert commissioned.json()["publication_due_on"] == due
    progress = _post(client, f"{case}/cspr", {**cspr, "progress": "Practitioner event held."}, bu)
    assert progress.status_code == 200 and Cspr.objects.get().progress.startswith("Practitioner")
    # The final report (attached on the page) goes to the Panel and the Secretary of State;
    # publication the same day is refused (7 working days); a decision not to publish is not.
    from safeguard.reviews.services.csprs import cspr_report_attach

    cspr_report_attach(
        actor=p.bu_officer,
        incident=Incident.objects.get(),
        name="final.pdf",
        content=b"%PDF-1.7 report",
    )
    sent = _post(client, f"{case}/cspr/report-sent", {"sent_on": today.isoformat()}, bu)
    assert sent.status_code == 200 and sent.json()["report_sent_on"] == today.isoformat()
    assert sent.json()["earliest_publication_on"] > today.isoformat()
    publish = {"published_on": today.isoformat(), "link": "https://example.org/r"}
    early = _post(client, f"{case}/cspr/publication", publish, bu)
    assert early.status_code == 422
    assert early.json()["error"]["fields"][0]["field"] == "published_on"
    withheld = {"decision": "not_publish", "reason": "Criminal proceedings continue."}
    answer = _post(client, f"{case}/cspr/publication", withheld, bu)
    assert answer.status_code == 200 and answer.json()["publication_decision"] == "not_publish"
    assert _post(client, f"{case}/cspr/publication", withheld, bu).status_code == 200
    assert Incident.objects.get().status == "actions"

    # Recommendations and actions, each once.
    rec = {"sender_reference": "BU-REC-1", "text": "Share information about adults."}
    made_rec = _post(client, f"{case}/recommendations", rec, bu)
    assert made_rec.status_code == 201
    assert _post(client, f"{case}/recommendations", rec, bu).status_code == 200
    rec_id = made_rec.json()["id"]
    action = {
        "sender_reference": "BU-ACT-1",
        "description": "Brief staff on the adults' checks.",
        "owner_organisation": p.police.pk,
        "due_on": (today + timedelta(days=60)).isoformat(),
    }
    act_url = f"{case}/recommendations/{rec_id}/actions"
    assert _post(client, act_url, action, bu).status_code == 201
    assert _post(client, act_url, action, bu).status_code == 200
    assert Recommendation.objects.count() == 1 and Action.objects.count() == 1
    assert Deadline.objects.get(kind="action").owner_organisation == p.police

    # Learning: the sheet, its publication and its dissemination.
    theme = Theme.objects.filter(active=True).first()
    assert theme is not None
    sheet = {
        "title": "Seeing the adults",
        "what_happened": "A baby was injured.",
        "learning": "Check who lives in the home.",
        "themes": [theme.name],
    }
    assert _post(client, f"{case}/learning-sheet", sheet, bu).status_code == 201
    rewritten = _post(client, f"{case}/learning-sheet", {**sheet, "title": "Adults"}, bu)
    assert rewritten.status_code == 200 and rewritten.json()["themes"] == [theme.name]
    published = _post(client, f"{case}/learning-sheet/publication", {}, bu)
    assert published.status_code == 200 and published.json()["published_at"]
    shared = {
        "sender_reference": "BU-DIS-1",
        "kind": "briefing",
        "audience": "Health visitors",
        "held_on": today.isoformat(),
    }
    assert _post(client, f"{case}/learning-sheet/disseminations", shared, bu).status_code == 201
    assert _post(client, f"{case}/learning-sheet/disseminations", shared, bu).status_code == 200
    assert Dissemination.objects.count() == 1
    assert LearningSheet.objects.get().title == "Adults"

    # Closure waits for the action, then happens once.
    assert _post(client, f"{case}/closure", {}, bu).status_code == 422
    done = {"status": "completed", "evidence_of_completion": "All briefed."}
    police = _key(p.police, "reviews:actions")
    action_id = Action.objects.get().pk
    assert _post(client, f"/api/v1/reviews/actions/{action_id}", done, police).status_code == 200
    closed = _post(client, f"{case}/closure", {}, bu)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert _post(client, f"{case}/closure", {}, bu).status_code == 200
    final = client.get(case, **bu).json()
    assert final["cspr"]["publication_decision"] == "not_publish"
    assert final["recommendations"][0]["actions"][0]["status"] == "completed"
    assert final["learning_sheet"]["published_at"] is not None
    assert "Ava" not in json.dumps(final)


def test_only_the_business_units_key_with_the_scope_manages(client: Client) -> None:
    p = partnership()
    incident = _notified(p)
    url = f"{BASE}/{incident.reference}/recommendations"
    body = {"sender_reference": "R-1", "text": "A recommendation"}
    assert _post(client, url, body, {}).status_code == 401
    denied = AuditEvent.objects.filter(action="denied").count()
    # The Business Unit's key without the scope, and the LA's key with it: both refused.
    no_scope = _key(p.bu_officer.organisation, "reviews:read")
    assert _post(client, url, body, no_scope).status_code == 403
    la_key = _misfit_key(p.la, "reviews:manage")
    refused = _post(client, url, body, la_key)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "forbidden"
    assert AuditEvent.objects.filter(action="denied").count() == denied + 2
    # The wrong organisation learns nothing of which cases exist: 403 before the lookup.
    assert _post(client, f"{BASE}/NO-SUCH/recommendations", body, la_key).status_code == 403
    assert not Recommendation.objects.exists()
    assert not ApiReceipt.objects.exists()
    # The Business Unit's key reaches an unknown case as 404.
    missing = _post(client, f"{BASE}/NO-SUCH/recommendations", body, _bu(p))
    assert missing.status_code == 404


def test_sign_off_is_for_the_entitled_person_of_a_statutory_partner(client: Client) -> None:
    p = partnership()
    incident = _notified(p)
    bu = _bu(p)
    case = f"{BASE}/{incident.reference}"
    url = f"{case}/rapid-review/sign-offs"
    police = _key(p.police, "reviews:sign_off")
    # Before the decision on a CSPR there is nothing to sign: refused, naming why.
    early = _post(client, url, {"signed_by_email": p.police_lead.email}, police)
    assert early.status_code == 422 and early.json()["error"]["fields"][0]["field"] == "incident"
    assert _post(client, f"{case}/rapid-review/findings", _findings(), bu).status_code == 200
    denied = AuditEvent.objects.filter(action="denied").count()
    # A police lead outside the RAG may not sign, as on the page.
    outside = _post(client, url, {"signed_by_email": p.lead_outside_rag.email}, police)
    assert outside.status_code == 403
    # A school is not a statutory partner, whoever it names.
    school = _misfit_key(p.school, "reviews:sign_off")
    assert _post(client, url, {"signed_by_email": p.school_dsl.email}, school).status_code == 403
    assert AuditEvent.objects.filter(action="denied").count() == denied + 2
    # A person of another organisation, or no one: the field is named.
    for email in (p.health_lead.email, "nobody@example.invalid"):
        response = _post(client, url, {"signed_by_email": email}, police)
        assert response.status_code == 422
        assert response.json()["error"]["fields"][0]["field"] == "signed_by_email"
    assert _post(client, url, {}, police).status_code == 422
    assert not SignOff.objects.exists()
    # Without the scope: 403. With it, for the RAG member: signed, by that person.
    assert _post(client, url, {"signed_by_email": p.police_lead.email}, bu).status_code == 403
    signed = _post(client, url, {"signed_by_email": p.police_lead.email}, police)
    assert signed.status_code == 201
    assert SignOff.objects.get().signed_by == p.police_lead
    assert signed.json()["awaiting_sign_off_from"] == [p.la.pk, p.icb.pk]
    # The findings cannot change once a partner has signed.
    changed = _post(client, f"{case}/rapid-review/findings", _findings(learning="New"), bu)
    assert changed.status_code == 422


def test_reading_a_cases_state_is_need_to_know(client: Client) -> None:
    p = partnership()
    incident = _notified(p)
    url = f"{BASE}/{incident.reference}"
    assert client.get(url).status_code == 401
    assert client.get(url, **_key(p.bu_officer.organisation, "reviews:manage")).status_code == 403
    # The referring organisation (the practitioner's ICB) reads its own referral's state.
    assert client.get(url, **_key(p.icb, "reviews:read")).status_code == 200
    # A school with no part in the case: 404, as for a case that does not exist.
    assert client.get(url, **_key(p.school, "reviews:read")).status_code == 404
    assert client.get(f"{BASE}/NO-SUCH", **_bu(p)).status_code == 404
    read = AuditEvent.objects.filter(
        action="view", record_type="reviews.incident", record_id=str(incident.pk)
    )
    before = read.count()
    assert client.get(url, **_bu(p)).status_code == 200
    assert read.count() == before + 1 and read.last().api_key_id is not None


def _field_of(response: Any) -> list[str]:
    return [f["field"] for f in response.json()["error"]["fields"]]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "meetings",
            {"sender_reference": "M", "held_on": "2026-01-01", "starts": "late"},
            "starts",
        ),
        ("meetings", {"sender_reference": "M", "held_on": "soon", "attendees": "A"}, "held_on"),
        (
            "meetings",
            {"sender_reference": "", "held_on": "2026-01-01", "attendees": "A"},
            "sender_reference",
        ),
        ("rapid-review/findings", _findings(regulation_11_criteria=["made_up"]), "regulation_11"),
        ("rapid-review/findings", _findings(regulation_11_criteria=[]), "regulation_11_criteria"),
        ("rapid-review/findings", _findings(cspr_rationale=""), "cspr_rationale"),
        ("rapid-review/submission", {"submitted_on": "2099-01-01"}, "submitted_on"),
        (
            "rapid-review/panel-response",
            {"response": "maybe", "responded_on": "2026-01-01"},
            "response",
        ),
        (
            "rapid-review/panel-response",
            {"response": "local_cspr", "responded_on": "2026-01-01"},
            "incident",
        ),
        (
            "rapid-review/agency-requests",
            {"sender_reference": "Q", "organisation": 999999, "due_on": "2099-01-01"},
            "organisation",
        ),
        (
            "cspr",
            {"reviewer": "R", "terms_of_reference": "T", "commissioned_on": "2026-01-01"},
            "incident",
        ),
        (
            "cspr",
            {"reviewer": "", "terms_of_reference": "T", "commissioned_on": "2026-01-01"},
            "reviewer",
        ),
        ("recommendations", {"sender_reference": "R", "text": ""}, "text"),
        (
            "learning-sheet",
            {"title": "T", "what_happened": "W", "learning": "L", "themes": ["No such theme"]},
            "themes",
        ),
        ("learning-sheet/publication", {}, None),
        ("closure", {}, "incident"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_changes_nothing(
    client: Client, path: str, body: dict[str, Any], field: str | None
) -> None:
    p = partnership()
    incident = _notified(p)
    bu = _bu(p)
    audit_rows = AuditEvent.objects.exclude(action="view").count()
    response = _post(client, f"{BASE}/{incident.reference}/{path}", body, bu)
    if field is None:  # no sheet yet: nothing to publish
        assert response.status_code == 404
    else:
        assert response.status_code == 422, response.content
        assert any(f.startswith(field) for f in _field_of(response)), _field_of(response)
    assert AuditEvent.objects.exclude(action="view").count() == audit_rows
    assert not Meeting.objects.exists() and not Recommendation.objects.exists()
    assert not AgencyRequest.objects.exists() and not Cspr.objects.exists()
    assert not LearningSheet.objects.exists()
    fresh = Incident.objects.get()
    assert fresh.status == "rapid_review" and fresh.rapid_review.cspr_recommended is None


def test_an_action_needs_an_owner_and_a_due_date(client: Client) -> None:
    p = partnership()
    incident = _notified(p)
    bu = _bu(p)
    case = f"{BASE}/{incident.reference}"
    rec = _post(client, f"{case}/recommendations", {"sender_reference": "R", "text": "R"}, bu)
    url = f"{case}/recommendations/{rec.json()['id']}/actions"
    body = {"sender_reference": "A", "description": "D", "owner_organisation": p.police.pk}
    assert "due_on" in _field_of(_post(client, url, body, bu))
    no_owner = {**body, "owner_organisation": 999999, "due_on": "2099-01-01"}
    assert _field_of(_post(client, url, no_owner, bu)) == ["owner_organisation"]
    assert not Action.objects.exists() and not Deadline.objects.filter(kind="action").exists()
    # Another case's recommendation is not this case's: 404.
    other = _notified(p)
    wrong = f"{BASE}/{other.reference}/recommendations/{rec.json()['id']}/actions"
    assert _post(client, wrong, {**body, "due_on": "2099-01-01"}, bu).status_code == 404


def test_a_sender_reference_names_one_record_of_one_kind(client: Client) -> None:
    p = partnership()
    incident = _notified(p)
    bu = _bu(p)
    case = f"{BASE}/{incident.reference}"
    assert _post(client, f"{case}/recommendations", {"sender_reference": "X", "text": "R"}, bu)
    meeting = {"sender_reference": "X", "held_on": _today().isoformat(), "attendees": "A"}
    reused = _post(client, f"{case}/meetings", meeting, bu)
    assert reused.status_code == 422 and _field_of(reused) == ["sender_reference"]
    assert not Meeting.objects.exists()
    # Another organisation's key may use the same reference for its own records.
    other_bu = factories.organisation(kind="partnership", name="Another Business Unit")
    other = _key(other_bu, "reviews:manage")
    assert _post(client, f"{case}/meetings", meeting, other).status_code == 201


def test_the_case_page_shows_who_has_viewed_it_to_those_who_oversee_records(
    client: Client,
) -> None:
    p = partnership()
    incident = _notified(p)
    url = f"/reviews/cases/{incident.pk}"
    signed_in(p.bu_officer).get(url)
    # The referrer sees their own case, but not who else has read it.
    mine = signed_in(p.practitioner).get(url)
    assert mine.status_code == 200
    assert "Who has viewed this case" not in mine.content.decode()
    assert not AuditEvent.objects.filter(
        actor_id=p.practitioner.pk, record_type="core.audit"
    ).exists()
    # The Chair sees the panel, naming the earlier viewers, without the DPO's audit pages.
    page = signed_in(p.chair).get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Who has viewed this case" in body
    assert p.bu_officer.full_name in body and p.practitioner.full_name in body
    assert reverse("core:audit_record", args=["reviews.incident", incident.pk]) not in body
    # Reading who viewed is itself on the trail.
    assert AuditEvent.objects.filter(
        actor_id=p.chair.pk,
        record_type="core.audit",
        record_id=f"views:reviews.incident:{incident.pk}",
    ).exists()
    # The Business Unit's officer sees it too.
    assert "Who has viewed this case" in signed_in(p.bu_officer).get(url).content.decode()
