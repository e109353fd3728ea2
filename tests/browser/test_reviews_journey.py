"""One serious incident walked from referral to published CSPR and completed actions, in a real
browser, by the people who do each step in the demo partnership; the CSPR's final report sent to
the Panel and the Secretary of State 7 working days before publication; and a past case recorded
with dates years ago, which queues no e-mail."""

from __future__ import annotations

import re
import time
from datetime import date, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguard.core import holidays
from safeguard.core.clock import LONDON, london_date
from safeguard.core.models import Deadline, OutboxMessage, Person
from safeguard.reviews import rules
from safeguard.reviews.models import Incident
from safeguard.reviews.selectors.oversight import oversight_between
from tests.browser.harness import assert_accessible, current_code, open_from_menu, sign_in

REPORT = b"%PDF-1.4\n% A fictional CSPR final report for the browser journey\n%%EOF\n"


def _person(email_start: str) -> Person:
    return Person.objects.get(email__startswith=email_start, is_demo=True)


def _lead_of(kind: str) -> Person:
    return Person.objects.get(
        is_demo=True,
        role_assignments__role="statutory_partner_lead",
        organisation__kind=kind,
    )


def _fresh_code(person: Person) -> str:
    """A code newer than the one used to sign in: a TOTP code works once."""
    device = TOTPDevice.objects.get(user=person, confirmed=True)
    while int(time.time()) // device.step <= device.last_t:
        time.sleep(1)
        device.refresh_from_db()
    return current_code(person)


