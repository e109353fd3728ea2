"""The pages: referral through the form, who sees a case, the LA decision, contributions."""

from __future__ import annotations

import time
from datetime import date

import pytest
from django.urls import reverse

from safeguard.core.http import STEP_UP_SESSION_KEY
from safeguard.core.models import AuditEvent, Membership, OutboxMessage
from safeguard.reviews.models import Contribution, Incident, Meeting
from safeguard.reviews.services.referrals import referral_save_draft, referral_submit
from tests.reviews.helpers import child, partnership, referral_values

pytestmark = pytest.mark.django_db

TODAY = date.today()


def _form(**overrides):
    data = {
        "incident_date": "01/11/2026",
        "la_aware_on": "02/11/2026",
        "summary": "Child found with a head injury; account inconsistent.",
        "harm": "serious_harm",
        "abuse_or_neglect": "suspected",
        "referrer_view": "meets",
        "referrer_reasons": "Injury and account do not match.",
        "child_1-full_name": "Ava Testchild",
        "child_1-date_of_birth": "01/05/2026",
        "child_1-gender": "female",
        "child_1-ethnicity": "White British",
        "child_1-address": "1 Example Street",
        "child_1-identifiers": "",
        "action": "submit",
    }
    data.update(overrides)
    return data


def _submitted(p, referrer=None):
    values = referral_values(incident_date=date(2026, 11, 1), la_aware_on=date(2026, 11, 2))
    draft = referral_save_draft(actor=referrer or p.practitioner, values=values, children=[child()])
    return referral_submit(actor=referrer or p.practitioner, incident=draft)


def test_a_practitioner_refers_through_the_form(client_for) -> None:
    p = partnership()
    client = client_for(p.practitioner)
    response = client.post(reverse("reviews:refer"), _form(agencies_involved=[p.police.pk]))
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:case", kwargs={"pk": incident.pk})
    assert incident.status == "awaiting_decision"
    assert list(incident.agencies_involved.all()) == [p.police]
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert b"Ava Testchild" in page.content
    assert b"Monday 9 November 2026" in page.content  # 5 working days from Mon 2 Nov
    assert OutboxMessage.objects.filter(recipient=p.chair).exists()


def test_save_a_draft_then_come_back_to_it(client_for) -> None:
    p = partnership()
    client = client_for(p.practitioner)
    response = client.post(reverse("reviews:refer"), {"summary": "Started", "action": "save"})
    incident = Incident.objects.get()
    assert response["Location"] == reverse("reviews:draft", kwargs={"pk": incident.pk})
    page = client.get(response["Location"])
    assert b"Started" in page.content
    assert incident.status == "draft" and not OutboxMessage.objects.exists()
    # Another practitioner cannot open it, nor can the Business Unit.
    assert client_for(p.other_practitioner).get(response["Location"]).status_code == 404
    assert client_for(p.bu_officer).get(response["Location"]).status_code == 404


def test_missing_fields_are_named_and_nothing_is_saved(client_for) -> None:
    p = partnership()
    client = client_for(p.practitioner)
    response = client.post(
        reverse("reviews:refer"), _form(summary="", harm="", **{"child_1-gender": ""})
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert "Describe what happened" in content
    assert "Say whether the child died or was seriously harmed" in content
    assert "Choose child 1&#x27;s gender" in content
    assert 'href="#id_summary"' in content and 'href="#id_child_1-gender"' in content
    assert not Incident.objects.exists()


def test_a_future_awareness_date_is_refused(client_for) -> None:
    p = partnership()
    future = date(TODAY.year + 1, 1, 1).strftime("%d/%m/%Y")
    response = client_for(p.practitioner).post(
        reverse("reviews:refer"), _form(la_aware_on=future, action="save")
    )
    assert "must be today or in the past" in response.content.decode()
    assert not Incident.objects.exists()


def test_a_nonsense_date_is_refused_with_the_field_named(client_for) -> None:
    p = partnership()
    response = client_for(p.practitioner).post(
        reverse("reviews:refer"), _form(incident_date="31/02/2026")
    )
    assert "Date of the incident must be a real date" in response.content.decode()
    assert not Incident.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("chair", 200),
        ("bu_officer", 200),
        ("decision_maker", 200),
        ("police_lead", 200),
        ("practitioner", 200),  # the referrer
        ("lead_outside_rag", 404),
        ("other_practitioner", 404),
        ("school_dsl", 404),
    ],
)
def test_who_sees_a_case(client_for, who, status) -> None:
    p = partnership()
    incident = _submitted(p)
    person = getattr(p, who)
    response = client_for(person).get(reverse("reviews:case", kwargs={"pk": incident.pk}))
    assert response.status_code == status
    viewed = AuditEvent.objects.filter(
        action="view",
        record_type="reviews.incident",
        record_id=str(incident.pk),
        actor_id=person.pk,
    )
    assert viewed.exists() is (status == 200)
    if status == 404:
        assert b"Ava Testchild" not in response.content


