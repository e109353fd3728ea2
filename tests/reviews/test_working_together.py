"""Issue 10 point 4: the steps Working Together 2023 adds or changes.

The Panel's real outcomes; the CSPR's final report attached (a PDF, checked), sent to the Panel
and the Secretary of State at least 7 working days before publication (a clock), then published
with its link or not published with its reason; the rules at their edges.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from safeguard.core import holidays
from safeguard.core.clock import end_of_day, london_date
from safeguard.core.models import AuditEvent, Deadline
from safeguard.reviews import rules
from safeguard.reviews.models import Cspr, CsprReport, Incident, RapidReview
from safeguard.reviews.selectors.oversight import oversight_between
from safeguard.reviews.services import rapid_reviews as rr
from safeguard.reviews.services.past_cases import past_case_record
from tests.reviews.helpers import (
    IN_THE_REVIEW,
    Partnership,
    child,
    notified_case,
    partnership,
    referral_values,
    signed_in,
)

pytestmark = pytest.mark.django_db  # the working-day calendar reads the holidays table

PDF = b"%PDF-1.7\n% a fictional final report\n%%EOF\n"


# --- the rules -------------------------------------------------------------------------------


def test_publication_may_follow_seven_working_days_after_sending() -> None:
    calendar = holidays.calendar()
    # Sent Friday 18 December 2026: Christmas and Boxing Day (moved to Monday 28) do not count.
    assert rules.earliest_publication(date(2026, 12, 18), calendar) == date(2026, 12, 31)
    # For publication by Thursday 29 July 2027 the report goes by Tuesday 20 July.
    assert rules.report_due(date(2027, 7, 29), calendar) == date(2027, 7, 20)


@given(st.dates(min_value=date(2025, 1, 6), max_value=date(2027, 12, 1)))
def test_the_report_due_date_is_the_last_day_that_still_allows_publication(day: date) -> None:
    calendar = holidays.calendar()
    due = rules.report_due(day, calendar)
    assert rules.earliest_publication(due, calendar) <= day
    assert rules.earliest_publication(due + timedelta(days=1), calendar) > day


def _publication(**overrides: Any) -> dict[str, str]:
    fields: dict[str, Any] = {
        "decision": "publish",
        "published_on": date(2027, 6, 29),
        "link": "https://example.org/cspr",
        "reason": "",
        "sent_on": date(2027, 6, 20),
        "initiated_on": date(2027, 1, 29),
        "today": date(2027, 7, 1),
        "calendar": holidays.calendar(),
    }
    fields.update(overrides)
    return rules.publication_errors(**fields)


def test_publication_rules_at_their_edges() -> None:
    assert _publication() == {}
    assert "published_on" in _publication(published_on=date(2027, 6, 28))
    assert "decision" in _publication(sent_on=None)
    assert "link" in _publication(link="")
    assert "link" in _publication(link="javascript:alert(1)")
    assert "link" in _publication(link="http://example.org/not-secure")
    assert "published_on" in _publication(published_on=date(2027, 7, 2))
    assert "decision" in _publication(decision="maybe")
    assert _publication(decision="not_publish", reason="Proceedings continue.") == {}
    assert "reason" in _publication(decision="not_publish", reason="  ")


def test_the_final_report_must_be_a_pdf_by_its_bytes_and_its_name() -> None:
    assert rules.report_file_errors(name="r.pdf", size=len(PDF), head=PDF[:8]) == {}
    assert rules.report_file_errors(name="r.pdf", size=0, head=b"")
    assert rules.report_file_errors(name="r.exe", size=len(PDF), head=PDF[:8])
    assert rules.report_file_errors(name="r.pdf", size=10, head=b"MZ\x90\x00")
    big = rules.REPORT_MAX_BYTES + 1
    assert "20 MB" in rules.report_file_errors(name="r.pdf", size=big, head=PDF[:8])["report"]
    assert rules.safe_file_name('..\\..\\evil"; name=.pdf') == "evil-name-.pdf"
    assert rules.safe_file_name("") == "report.pdf"


def test_looked_after_or_regulated_settings_need_ofsted_and_the_secretary_of_state() -> None:
    base: dict[str, Any] = {
        "looked_after": False,
        "regulated_setting": False,
        "ofsted_notified_on": None,
        "secretary_of_state_notified_on": None,
        "aware_on": date(2026, 11, 2),
        "today": date(2026, 11, 10),
    }
    assert rules.notification_errors(**base) == {}
    needed = rules.notification_errors(**{**base, "regulated_setting": True})
    assert set(needed) == {"ofsted_notified_on", "secretary_of_state_notified_on"}
    early = rules.notification_errors(
        **{
            **base,
            "looked_after": True,
            "ofsted_notified_on": date(2026, 11, 1),
            "secretary_of_state_notified_on": date(2026, 11, 11),
        }
    )
    assert "before the LA became aware" in early["ofsted_notified_on"]
    assert "today or earlier" in early["secretary_of_state_notified_on"]
    unanswered = rules.notification_errors(**{**base, "looked_after": None})
    assert set(unanswered) == {"looked_after"}


def test_agreement_is_the_panels_outcome_against_the_recommendation() -> None:
    assert rules.panel_agrees(response="local_cspr", cspr_recommended=True) is True
    assert rules.panel_agrees(response="no_review", cspr_recommended=False) is True
    assert rules.panel_agrees(response="local_cspr", cspr_recommended=False) is False
    assert rules.panel_agrees(response="no_review", cspr_recommended=True) is False
    assert rules.panel_agrees(response="national_review", cspr_recommended=True) is None
    assert rules.status_after_panel_response("more_information") == "rapid_review_submitted"
    assert rules.status_after_panel_response("national_review") == "actions"


def test_the_criteria_quote_regulation_11() -> None:
    text = rules.REGULATION_11_CRITERIA
    assert text["improvements_needed"].startswith("Regulation 11(a)")
    assert text["panel_suggests_local"].startswith("Regulation 11(d)")


# --- the Panel's outcomes --------------------------------------------------------------------


def _submitted_review(p: Partnership, *, recommended: bool) -> Incident:
    incident = notified_case(p)
    rr.rapid_review_record(
        actor=p.bu_officer,
        incident=incident,
        immediate_actions="",
        learning="Curiosity about explanations.",
        cspr_recommended=recommended,
        regulation_11_criteria=["recurrent_themes"] if recommended else [],
        cspr_rationale="Reasons.",
        lived_experience="The child was often hungry at school.",
        race_ethnicity_culture="An interpreter was not offered to the mother.",
    )
    for lead in (p.police_lead, p.health_lead, p.la_lead):
        rr.rapid_review_sign_off(actor=lead, incident=incident)
    rr.rapid_review_submit(
        actor=p.bu_officer, incident=incident, submitted_on=date(2027, 1, 6), now=IN_THE_REVIEW
    )
    return incident


def test_more_information_keeps_the_review_with_the_panel_until_it_answers() -> None:
    p = partnership()
    incident = _submitted_review(p, recommended=False)
    review = RapidReview.objects.get(incident=incident)
    assert review.lived_experience.startswith("The child") and "interpreter" in (
        review.race_ethnicity_culture
    )
    rr.panel_response_record(
        actor=p.bu_officer,
        incident=incident,
        response="more_information",
        responded_on=date(2027, 1, 6),
        now=IN_THE_REVIEW,
    )
    incident.refresh_from_db()
    assert incident.status == "rapid_review_submitted"
    assert oversight_between(date(2026, 12, 1), date(2026, 12, 31)).panel_awaited == 1
    # The Panel then asks for a local review the partnership had not recommended (reg. 11(d)).
    rr.panel_response_record(
        actor=p.bu_officer,
        incident=incident,
        response="local_cspr",
        responded_on=date(2027, 1, 6),
        now=IN_THE_REVIEW,
    )
    incident.refresh_from_db()
    assert incident.status == "cspr"
    table = oversight_between(date(2026, 12, 1), date(2026, 12, 31))
    assert (table.panel_agrees, table.panel_disagrees, table.panel_awaited) == (0, 1, 0)
    changes = [
        e.changes["panel_response"]
        for e in AuditEvent.objects.filter(record_type="reviews.rapid_review")
        if "panel_response" in e.changes
    ]
    assert changes == [["", "more_information"], ["more_information", "local_cspr"]]


def test_a_national_review_moves_the_case_to_actions_and_is_counted() -> None:
    p = partnership()
    incident = _submitted_review(p, recommended=True)
    rr.panel_response_record(
        actor=p.bu_officer,
        incident=incident,
        response="national_review",
        responded_on=date(2027, 1, 6),
        now=IN_THE_REVIEW,
    )
    incident.refresh_from_db()
    assert incident.status == "actions"
    table = oversight_between(date(2026, 12, 1), date(2026, 12, 31))
    assert (table.panel_national_reviews, table.panel_agrees) == (1, 0)
    with pytest.raises(ValidationError):
        rr.panel_response_record(
            actor=p.bu_officer,
            incident=incident,
            response="agrees",
            responded_on=date(2027, 1, 6),
            now=IN_THE_REVIEW,
        )


# --- the CSPR's final report, by the pages ---------------------------------------------------


def _cspr_in_progress(p: Partnership) -> Incident:
    """A past case whose CSPR, initiated a year ago, is still being written."""
    now = timezone.now()
    today = london_date(now)
    aware = today - timedelta(days=420)
    incident, _ = past_case_record(
        actor=p.bu_officer,
        sender_reference="WT-1",
        referring_organisation=p.police,
        values=referral_values(incident_date=aware, la_aware_on=aware),
        children=[child(date_of_birth=aware - timedelta(days=2000))],
        steps=rules.PastSteps(
            decision="notify",
            decided_on=aware + timedelta(days=2),
            rationale="Meets.",
            panel_notified_on=aware + timedelta(days=2),
            rapid_review_submitted_on=aware + timedelta(days=20),
            cspr_recommended=True,
            panel_response="local_cspr",
            panel_response_on=aware + timedelta(days=30),
            cspr_reviewer="An independent reviewer",
            cspr_commissioned_on=aware + timedelta(days=40),
            cspr_initiated_on=aware + timedelta(days=50),
        ),
        agencies=[p.police, p.la],
        now=now,
    )
    assert incident.status == "cspr"
    return incident


def _day(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def test_the_final_report_is_attached_sent_and_published_with_its_link() -> None:
    p = partnership()
    incident = _cspr_in_progress(p)
    bu = signed_in(p.bu_officer)
    url = reverse("reviews:cspr", kwargs={"pk": incident.pk})
    report_clock = Deadline.objects.get(kind="cspr_report")
    cspr = Cspr.objects.get(incident=incident)
    assert cspr.publication_due_on is not None
    due = rules.report_due(cspr.publication_due_on, holidays.calendar())
    assert report_clock.due_at == end_of_day(due) and report_clock.met_at is None
    assert "Not yet attached" in bu.get(url).content.decode()

    # Sending before attaching is refused; a file that is not a PDF is refused by its bytes.
    sent_url = reverse("reviews:cspr_report_sent", kwargs={"pk": incident.pk})
    today = london_date(timezone.now())
    sent_on = today - timedelta(days=21)
    refused = bu.post(sent_url, {"sent_on": _day(sent_on)})
    assert "Attach the final report first" in refused.content.decode()
    attach = reverse("reviews:cspr_report", kwargs={"pk": incident.pk})
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00not a pdf", "application/pdf")
    assert "must be a PDF" in bu.post(attach, {"report": fake}).content.decode()
    assert not CsprReport.objects.exists()
    good = SimpleUploadedFile("Final report (v3).pdf", PDF, "application/pdf")
    assert bu.post(attach, {"report": good}).status_code == 302
    report = CsprReport.objects.get()
    assert report.file_name == "Final-report-v3-.pdf" and report.size == len(PDF)
    download = bu.get(reverse("reviews:cspr_report_download", kwargs={"pk": incident.pk}))
    assert download.content == PDF and download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "no-store" in download["Cache-Control"]
    # A school's practitioner, who cannot read the case, cannot read its report.
    school = signed_in(p.school_dsl)
    assert (
        school.get(reverse("reviews:cspr_report_download", kwargs={"pk": incident.pk})).status_code
        == 404
    )

    assert bu.post(sent_url, {"sent_on": _day(sent_on)}).status_code == 302
    report_clock.refresh_from_db()
    assert report_clock.met_at == end_of_day(sent_on)
    earliest = rules.earliest_publication(sent_on, holidays.calendar())
    page = bu.get(url).content.decode()
    assert f"{earliest:%A} {earliest.day} {earliest:%B %Y}" in page
    # The report can no longer be replaced once sent.
    again = SimpleUploadedFile("other.pdf", PDF, "application/pdf")
    assert "can no longer be replaced" in bu.post(attach, {"report": again}).content.decode()

    publish = reverse("reviews:cspr_publish", kwargs={"pk": incident.pk})
    too_early = bu.post(
        publish,
        {
            "decision": "publish",
            "published_on": _day(sent_on + timedelta(days=1)),
            "link": "https://example.org/cspr",
        },
    )
    assert "at least 7 working days" in too_early.content.decode()
    no_link = bu.post(publish, {"decision": "publish", "published_on": _day(today)})
    assert "Enter the link to the published report" in no_link.content.decode()
    done = bu.post(
        publish,
        {"decision": "publish", "published_on": _day(today), "link": "https://example.org/cspr"},
    )
    assert done.status_code == 302
    incident.refresh_from_db()
    cspr.refresh_from_db()
    assert incident.status == "actions" and cspr.published_link == "https://example.org/cspr"
    assert Deadline.objects.get(kind="cspr_publication").met_at is not None
    assert "https://example.org/cspr" in bu.get(url).content.decode()


def test_a_decision_not_to_publish_records_its_reason() -> None:
    from safeguard.reviews.services.csprs import cspr_report_attach, cspr_report_sent

    p = partnership()
    incident = _cspr_in_progress(p)
    cspr_report_attach(actor=p.bu_officer, incident=incident, name="r.pdf", content=PDF)
    cspr_report_sent(actor=p.bu_officer, incident=incident, sent_on=london_date(timezone.now()))
    bu = signed_in(p.bu_officer)
    publish = reverse("reviews:cspr_publish", kwargs={"pk": incident.pk})
    blank = bu.post(publish, {"decision": "not_publish", "reason": ""})
    assert "Give the reason the report is not published" in blank.content.decode()
    reason = "Publication would identify a surviving sibling."
    assert bu.post(publish, {"decision": "not_publish", "reason": reason}).status_code == 302
    cspr = Cspr.objects.get(incident=incident)
    assert cspr.publication_decision == "not_publish" and cspr.published_on is None
    page = bu.get(reverse("reviews:cspr", kwargs={"pk": incident.pk})).content.decode()
    assert "Not published" in page and reason in page
    # The audit row records that a reason was given, never its words.
    event = AuditEvent.objects.filter(record_type="reviews.cspr").last()
    assert event is not None and reason not in str(event.changes)