def _submit(page: Any, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def test_a_case_from_referral_to_published_cspr_and_completed_actions(
    browser: Any, live_server: Any, demo_partnership: Any
) -> None:
    contexts: list[Any] = []
    pages: dict[int, Any] = {}

    def as_(person: Person) -> Any:
        """Each person signs in once, in their own browser context (a code works once)."""
        if person.pk not in pages:
            context = browser.new_context(bypass_csp=True, base_url=live_server.url)
            context.set_default_timeout(15_000)
            contexts.append(context)
            pages[person.pk] = sign_in(context.new_page(), person)
        return pages[person.pk]

    today = london_date(timezone.now())
    on = today.strftime("%d/%m/%Y")
    # The case's meeting was held earlier today (at midnight when the test runs before two).
    two_hours_ago = timezone.localtime(timezone.now() - timedelta(hours=2), LONDON)
    started = two_hours_ago.strftime("%H:%M") if two_hours_ago.date() == today else "00:00"
    aware = (today - timedelta(days=3)).strftime("%d/%m/%Y")
    later = (today + timedelta(days=30)).strftime("%d/%m/%Y")
    practitioner = _person("practitioner@")
    officer = _person("officer@")
    decider = _person("decision@")
    police, health, council = _lead_of("police"), _lead_of("icb"), _lead_of("local_authority")

    try:
        # 1. A practitioner refers.
        page = as_(practitioner)
        open_from_menu(page, "Serious incidents")
        page.get_by_role("button", name="Refer a serious incident").click()
        page.fill("#id_child_1-full_name", "Rowan Example")
        page.fill("#id_child_1-date_of_birth", "01/02/2025")
        page.select_option("#id_child_1-gender", "male")
        page.fill("#id_incident_date", aware)
        page.fill("#id_la_aware_on", aware)
        page.get_by_label("What happened").fill("Infant with unexplained bruising.")
        page.get_by_label("The child has been seriously harmed").check()
        page.get_by_label("Suspected", exact=True).check()
        page.get_by_label("Meets the criteria", exact=True).check()
        page.get_by_label("Reasons for your view").fill("Non-mobile infant with bruising.")
        assert_accessible(page)
        _submit(page, "Submit referral")
        incident = Incident.objects.latest("pk")  # the demo has its own cases too
        case_url = reverse("reviews:case", kwargs={"pk": incident.pk})
        assert page.url.endswith(case_url)
        assert "Rowan Example" in page.content()

        # 2. The police RAG member adds information and a view.
        page = as_(police)
        page.goto(case_url)
        page.get_by_role("button", name="Add information and a view").click()
        page.get_by_label("Information your agency holds").fill("One previous call-out.")
        page.get_by_label("Professional opinion").fill("Meets the criteria.")
        _submit(page, "Add contribution")

        # 3. The Business Unit records the extraordinary RAG meeting.
        bu = as_(officer)
        bu.goto(case_url)
        bu.get_by_role("button", name="Record a meeting").click()
        bu.get_by_label("Extraordinary RAG meeting").check()
        bu.fill("#id_held_on", on)
        bu.get_by_label("Start time").fill(started)
        bu.get_by_label("Minutes").fill("All partners agree the criteria are met.")
        _submit(bu, "Save meeting")
        # The meeting is the RAG's in governance (ADR 0025): attendance by organisation there.
        bu.get_by_role("link", name=re.compile("The meeting's page")).click()
        assert f"Case {incident.reference}: Extraordinary RAG meeting" in bu.content()
        bu.get_by_role("link", name="Record attendance").click()
        selects = bu.locator("select")
        for index in range(selects.count()):
            selects.nth(index).select_option(label="Present")
        _submit(bu, "Save attendance")
        assert "Attendance recorded." in bu.content()
        bu.goto(case_url)
        assert f"{police.organisation.name}: present" in bu.content()

        # 4. The LA decision maker notifies (a sensitive page: a recent second factor).
        page = as_(decider)
        page.goto(case_url)
        assert_accessible(page)
        page.get_by_role("button", name="Record the LA's decision").click()
        if "Confirm it is you" in page.content():  # only when the sign-in was not recent
            page.fill("input[name=code]", _fresh_code(decider))
            _submit(page, "Continue")
        page.get_by_label("Notify the Panel").check()
        page.get_by_label("Rationale").fill("Meets the SCSI criteria; partners agree.")
        page.fill("#id_panel_notified_on", on)
        page.get_by_label("Panel's reference").fill("CSPRP-BROWSER")
        # Working Together 2023: looked after? in a regulated setting? (both no here)
        page.check("input[name=looked_after][value=no]")
        page.check("input[name=regulated_setting][value=no]")
        _submit(page, "Record decision")
        assert "Meets the SCSI criteria; partners agree." in page.content()

        # 5. The Rapid Review: agency information, findings, sign-off, Panel.
        review_url = reverse("reviews:rapid_review", kwargs={"pk": incident.pk})
        bu.goto(review_url)
        bu.get_by_role("button", name="Request agency information").click()
        bu.get_by_label("Agency").select_option(label=police.organisation.name)
        bu.fill("#id_due_on", later)
        _submit(bu, "Send request")
        page = as_(police)
        page.goto(review_url)
        page.get_by_role("link", name=police.organisation.name).click()
        page.get_by_label("Individual agency summary").fill("Summary of police contact.")
        page.get_by_label("Chronology").fill("Chronology of police contact.")
        _submit(page, "Save")
        bu.goto(review_url)
        assert_accessible(bu)
        bu.get_by_role("button", name="Record findings").click()
        assert_accessible(bu)
        bu.get_by_label("Immediate actions to keep children safe").fill("Siblings seen.")
        bu.get_by_label("Learning identified").fill("Professional curiosity.")
        bu.get_by_label("Yes", exact=True).check()
        bu.get_by_label(re.compile(r"^Regulation 11\(b\)")).check()
        bu.get_by_label("The child's lived experience").fill("Rarely seen outside the home.")
        bu.get_by_label("Race, ethnicity and culture").fill("No interpreter was offered.")
        bu.get_by_label("Rationale for the decision on a CSPR").fill("Wider learning likely.")
        _submit(bu, "Save findings")
        for lead in (police, health, council):
            page = as_(lead)
            page.goto(review_url)
            page.get_by_role("button", name="Sign off for your organisation").click()
            _submit(page, "Sign off")
        bu.goto(review_url)
        bu.get_by_role("button", name="Submit to the Panel").click()
        bu.fill("#id_submitted_on", on)
        _submit(bu, "Record submission")
        bu.get_by_role("button", name="Record the Panel's response").click()
        bu.get_by_label("Agrees a local CSPR should be carried out").check()
        bu.fill("#id_responded_on", on)
        _submit(bu, "Record response")
        assert "Agrees a local CSPR" in bu.content()

        # 6. The CSPR: commissioned and initiated (weeks ago, so that its report can have gone
        # to the Panel and the Secretary of State 7 working days before today), the final report
        # attached and sent (a clock on "What is due"), then published with its link.
        cspr_url = reverse("reviews:cspr", kwargs={"pk": incident.pk})
        bu.goto(cspr_url)
        bu.get_by_role("button", name="Commission the CSPR").click()
        bu.get_by_label("Reviewer").fill("Independent reviewer")
        bu.get_by_label("Terms of reference").fill("Practice in the year before the incident.")
        bu.fill("#id_commissioned_on", (today - timedelta(days=25)).strftime("%d/%m/%Y"))
        bu.fill("#id_initiated_on", (today - timedelta(days=24)).strftime("%d/%m/%Y"))
        _submit(bu, "Save")
        incident.refresh_from_db()
        due = incident.cspr.publication_due_on
        assert due is not None and f"{due.day} {due:%B %Y}" in bu.content()
        report_due = rules.report_due(due, holidays.calendar())
        assert f"{report_due:%A} {report_due.day} {report_due:%B %Y}" in bu.content()
        # The report falls due months ahead: after the demo's nearer clocks, on a later page.
        report_clock = f"CSPR report to the Panel and the Secretary of State: {incident.reference}"
        listed = []
        for number in range(1, 6):
            bu.goto(f"{reverse('core:deadlines')}?page={number}")
            listed.append(bu.content())
            if report_clock in listed[-1]:
                break
        assert report_clock in listed[-1]
        bu.goto(cspr_url)
        bu.get_by_role("button", name="Attach the final report").click()
        bu.set_input_files(
            "#id_report",
            {"name": "final-report.pdf", "mimeType": "application/pdf", "buffer": REPORT},
        )
        _submit(bu, "Attach")
        assert "final-report.pdf" in bu.content()
        bu.get_by_role("button", name=re.compile("^Record the report as sent")).click()
        sent_on = today - timedelta(days=16)
        bu.fill("#id_sent_on", sent_on.strftime("%d/%m/%Y"))
        _submit(bu, "Save")
        earliest = rules.earliest_publication(sent_on, holidays.calendar())
        assert earliest <= today
        assert f"{earliest:%A} {earliest.day} {earliest:%B %Y}" in bu.content()
        assert Deadline.objects.get(kind="cspr_report", subject_id=str(incident.pk)).met_at
        bu.get_by_role("button", name="Record publication").click()
        assert_accessible(bu)
        bu.check("input[name=decision][value=publish]")
        bu.fill("#id_published_on", (sent_on + timedelta(days=1)).strftime("%d/%m/%Y"))
        bu.get_by_label("Link to the published report").fill("https://example.org/cspr-r")
        _submit(bu, "Save")
        assert "at least 7 working days" in bu.content()  # too soon after sending
        bu.fill("#id_published_on", on)
        _submit(bu, "Save")
        assert "https://example.org/cspr-r" in bu.content()
        incident.refresh_from_db()
        assert incident.cspr.published_on == today

        # 7. Recommendations and actions; the owner completes theirs.
        actions_url = reverse("reviews:actions", kwargs={"pk": incident.pk})
        bu.goto(actions_url)
        bu.get_by_role("button", name="Add a recommendation").click()
        bu.get_by_label("Recommendation").fill("Strengthen professional curiosity.")
        _submit(bu, "Add")
        bu.get_by_role("link", name=re.compile("^Add an action")).click()
        bu.get_by_label("Action").fill("Brief health visitors.")
        bu.get_by_label("Owner organisation").select_option(label=health.organisation.name)
        bu.fill("#id_due_on", later)
        _submit(bu, "Add action")
        page = as_(health)
        page.goto(actions_url)
        page.get_by_role("link", name="Brief health visitors.").click()
        page.get_by_label("Completed").check()
        page.get_by_label("Evidence of completion").fill("Briefings held.")
        _submit(page, "Save")

        # 8. The learning sheet, published, as a page and a PDF.
        bu.goto(reverse("reviews:learning_sheet_edit", kwargs={"pk": incident.pk}))
        bu.get_by_label("Title").fill("Baby R")
        bu.get_by_label("What happened (anonymised)").fill("An infant was bruised.")
        bu.get_by_label("Learning", exact=True).fill("Be curious about explanations.")
        bu.get_by_label("Professional curiosity").check()
        _submit(bu, "Save and publish")
        assert_accessible(bu)
        pdf = bu.request.get(bu.url + ".pdf")
        assert pdf.ok and pdf.body().startswith(b"%PDF")

        # 9. The case closes; the oversight table and the notifications agree.
        bu.goto(actions_url)
        assert_accessible(bu)
        bu.get_by_role("button", name="Close the case").click()
        _submit(bu, "Close the case")
        incident.refresh_from_db()
        assert incident.status == "closed"
        page = as_(_person("chair@"))
        page.goto(reverse("reviews:oversight"))
        assert_accessible(page)
        # The table agrees with the cases: the demo's own cases and this one, counted afresh.
        today = london_date(timezone.now())
        expected = oversight_between(date(today.year - 3, 4, 1), today)
        assert expected.referrals >= 1 and expected.csprs_commissioned >= 1
        assert page.locator("[data-count=referrals]").inner_text() == str(expected.referrals)
        assert page.locator("[data-count=notifications]").inner_text() == str(
            expected.notifications
        )
        assert page.locator("[data-count=csprs]").inner_text() == str(expected.csprs_commissioned)
        assert page.locator("[data-count=agrees]").inner_text() == str(expected.panel_agrees)
        bu.goto(case_url)
        sent = bu.locator("#messages-sent").inner_text()
        for subject in ("New serious incident referral", "your view is invited", "LA decision"):
            assert subject in sent
        reasons = set(OutboxMessage.objects.values_list("reason", flat=True))
        assert {
            "reviews.referral_submitted",
            "reviews.contribution_invited",
            "reviews.decision_recorded",
            "reviews.agency_information_requested",
            "reviews.rapid_review_submitted",
            "reviews.cspr_commissioned",
            "governance.action_assigned",
        } <= reasons
        assert not any("Rowan" in m.body for m in OutboxMessage.objects.all())

        # 10. A past case, recorded with its dates of 2020: counted then, no e-mail queued.
        queued = OutboxMessage.objects.count()
        bu.goto(reverse("reviews:past_case"))
        assert_accessible(bu)
        bu.get_by_label("Your reference for this case").fill("OLD-BROWSER-1")
        bu.get_by_label("Organisation that referred the case").select_option(
            label=police.organisation.name
        )
        bu.fill("#id_child_1-full_name", "Ash Example")
        bu.fill("#id_child_1-date_of_birth", "01/06/2019")
        bu.select_option("#id_child_1-gender", "female")
        bu.fill("#id_incident_date", "08/01/2020")
        bu.fill("#id_la_aware_on", "10/01/2020")
        bu.get_by_label("What happened").fill("Infant with a fracture, explanation unclear.")
        bu.check("input[name=harm][value=serious_harm]")
        bu.check("input[name=abuse_or_neglect][value=suspected]")
        bu.check("input[name=referrer_view][value=meets]")
        bu.get_by_label("Reasons for your view").fill("Non-mobile infant.")
        bu.check("input[name=decision][value=notify]")
        bu.fill("#id_decided_on", "15/01/2020")
        bu.get_by_label("Rationale for the decision").fill("Meets the criteria.")
        bu.fill("#id_panel_notified_on", "15/01/2020")
        bu.fill("#id_rapid_review_submitted_on", "05/02/2020")
        bu.check("input[name=cspr_recommended][value=no]")
        bu.check("input[name=panel_response][value=no_review]")
        bu.fill("#id_panel_response_on", "02/03/2020")
        _submit(bu, "Record past case")
        problems = bu.locator(".govuk-error-summary")
        assert not problems.count(), problems.inner_text()
        past = Incident.objects.filter(
            recorded_afterwards=True, la_aware_on=date(2020, 1, 10)
        ).get()
        assert past.recorded_afterwards and past.reference.startswith("SCSI-2020-")
        assert past.status == "actions"
        assert past.reference in bu.content()
        # Its clocks closed on the real dates, years ago: nothing overdue, nothing e-mailed.
        clocks = Deadline.objects.filter(
            module="reviews", subject_type="reviews.incident", subject_id=str(past.pk)
        )
        assert clocks.count() == 2 and not clocks.filter(met_at__isnull=True).exists()
        assert OutboxMessage.objects.count() == queued
    finally:
        for context in contexts:
            context.close()