def test_a_lead_of_a_non_statutory_organisation_in_the_rag_sees_no_case(client_for) -> None:
    from tests import factories

    p = partnership()
    lead = factories.person("statutory_partner_lead", organisation_obj=p.school)
    Membership.objects.create(group=p.rag, person=lead)
    incident = _submitted(p)
    url = reverse("reviews:case", kwargs={"pk": incident.pk})
    assert client_for(lead).get(url).status_code == 404


def test_the_case_list_shows_each_person_what_they_may_see(client_for) -> None:
    p = partnership()
    mine = _submitted(p)
    theirs = _submitted(p, referrer=p.other_practitioner)
    own = client_for(p.practitioner).get(reverse("reviews:cases")).content.decode()
    assert mine.reference in own and theirs.reference not in own
    rag = client_for(p.health_lead).get(reverse("reviews:cases")).content.decode()
    assert mine.reference in rag and theirs.reference in rag
    outside = client_for(p.lead_outside_rag).get(reverse("reviews:cases")).content.decode()
    assert mine.reference not in outside


def _step_up(client) -> None:
    session = client.session
    session[STEP_UP_SESSION_KEY] = time.time()
    session.save()


def test_the_decision_asks_for_the_second_factor_again(client_for) -> None:
    p = partnership()
    incident = _submitted(p)
    client = client_for(p.decision_maker)
    url = reverse("reviews:decide", kwargs={"pk": incident.pk})
    response = client.get(url)
    assert response.status_code == 302 and "confirm" in response["Location"]


