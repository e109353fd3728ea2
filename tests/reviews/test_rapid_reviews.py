"""The Rapid Review: agency requests with their own clocks, findings, sign-off, the Panel."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safeguard.core.clock import end_of_day
from safeguard.core.models import Deadline, OutboxMessage
from safeguard.reviews.models import RapidReview
from safeguard.reviews.services import rapid_reviews as rr
from tests.reviews.helpers import (
    IN_THE_REVIEW,
    ON_DECISION_DAY,
    RAPID_REVIEW_DUE,
    notified_case,
    partnership,
)

pytestmark = pytest.mark.django_db


def _findings(p, incident, **overrides):
    fields = {
        "immediate_actions": "Sibling safety checked by children's social work.",
        "learning": "Professional curiosity about the explanation given.",
        "cspr_recommended": True,
        "regulation_11_criteria": ["recurrent_themes", "agencies_working_together"],
        "cspr_rationale": "Several agencies held pieces of the picture.",
    }
    fields.update(overrides)
    return rr.rapid_review_record(actor=p.bu_officer, incident=incident, **fields)


def test_an_agency_request_has_its_own_clock_owner_and_message() -> None:
    p = partnership()
    incident = notified_case(p)
    OutboxMessage.objects.all().delete()
    request = rr.agency_request_add(
        actor=p.bu_officer,
        incident=incident,
        organisation=p.police,
        due_on=date(2027, 1, 8),
        now=ON_DECISION_DAY,
    )
    clock = Deadline.objects.get(kind="agency_information", subject_id=str(request.pk))
    assert clock.owner_organisation == p.police
    assert clock.due_at == end_of_day(date(2027, 1, 8))
    message = OutboxMessage.objects.get()
    assert message.recipient == p.police_lead
    assert "Ava" not in message.body
    with pytest.raises(ValidationError):
        rr.agency_request_add(
            actor=p.bu_officer,
            incident=incident,
            organisation=p.police,
            due_on=date(2027, 1, 9),
            now=ON_DECISION_DAY,
        )


def test_the_agency_answers_for_itself_and_its_clock_is_met() -> None:
    p = partnership()
    incident = notified_case(p)
    request = rr.agency_request_add(
        actor=p.bu_officer,
        incident=incident,
        organisation=p.police,
        due_on=date(2027, 1, 8),
        now=ON_DECISION_DAY,
    )
    with pytest.raises(PermissionDenied):
        rr.agency_request_receive(
            actor=p.health_lead, request=request, summary="s", chronology="c", now=IN_THE_REVIEW
        )
    with pytest.raises(ValidationError) as error:
        rr.agency_request_receive(
            actor=p.police_lead, request=request, summary="", chronology="", now=IN_THE_REVIEW
        )
    assert set(error.value.message_dict) == {"summary", "chronology"}
    rr.agency_request_receive(
        actor=p.police_lead,
        request=request,
        summary="Two call-outs.",
        chronology="...",
        now=IN_THE_REVIEW,
    )
    clock = Deadline.objects.get(kind="agency_information")
    assert clock.met_at == IN_THE_REVIEW


def test_signed_off_by_the_three_partners_then_submitted_and_answered() -> None:
    p = partnership()
    incident = notified_case(p)
    with pytest.raises(ValidationError):  # no CSPR decision yet
        rr.rapid_review_sign_off(actor=p.police_lead, incident=incident)
    _findings(p, incident)
    rr.rapid_review_sign_off(actor=p.police_lead, incident=incident)
    rr.rapid_review_sign_off(actor=p.health_lead, incident=incident)
    with pytest.raises(ValidationError) as error:
        rr.rapid_review_submit(
            actor=p.bu_officer,
            incident=incident,
            submitted_on=date(2027, 1, 6),
            now=IN_THE_REVIEW,
        )
    assert "Anyshire Council" in error.value.message_dict["incident"][0]
    rr.rapid_review_sign_off(actor=p.decision_maker, incident=incident)
    with pytest.raises(PermissionDenied):
        rr.rapid_review_sign_off(actor=p.lead_outside_rag, incident=incident)
    review = rr.rapid_review_submit(
        actor=p.bu_officer, incident=incident, submitted_on=date(2027, 1, 6), now=IN_THE_REVIEW
    )
    incident.refresh_from_db()
    assert incident.status == "rapid_review_submitted"
    clock = Deadline.objects.get(kind="rapid_review")
    assert clock.due_at == end_of_day(RAPID_REVIEW_DUE) and clock.met_at == IN_THE_REVIEW
    rr.panel_response_record(
        actor=p.bu_officer,
        incident=incident,
        response="local_cspr",
        responded_on=date(2027, 1, 6),
        comments="Clear and focussed review.",
        now=IN_THE_REVIEW,
    )
    review.refresh_from_db()
    incident.refresh_from_db()
    assert review.panel_response == "local_cspr" and incident.status == "cspr"


def test_findings_need_criteria_and_rationale_for_a_cspr() -> None:
    p = partnership()
    incident = notified_case(p)
    with pytest.raises(ValidationError) as error:
        _findings(p, incident, regulation_11_criteria=[], cspr_rationale="")
    assert set(error.value.message_dict) == {"regulation_11_criteria", "cspr_rationale"}
    with pytest.raises(ValidationError):
        _findings(p, incident, regulation_11_criteria=["made_up"])
    assert RapidReview.objects.get().cspr_recommended is None


def test_no_cspr_leads_to_actions_and_learning() -> None:
    p = partnership()
    incident = notified_case(p)
    _findings(p, incident, cspr_recommended=False, regulation_11_criteria=[])
    for person in (p.police_lead, p.health_lead, p.la_lead):
        rr.rapid_review_sign_off(actor=person, incident=incident)
    rr.rapid_review_submit(
        actor=p.bu_officer, incident=incident, submitted_on=date(2027, 1, 6), now=IN_THE_REVIEW
    )
    with pytest.raises(ValidationError):
        rr.panel_response_record(
            actor=p.bu_officer,
            incident=incident,
            response="maybe",
            responded_on=date(2027, 1, 6),
            now=IN_THE_REVIEW,
        )
    rr.panel_response_record(
        actor=p.bu_officer,
        incident=incident,
        response="no_review",
        responded_on=date(2027, 1, 6),
        now=IN_THE_REVIEW,
    )
    incident.refresh_from_db()
    assert incident.status == "actions"


def test_requests_refused_before_a_notification() -> None:
    from tests.reviews.test_decisions import submitted

    p = partnership()
    incident = submitted(p)
    with pytest.raises(ValidationError):
        rr.agency_request_add(
            actor=p.bu_officer,
            incident=incident,
            organisation=p.police,
            due_on=date(2027, 1, 8),
            now=ON_DECISION_DAY,
        )


def _to_cspr(p):
    incident = notified_case(p)
    _findings(p, incident)
    for person in (p.police_lead, p.health_lead, p.la_lead):
        rr.rapid_review_sign_off(actor=person, incident=incident)
    rr.rapid_review_submit(
        actor=p.bu_officer, incident=incident, submitted_on=date(2027, 1, 6), now=IN_THE_REVIEW
    )
    rr.panel_response_record(
        actor=p.bu_officer,
        incident=incident,
        response="local_cspr",
        responded_on=date(2027, 1, 6),
        now=IN_THE_REVIEW,
    )
    incident.refresh_from_db()
    return incident


def test_a_cspr_is_due_six_calendar_months_after_initiation_and_published() -> None:
    from datetime import datetime

    from safeguard.core.clock import LONDON
    from safeguard.reviews.services.csprs import (
        cspr_publish,
        cspr_record,
        cspr_report_attach,
        cspr_report_sent,
    )

    p = partnership()
    incident = _to_cspr(p)
    later = datetime(2027, 2, 1, 12, 0, tzinfo=LONDON)
    with pytest.raises(ValidationError) as error:
        cspr_record(
            actor=p.bu_officer,
            incident=incident,
            reviewer="",
            terms_of_reference="",
            commissioned_on=date(2027, 1, 20),
            initiated_on=date(2027, 1, 19),
            now=later,
        )
    assert set(error.value.message_dict) == {"reviewer", "terms_of_reference", "initiated_on"}
    cspr = cspr_record(
        actor=p.bu_officer,
        incident=incident,
        reviewer="Independent reviewer",
        terms_of_reference="Multi-agency practice in the year before the incident.",
        commissioned_on=date(2027, 1, 20),
        initiated_on=date(2027, 1, 29),
        joint_with="Anyshire Safeguarding Adults Board",
        now=later,
    )
    assert cspr.publication_due_on == date(2027, 7, 29)
    clock = Deadline.objects.get(kind="cspr_publication")
    assert clock.due_at == end_of_day(date(2027, 7, 29))
    # The report clock: due the last day the report can go to the Panel and the Secretary of
    # State for publication by 29 July 2027 (7 working days before: 20 July, a Tuesday).
    report_clock = Deadline.objects.get(kind="cspr_report")
    assert report_clock.due_at == end_of_day(date(2027, 7, 20))
    published = datetime(2027, 7, 1, 12, 0, tzinfo=LONDON)
    with pytest.raises(ValidationError) as unsent:
        cspr_publish(
            actor=p.bu_officer,
            incident=incident,
            published_on=date(2027, 7, 1),
            link="https://example.org/r",
            now=published,
        )
    assert "decision" in unsent.value.message_dict
    cspr_report_attach(
        actor=p.bu_officer, incident=incident, name="final.pdf", content=b"%PDF-1.7 report"
    )
    # Sent on Sunday 20 June 2027: 7 working days later is Tuesday 29 June.
    cspr_report_sent(
        actor=p.bu_officer, incident=incident, sent_on=date(2027, 6, 20), now=published
    )
    report_clock.refresh_from_db()
    assert report_clock.met_at == end_of_day(date(2027, 6, 20))
    with pytest.raises(ValidationError) as early:
        cspr_publish(
            actor=p.bu_officer,
            incident=incident,
            published_on=date(2027, 6, 28),
            link="https://example.org/r",
            now=published,
        )
    assert "29 June 2027" in early.value.message_dict["published_on"][0]
    cspr_publish(
        actor=p.bu_officer,
        incident=incident,
        published_on=date(2027, 6, 29),
        link="https://example.org/r",
        now=published,
    )
    incident.refresh_from_db()
    assert incident.status == "actions"
    clock.refresh_from_db()
    assert clock.met_at == end_of_day(date(2027, 6, 29))


def test_a_cspr_only_follows_a_rapid_review_that_recommended_one() -> None:
    from safeguard.reviews.services.csprs import cspr_record

    p = partnership()
    incident = notified_case(p)
    with pytest.raises(ValidationError):
        cspr_record(
            actor=p.bu_officer,
            incident=incident,
            reviewer="R",
            terms_of_reference="T",
            commissioned_on=date(2026, 11, 1),
        )
