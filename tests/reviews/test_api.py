"""The API: a partner system refers a case and follows it; the LA's system records the decision."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.test import Client

from safeguard.core.models import AuditEvent, Deadline, OutboxMessage
from safeguard.core.services.apikeys import apikey_create
from safeguard.reviews.models import Incident
from tests import factories
from tests.reviews.helpers import partnership

pytestmark = pytest.mark.django_db

URL = "/api/v1/reviews/referrals"


def _key(org, *scopes):
    admin = factories.person("business_unit_admin")
    _, full = apikey_create(actor=admin, organisation=org, name="System", scopes=list(scopes))
    return {"HTTP_AUTHORIZATION": f"Bearer {full}"}


def _referral(**overrides):
    body = {
        "sender_reference": "NICHE/2026/0042",
        "incident_date": "2026-11-01",
        "la_aware_on": "2026-11-02",
        "summary": "Infant taken to hospital with fractures.",
        "harm": "serious_harm",
        "abuse_or_neglect": "suspected",
        "referrer_view": "meets",
        "referrer_reasons": "Unexplained injuries to a non-mobile infant.",
        "children": [
            {"full_name": "Noah Testchild", "date_of_birth": "2026-06-01", "gender": "male"}
        ],
    }
    body.update(overrides)
    return body


def _post(client, url, body, headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def test_a_police_system_refers_once_however_often_it_sends(client: Client) -> None:
    p = partnership()
    headers = _key(p.police, "reviews:refer")
    first = _post(client, URL, _referral(agencies_involved=[p.la.pk]), headers)
    assert first.status_code == 201, first.content
    out = first.json()
    assert out["status"] == "awaiting_decision"
    assert out["decision_due_on"] == "2026-11-09"
    assert "Noah" not in first.content.decode()
    messages = OutboxMessage.objects.count()
    again = _post(client, URL, _referral(), headers)
    assert again.status_code == 200 and again.json()["reference"] == out["reference"]
    assert Incident.objects.count() == 1 and OutboxMessage.objects.count() == messages
    incident = Incident.objects.get()
    assert incident.referring_organisation == p.police and incident.referrer is None
    created = AuditEvent.objects.get(record_type="reviews.incident", action="create")
    assert created.api_key_id is not None
    read = client.get(f"{URL}/{out['reference']}", **headers)
    assert read.status_code == 200 and read.json()["status"] == "awaiting_decision"


def test_another_organisation_cannot_read_the_referral(client: Client) -> None:
    p = partnership()
    reference = _post(client, URL, _referral(), _key(p.police, "reviews:refer")).json()["reference"]
    other = client.get(f"{URL}/{reference}", **_key(p.icb, "reviews:refer"))
    assert other.status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"summary": ""}, "summary"),
        ({"harm": "bruised"}, "harm"),
        ({"children": []}, "children"),
        (
            {"children": [{"full_name": "A", "date_of_birth": "2020-01-01", "gender": "male"}] * 5},
            "children",
        ),
        ({"la_aware_on": (date.today() + timedelta(days=2)).isoformat()}, "la_aware_on"),
        ({"la_aware_on": "2026-10-01"}, "la_aware_on"),
        ({"agencies_involved": [999999]}, "agencies_involved"),
    ],
)
def test_bad_referrals_are_refused_naming_the_field(client: Client, change, field) -> None:
    p = partnership()
    response = _post(client, URL, _referral(**change), _key(p.police, "reviews:refer"))
    assert response.status_code == 422, response.content
    fields = [f["field"] for f in response.json()["error"]["fields"]]
    assert any(f == field or f.startswith(field + ".") for f in fields), fields
    assert not Incident.objects.exists() and not Deadline.objects.exists()


def test_the_la_system_records_the_decision_for_its_decision_maker(client: Client) -> None:
    p = partnership()
    reference = _post(client, URL, _referral(), _key(p.police, "reviews:refer")).json()["reference"]
    la = _key(p.la, "reviews:decide")
    decision = {
        "decision": "notify",
        "rationale": "Meets the criteria.",
        "panel_notified_on": "2026-11-04",
        "panel_reference": "CSPRP-9",
        "decision_maker_email": p.decision_maker.email,
    }
    url = f"{URL}/{reference}/decision"
    # A child in a regulated setting: Ofsted and the Secretary of State must have been told.
    regulated = {**decision, "looked_after": False, "regulated_setting": True}
    untold = _post(client, url, regulated, la)
    assert untold.status_code == 422
    fields = {f["field"] for f in untold.json()["error"]["fields"]}
    assert fields == {"ofsted_notified_on", "secretary_of_state_notified_on"}
    decision = {
        **regulated,
        "ofsted_notified_on": "2026-11-04",
        "secretary_of_state_notified_on": "2026-11-04",
    }
    response = _post(client, url, decision, la)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "rapid_review"
    assert Incident.objects.get().secretary_of_state_notified_on == date(2026, 11, 4)
    assert response.json()["rapid_review_due_on"] == "2026-11-25"
    assert _post(client, url, decision, la).status_code == 200  # the same again: no change
    changed = _post(client, url, {**decision, "decision": "do_not_notify"}, la)
    assert changed.status_code == 422
    incident = Incident.objects.get()
    assert incident.decided_by == p.decision_maker and incident.decision == "notify"


def test_only_the_la_and_only_for_a_decision_maker(client: Client) -> None:
    p = partnership()
    reference = _post(client, URL, _referral(), _key(p.police, "reviews:refer")).json()["reference"]
    url = f"{URL}/{reference}/decision"
    decision = {
        "decision": "do_not_notify",
        "rationale": "r",
        "decision_maker_email": p.decision_maker.email,
    }
    with factories.scopes_unlimited("reviews:decide"):
        police_key = _key(p.police, "reviews:decide")
    assert _post(client, url, decision, police_key).status_code == 404
    not_a_maker = {**decision, "decision_maker_email": p.la_lead.email}
    response = _post(client, url, not_a_maker, _key(p.la, "reviews:decide"))
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "decision_maker_email"
    no_rationale = {**decision, "rationale": ""}
    assert _post(client, url, no_rationale, _key(p.la, "reviews:decide")).status_code == 422
    assert _post(client, url, decision, _key(p.la, "reviews:refer")).status_code == 403
    assert Incident.objects.get().decision == ""


def test_partners_contribute_answer_requests_and_report_actions(client: Client) -> None:
    from safeguard.reviews.models import Contribution
    from safeguard.reviews.services import actions
    from safeguard.reviews.services import rapid_reviews as rr
    from tests.reviews.helpers import ON_DECISION_DAY, notified_case

    p = partnership()
    incident = notified_case(p)
    police = _key(p.police, "reviews:contribute", "reviews:read", "reviews:actions")
    url = f"{URL}/{incident.reference}/contributions"
    body = {"sender_reference": "C-1", "information": "Two call-outs.", "opinion": "Meets."}
    assert _post(client, url, body, police).status_code == 201
    assert _post(client, url, body, police).status_code == 200
    assert Contribution.objects.get().organisation == p.police
    assert _post(client, url, {**body, "information": ""}, police).status_code == 422
    # A school not involved in the case may not contribute, nor learn that it exists.
    school = _key(p.school, "reviews:contribute")
    assert _post(client, url, {**body, "sender_reference": "S"}, school).status_code == 404

    asked = rr.agency_request_add(
        actor=p.bu_officer,
        incident=incident,
        organisation=p.police,
        due_on=date(2027, 1, 8),
        now=ON_DECISION_DAY,
    )
    answer = f"/api/v1/reviews/agency-requests/{asked.pk}"
    info = {"summary": "Summary", "chronology": "Chronology"}
    assert _post(client, answer, info, _key(p.icb, "reviews:contribute")).status_code == 404
    response = _post(client, answer, info, police)
    assert response.status_code == 200 and response.json()["received_on"] is not None
    assert Deadline.objects.get(kind="agency_information").met_at is not None

    recommendation = actions.recommendation_add(actor=p.bu_officer, incident=incident, text="R")
    action = actions.action_add(
        actor=p.bu_officer,
        recommendation=recommendation,
        description="Train staff",
        owner_organisation=p.police,
        due_on=date(2027, 3, 1),
        now=ON_DECISION_DAY,
    )
    progress = f"/api/v1/reviews/actions/{action.pk}"
    missing = _post(client, progress, {"status": "completed"}, police)
    assert missing.status_code == 422
    assert missing.json()["error"]["fields"][0]["field"] == "evidence_of_completion"
    done = {"status": "completed", "evidence_of_completion": "All trained."}
    assert _post(client, progress, done, _key(p.icb, "reviews:actions")).status_code == 404
    assert _post(client, progress, done, police).json()["status"] == "completed"

    page = client.get("/api/v1/reviews/cases", **police).json()
    assert (page["count"], page["limit"], page["offset"]) == (1, 50, 0)
    listing = page["items"]
    assert [c["reference"] for c in listing] == [incident.reference]
    assert client.get("/api/v1/reviews/cases?offset=1", **police).json()["items"] == []
    assert listing[0]["referred_by_you"] is False
    assert listing[0]["actions"][0]["status"] == "completed"
    assert "Ava" not in json.dumps(listing)


def test_partner_routes_keep_their_operation_ids(client: Client) -> None:
    """Partners' generated clients name their methods after the operation ids, so moving the
    routes from ``reviews/api.py`` into ``reviews/api/cases.py`` must not rename them."""
    document = client.get("/api/v1/openapi.json").json()
    ids = {
        (path, method): operation["operationId"]
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    }
    base = "/api/v1/reviews"
    assert ids[(f"{base}/referrals", "post")] == "safeguard_reviews_api_refer"
    assert ids[(f"{base}/referrals/{{incident_reference}}", "get")] == (
        "safeguard_reviews_api_referral"
    )
    assert ids[(f"{base}/referrals/{{incident_reference}}/decision", "post")] == (
        "safeguard_reviews_api_decide"
    )
    assert ids[(f"{base}/referrals/{{incident_reference}}/contributions", "post")] == (
        "safeguard_reviews_api_contribute"
    )
    assert ids[(f"{base}/cases", "get")] == "safeguard_reviews_api_cases"
    assert ids[(f"{base}/agency-requests/{{request_id}}", "post")] == (
        "safeguard_reviews_api_answer_request"
    )
    assert ids[(f"{base}/actions/{{action_id}}", "post")] == "safeguard_reviews_api_action_progress"


def test_only_the_la_may_be_given_the_decision_scope() -> None:
    """Issue 8: a school's key with ``reviews:decide`` was accepted."""
    from django.core.exceptions import ValidationError

    p = partnership()
    admin = factories.person("business_unit_admin")
    with pytest.raises(ValidationError, match="Only a key for a local authority"):
        apikey_create(actor=admin, organisation=p.school, name="S", scopes=["reviews:decide"])
    apikey_create(actor=admin, organisation=p.la, name="LA", scopes=["reviews:decide"])