def test_the_decision_maker_notifies_through_the_page(client_for) -> None:
    p = partnership()
    incident = _submitted(p)
    client = client_for(p.decision_maker)
    _step_up(client)
    url = reverse("reviews:decide", kwargs={"pk": incident.pk})
    response = client.post(
        url,
        {
            "decision": "notify",
            "rationale": "Meets the criteria.",
            "panel_notified_on": "04/11/2026",
            "panel_reference": "P-77",
            "looked_after": "yes",
            "regulated_setting": "no",
        },
    )
    # A looked-after child: Ofsted and the Secretary of State must be told, with the dates.
    assert response.status_code == 200
    assert "Enter the date Ofsted was notified" in response.content.decode()
    assert "Enter the date the Secretary of State was notified" in response.content.decode()
    response = client.post(
        url,
        {
            "decision": "notify",
            "rationale": "Meets the criteria.",
            "panel_notified_on": "04/11/2026",
            "panel_reference": "P-77",
            "looked_after": "yes",
            "regulated_setting": "no",
            "ofsted_notified_on": "04/11/2026",
            "secretary_of_state_notified_on": "05/11/2026",
        },
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.status == "rapid_review" and incident.panel_reference == "P-77"
    assert incident.looked_after is True and incident.regulated_setting is False
    assert incident.ofsted_notified_on == date(2026, 11, 4)
    assert incident.secretary_of_state_notified_on == date(2026, 11, 5)
    page = client.get(reverse("reviews:case", kwargs={"pk": incident.pk})).content.decode()
    assert "Meets the criteria." in page and "P-77" in page
    assert "Secretary of State notified" in page and "5 November 2026" in page
    # The rationale is shared with every statutory partner's RAG member.
    shared = client_for(p.police_lead).get(reverse("reviews:case", kwargs={"pk": incident.pk}))
    assert b"Meets the criteria." in shared.content


def test_a_decision_without_rationale_is_refused_on_the_page(client_for) -> None:
    p = partnership()
    incident = _submitted(p)
    client = client_for(p.decision_maker)
    _step_up(client)
    response = client.post(
        reverse("reviews:decide", kwargs={"pk": incident.pk}),
        {"decision": "do_not_notify", "rationale": ""},
    )
    assert response.status_code == 200
    assert "Give the rationale for the decision" in response.content.decode()
    # The page asks both Working Together 2023 questions.
    assert "Say whether the child was looked after" in response.content.decode()
    assert "Say whether the child was in a regulated setting" in response.content.decode()
    incident.refresh_from_db()
    assert incident.decision == ""


def test_nobody_else_reaches_the_decision_page(client_for) -> None:
    p = partnership()
    incident = _submitted(p)
    url = reverse("reviews:decide", kwargs={"pk": incident.pk})
    for person in (p.bu_officer, p.chair, p.la_lead):
        client = client_for(person)
        _step_up(client)
        assert client.get(url).status_code == 403


def test_a_rag_member_adds_a_contribution_for_their_organisation(client_for) -> None:
    p = partnership()
    incident = _submitted(p)
    client = client_for(p.police_lead)
    response = client.post(
        reverse("reviews:contribute", kwargs={"pk": incident.pk}),
        {"information": "Two previous call-outs to the address.", "opinion": "Meets."},
    )
    assert response.status_code == 302
    contribution = Contribution.objects.get()
    assert contribution.organisation == p.police and contribution.author == p.police_lead
    outside = client_for(p.lead_outside_rag)
    url = reverse("reviews:contribute", kwargs={"pk": incident.pk})
    assert outside.post(url, {"information": "x"}).status_code == 404
    assert Contribution.objects.count() == 1


def test_the_business_unit_calls_a_meeting_and_attaches_a_contribution(client_for) -> None:
    p = partnership()
    incident = _submitted(p)
    OutboxMessage.objects.all().delete()
    client = client_for(p.bu_officer)
    response = client.post(
        reverse("reviews:meeting_add", kwargs={"pk": incident.pk}),
        {
            "kind": "extraordinary_rag",
            "held_on": "05/11/2026",
            "invited_professionals": "Health visitor",
            "minutes": "All partners agree the criteria are met.",
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert OutboxMessage.objects.filter(reason="reviews.meeting_called").count() >= 4
    response = client.post(
        reverse("reviews:contribute", kwargs={"pk": incident.pk}),
        {"organisation": p.icb.pk, "information": "GP records", "meeting": meeting.pk},
    )
    assert response.status_code == 302
    assert Contribution.objects.get().organisation == p.icb
    missing = client.post(reverse("reviews:meeting_add", kwargs={"pk": incident.pk}), {})
    assert "Choose the kind of meeting" in missing.content.decode()
    assert Meeting.objects.count() == 1


def test_the_minutes_are_recorded_after_the_meeting() -> None:
    from tests.reviews.helpers import signed_in

    p = partnership()
    incident = _submitted(p)
    bu = signed_in(p.bu_officer)
    bu.post(
        reverse("reviews:meeting_add", kwargs={"pk": incident.pk}),
        {"kind": "extraordinary_rag", "held_on": "05/11/2026"},
    )
    meeting = Meeting.objects.get()
    url = reverse("reviews:meeting_edit", kwargs={"pk": incident.pk, "meeting_pk": meeting.pk})
    bu.post(
        url,
        {
            "kind": "extraordinary_rag",
            "held_on": "05/11/2026",
            "minutes": "Partners agree the criteria are met.",
        },
    )
    meeting.refresh_from_db()
    assert meeting.minutes == "Partners agree the criteria are met."
    assert signed_in(p.police_lead).get(url).status_code == 403
