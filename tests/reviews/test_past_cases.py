"""Past cases: recorded afterwards with their real dates, by page and by API, once per reference.

The case of issue 10: a referral with the LA aware on 10 January 2020 was counted under the year
it was typed in, took that year's reference and opened a decision clock years overdue.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from safeguard.core.clock import LONDON
from safeguard.core.models import AuditEvent, Deadline, OutboxMessage
from safeguard.core.reminders import reminders_due
from safeguard.core.services.apikeys import apikey_create
from safeguard.reviews import rules
from safeguard.reviews.models import Cspr, Incident, RapidReview, Status
from safeguard.reviews.selectors.oversight import oversight_between
from safeguard.reviews.services.past_cases import past_case_record
from tests import factories
from tests.reviews.helpers import Partnership, child, partnership, referral_values, signed_in

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 4, 10, 0, tzinfo=LONDON)


def _steps(**overrides: Any) -> rules.PastSteps:
    fields: dict[str, Any] = {
        "decision": "notify",
        "decided_on": date(2020, 1, 15),
        "rationale": "Meets the criteria.",
        "panel_notified_on": date(2020, 1, 15),
        "panel_reference": "CSPRP-2020-7",
        "rapid_review_submitted_on": date(2020, 2, 5),
        "cspr_recommended": True,
        "panel_response": "local_cspr",
        "panel_response_on": date(2020, 3, 2),
        "cspr_reviewer": "An independent reviewer",
        "cspr_commissioned_on": date(2020, 3, 10),
        "cspr_initiated_on": date(2020, 4, 1),
        "cspr_published_on": date(2020, 9, 20),
    }
    fields.update(overrides)
    return rules.PastSteps(**fields)


def _values() -> dict[str, Any]:
    return referral_values(incident_date=date(2020, 1, 8), la_aware_on=date(2020, 1, 10))


def _record(p: Partnership, reference: str = "OLD-1", **steps: Any) -> tuple[Incident, bool]:
    return past_case_record(
        actor=p.bu_officer,
        sender_reference=reference,
        referring_organisation=p.police,
        values=_values(),
        children=[child(date_of_birth=date(2019, 6, 1))],
        steps=_steps(**steps),
        agencies=[p.police, p.la],
        now=NOW,
    )


def test_a_past_case_keeps_its_real_dates_at_every_step() -> None:
    p = partnership()
    incident, created = _record(p)
    assert created and incident.recorded_afterwards
    assert incident.reference.startswith("SCSI-2020-")
    assert incident.status == Status.ACTIONS
    assert incident.submitted_at is not None and incident.submitted_at.date() == date(2020, 1, 10)
    assert incident.decided_at is not None and incident.decided_at.year == 2020
    review = RapidReview.objects.get(incident=incident)
    assert review.submitted_on == date(2020, 2, 5) and review.panel_response == "local_cspr"
    cspr = Cspr.objects.get(incident=incident)
    assert cspr.published_on == date(2020, 9, 20)
    assert cspr.publication_due_on == date(2020, 10, 1)
    clocks = {d.kind: d for d in Deadline.objects.filter(subject_id=str(incident.pk))}
    assert set(clocks) == {"la_decision", "rapid_review", "cspr_publication"}
    assert all(c.met_at is not None and c.met_at.year == 2020 for c in clocks.values())
    # Decision on day 3, Rapid Review within 15 working days, CSPR within 6 months: all on time.
    assert all(c.met_at <= c.due_at for c in clocks.values())
    assert AuditEvent.objects.filter(
        record_type="reviews.incident", record_id=str(incident.pk), detail__contains="afterwards"
    ).exists()


def test_a_past_case_is_counted_in_the_year_it_happened_not_when_typed_in() -> None:
    p = partnership()
    _record(p)
    then = oversight_between(date(2019, 9, 1), date(2020, 3, 31))
    now = oversight_between(date(2026, 1, 1), date(2026, 12, 31))
    assert (then.referrals, then.notifications, then.rapid_reviews) == (1, 1, 1)
    assert (now.referrals, now.notifications) == (0, 0)


def test_recording_the_same_reference_again_records_nothing_new() -> None:
    p = partnership()
    first, _ = _record(p)
    again, created = _record(p)
    assert again.pk == first.pk and not created
    assert Incident.objects.count() == 1


def test_no_one_is_emailed_and_no_reminder_is_due_for_clocks_long_closed() -> None:
    p = partnership()
    before = OutboxMessage.objects.count()
    _record(p)
    assert OutboxMessage.objects.count() == before
    assert reminders_due(now=NOW) == []


def test_dates_out_of_the_process_order_are_refused() -> None:
    p = partnership()
    with pytest.raises(ValidationError) as refused:
        _record(p, rapid_review_submitted_on=date(2020, 1, 2))
    assert "rapid_review_submitted_on" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        _record(p, decision="do_not_notify")
    assert "panel_notified_on" in refused.value.message_dict
    assert Incident.objects.count() == 0


def test_only_the_business_unit_records_past_cases() -> None:
    from django.core.exceptions import PermissionDenied

    p = partnership()
    with pytest.raises(PermissionDenied):
        past_case_record(
            actor=p.police_lead,
            sender_reference="X",
            referring_organisation=p.police,
            values=_values(),
            children=[child()],
            steps=_steps(),
            now=NOW,
        )


def test_the_business_unit_records_a_past_case_on_its_page() -> None:
    p = partnership()
    client = signed_in(p.bu_officer)
    form = {
        "sender_reference": "OLD-9",
        "referring_organisation": p.police.pk,
        "child_1-full_name": "Ava Testchild",
        "child_1-date_of_birth": "01/06/2019",
        "child_1-gender": "female",
        "incident_date": "08/01/2020",
        "la_aware_on": "10/01/2020",
        "summary": "What happened.",
        "harm": "serious_harm",
        "abuse_or_neglect": "suspected",
        "referrer_view": "meets",
        "referrer_reasons": "Reasons.",
        "decision": "do_not_notify",
        "decided_on": "16/01/2020",
        "rationale": "Did not meet the criteria.",
    }
    response = client.post(reverse("reviews:past_case"), form)
    incident = Incident.objects.get()
    assert response.status_code == 302, response.content.decode()[:2000]
    assert incident.status == Status.NOT_NOTIFIED and incident.recorded_afterwards
    assert incident.reference.startswith("SCSI-2020-")
    page = client.get(reverse("reviews:case", args=[incident.pk])).content.decode()
    assert "recorded afterwards" in page and not re.search(r">\s*None\s*<", page)
    assert "decided on 16 January 2020" in page
    assert client.get(reverse("reviews:past_case")).status_code == 200
    assert signed_in(p.police_lead).get(reverse("reviews:past_case")).status_code == 403


def test_the_api_records_a_past_case_once(client: Client) -> None:
    p = partnership()
    admin = factories.person("business_unit_admin")
    _, full = apikey_create(
        actor=admin, organisation=p.bu_officer.organisation, name="S", scopes=["reviews:manage"]
    )
    body = {
        "sender_reference": "LEGACY-12",
        "referring_organisation_id": p.police.pk,
        **{k: (v.isoformat() if isinstance(v, date) else v) for k, v in _values().items()},
        "children": [
            {"full_name": "Ava Testchild", "date_of_birth": "2019-06-01", "gender": "female"}
        ],
        "decision": "notify",
        "decided_on": "2020-01-15",
        "rationale": "Meets the criteria.",
        "panel_notified_on": "2020-01-15",
        "rapid_review_submitted_on": "2020-02-05",
        "cspr_recommended": False,
    }
    headers = {"HTTP_AUTHORIZATION": f"Bearer {full}"}
    url = "/api/v1/reviews/past-cases"
    first = client.post(url, json.dumps(body), content_type="application/json", **headers)
    assert first.status_code == 201, first.content
    assert first.json()["reference"].startswith("SCSI-2020-")
    assert first.json()["recorded_afterwards"] is True
    assert first.json()["status"] == "rapid_review_submitted"
    again = client.post(url, json.dumps(body), content_type="application/json", **headers)
    assert again.status_code == 200 and again.json()["reference"] == first.json()["reference"]
    assert Incident.objects.count() == 1


def test_an_ordinary_referral_takes_the_year_the_la_became_aware() -> None:
    from safeguard.reviews.services.referrals import referral_receive

    p = partnership()
    incident, _ = referral_receive(
        organisation=p.police,
        sender_reference="R1",
        values=_values(),
        children=[child(date_of_birth=date(2019, 6, 1))],
        now=NOW,
    )
    assert incident.reference.startswith("SCSI-2020-")
