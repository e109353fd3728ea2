"""Issue 16 in a real browser, with axe-core checking WCAG 2.2 AA on every page:
- a concern raised by a school about children's social care, answered, escalated to the
  managers and resolved at stage 2;
- a Section 11 self-assessment returned by the police, challenged by the Business Unit and
  answered;
- the partnership's own grading scale written by the Business Unit, then a multi-agency case
  audit graded on it from the programme to findings to an action in the shared plan, its report
  in the scale's own labels;
- a secure setting's monthly return: its clock on "What is due" with no worker run, the return
  submitted, then counted by its scorecard measure onto the indicator's SPC (XmR) chart."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguard.assurance import rules
from safeguard.assurance.models import Challenge, Escalation, MonthlyReturn, SelfAssessment
from safeguard.assurance.services import secure
from safeguard.core import measures
from safeguard.core import worker as background
from safeguard.core.clock import london_date
from safeguard.core.models import Deadline
from safeguard.governance.models import Action
from safeguard.performance.models import Indicator
from tests import factories
from tests.assurance import helpers
from tests.browser.harness import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def _submit(page: Any, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


@pytest.fixture
def partnership(transactional_db: None) -> dict[str, Any]:
    unit = factories.organisation(kind="partnership", name="Westmere Business Unit")
    school = factories.organisation(kind="school", urn="914567", name="Elm Primary School")
    social_care = factories.organisation(
        kind="local_authority", name="Westmere Children's Services", statutory_partner=True
    )
    police = factories.organisation(kind="police", name="Westmere Police", statutory_partner=True)
    home = factories.organisation(kind="secure_setting", name="Westmere Secure Children's Home")
    people = {
        "admin": factories.person("business_unit_admin", organisation_obj=unit),
        "dsl": factories.person("school_dsl", organisation_obj=school),
        "social_worker": factories.person("practitioner", organisation_obj=social_care),
        "police_lead": factories.person("statutory_partner_lead", organisation_obj=police),
        "keeper": factories.person("practitioner", organisation_obj=home),
    }
    for someone in people.values():
        factories.totp_device(someone)
    child = helpers.pupil(school=school, forename="Maisie", surname="Brookfield")
    # The home's 23 months before last month, returned already: the scorecard has a history.
    last = rules.previous_month(rules.first_of_month(date.today()))
    month = last
    for n in range(23):
        month = rules.previous_month(month)
        secure.return_submit(
            actor=people["admin"],
            organisation=home,
            month=month,
            figures={"restraints_main_site": 5 + n % 3},
        )
    return {
        **people,
        "school": school,
        "social_care": social_care,
        "police": police,
        "home": home,
        "child": child,
    }


def test_assurance_journeys(browser: Any, live_server: Any, partnership: dict[str, Any]) -> None:
    w = partnership
    contexts: list[Any] = []

    def as_(someone: Any) -> Any:
        context = browser.new_context(bypass_csp=True, base_url=live_server.url)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return sign_in(context.new_page(), someone, password=factories.PASSWORD)

    try:
        # 1. Concerns Resolution: raised, answered, escalated, resolved at stage 2.
        dsl = as_(w["dsl"])
        dsl.goto(reverse("assurance:escalations"))
        assert_accessible(dsl)
        dsl.get_by_role("button", name="Raise a concern").click()
        dsl.get_by_label("Last name", exact=True).fill("Brookfield")
        _submit(dsl, "Search")
        assert_accessible(dsl)
        dsl.get_by_role("link", name="Choose Maisie Brookfield").click()
        dsl.get_by_label("Which agency made the decision you disagree with?").select_option(
            label="Westmere Children's Services"
        )
        dsl.get_by_label("What is the concern about?").select_option(value="threshold")
        dsl.get_by_label("The decision you disagree with", exact=True).fill("No further action")
        _submit(dsl, "Record the concern")
        assert dsl.locator(".govuk-error-summary").count() == 1
        assert_accessible(dsl)
        dsl.get_by_label("Why you disagree").fill("Two more incidents since the referral")
        _submit(dsl, "Record the concern")
        escalation = Escalation.objects.get()
        assert dsl.locator("h1").inner_text() == "Stage 1: practitioner to practitioner"
        assert_accessible(dsl)

        worker = as_(w["social_worker"])
        worker.goto(reverse("assurance:escalation", kwargs={"pk": escalation.pk}))
        worker.get_by_label("Your agency's answer").fill("Threshold not met after review")
        _submit(worker, "Record the answer")

        dsl.reload()
        dsl.get_by_label("No, escalate it to the next stage").check()
        dsl.get_by_label("How it was resolved, or why it is not").fill("Still worried")
        _submit(dsl, "Save the outcome")
        assert dsl.locator("h1").inner_text() == "Stage 2: managers"
        dsl.get_by_label("Yes, it is resolved at this stage").check()
        dsl.get_by_label("How it was resolved, or why it is not").fill("Strategy meeting agreed")
        _submit(dsl, "Save the outcome")
        escalation.refresh_from_db()
        assert (escalation.status, escalation.stage) == ("resolved", 2)
        assert_accessible(dsl)

        # 2. A Section 11 self-assessment returned, challenged and answered.
        admin = as_(w["admin"])
        for kind in rules.TEMPLATE_KINDS:
            admin.goto(reverse("assurance:template_new"))
            admin.get_by_label(rules.TEMPLATE_KINDS[kind]).check()
            admin.get_by_label("Title", exact=True).fill(f"Standards for {kind}")
            admin.get_by_label("Standards", exact=True).fill(
                "Leadership | A named lead\nSafe recruitment"
            )
            _submit(admin, "Save as a new version")
        assert_accessible(admin)
        admin.goto(reverse("assurance:round_new"))
        admin.get_by_label("Title", exact=True).fill("Safeguarding self-assessment 2026")
        admin.get_by_label("Year", exact=True).fill("2026")
        admin.get_by_label("Date returns are due").fill(
            (date.today() + timedelta(days=28)).strftime("%d/%m/%Y")
        )
        admin.get_by_label("The statutory partners and other agencies (Section 11)").check()
        _submit(admin, "Open the round")
        assert_accessible(admin)
        assessment = SelfAssessment.objects.get(organisation=w["police"])

        lead = as_(w["police_lead"])
        lead.goto(reverse("assurance:assessments"))
        assert_accessible(lead)
        lead.get_by_role("link", name="Safeguarding self-assessment 2026").click()
        assert_accessible(lead)
        standards = list(assessment.template.standards.all())
        for standard in standards:
            lead.locator(f"input[name=rag_{standard.pk}][value=amber]").check()
            lead.get_by_label(f"Evidence for standard {standard.number}").fill("Policy, audit")
        lead.get_by_label(rules.VOICE_OF_THE_CHILD).fill("A young people's panel")
        _submit(lead, "Return the self-assessment")
        assessment.refresh_from_db()
        assert assessment.status == "returned"

        admin.goto(reverse("assurance:assessment", kwargs={"pk": assessment.pk}))
        admin.get_by_label("Which standard do you challenge?").select_option(index=0)
        admin.get_by_label("Your challenge").fill("What did the audit find?")
        _submit(admin, "Send the challenge")
        assert_accessible(admin)
        lead.reload()
        lead.get_by_label("Your answer to the challenge on standard 1").fill("All staff trained")
        _submit(lead, "Send the answer")
        assert Challenge.objects.get().answered_at is not None
        assert_accessible(lead)

        # 3. The partnership's own grading scale, then a case audit on it from the programme to
        # findings to an action.
        admin.goto(reverse("assurance:scales"))
        assert "Ofsted grades, version 1" in admin.content()
        assert_accessible(admin)
        admin.get_by_role("button", name="Write a grading scale").click()
        admin.get_by_label("Name of the scale").fill("Practice scale")
        admin.get_by_label("Grades", exact=True).fill(
            "Strong | Changed things for the child\nAdequate | Kept the child safe\nWeak"
        )
        admin.get_by_label("The lowest grade that is good enough").fill("Weak")
        _submit(admin, "Save as a new version")
        assert (
            "a scale needs a grade that falls short"
            in admin.locator(".govuk-error-summary").inner_text()
        )
        assert_accessible(admin)
        admin.get_by_label("The lowest grade that is good enough").fill("Adequate")
        _submit(admin, "Save as a new version")
        assert "Adequate and above count as good enough" in admin.content()
        admin.goto(reverse("assurance:tool_new"))
        admin.get_by_label("Title", exact=True).fill("Plans audit tool")
        admin.get_by_label("Questions", exact=True).fill(
            "Was the plan clear?\nWas information shared?"
        )
        admin.get_by_label("Grading scale").select_option(
            label="Practice scale, version 1 (Strong, Adequate, Weak)"
        )
        assert_accessible(admin)
        _submit(admin, "Save as a new version")
        admin.goto(reverse("assurance:audit_new"))
        admin.get_by_label("Title", exact=True).fill("Child protection plans audit")
        admin.get_by_label("Theme", exact=True).select_option(value="child_protection")
        admin.get_by_label("How the cases are chosen").fill("Children on plans in the spring")
        admin.get_by_label("Audit tool").select_option(index=1)
        admin.get_by_label("Westmere Children's Services").check()
        admin.get_by_label("Westmere Police").check()
        _submit(admin, "Plan the audit")
        assert_accessible(admin)
        admin.get_by_label("Last name", exact=True).fill("Brookfield")
        _submit(admin, "Search")
        _submit(admin, "Add Maisie Brookfield")
        lead.goto(reverse("assurance:audits"))
        lead.get_by_role("link", name="Child protection plans audit").click()
        lead.get_by_role("link", name="Case 1").click()
        assert_accessible(lead)
        assert lead.get_by_label("Strong").count() == 2  # one per question, the scale's words
        lead.get_by_role("group", name="1. Was the plan clear?").get_by_label("Strong").check()
        lead.get_by_role("group", name="2. Was information shared?").get_by_label("Weak").check()
        _submit(lead, "Save your agency's answers")
        admin.reload()
        admin.get_by_label("Agreed grade for Case 1").select_option(label="Adequate")
        admin.get_by_label("Notes of the moderation").fill("Agreed at the PMSG")
        _submit(admin, "Record the moderation")
        admin.get_by_label("Grade", exact=True).select_option(label="Weak")
        admin.get_by_label("Theme", exact=True).select_option(value="information_sharing")
        admin.get_by_label("Finding", exact=True).fill("Minutes reach agencies late")
        _submit(admin, "Record the finding")
        assert_accessible(admin)
        admin.get_by_role("link", name="Add an action from this finding").click()
        admin.get_by_label("Action", exact=True).fill("Send minutes within 5 working days")
        admin.get_by_label("Due date").fill(
            (date.today() + timedelta(days=40)).strftime("%d/%m/%Y")
        )
        admin.get_by_label("Owner organisation").select_option(label="Westmere Children's Services")
        _submit(admin, "Add the action")
        assert Action.objects.filter(source_kind="assurance.case_audit").count() == 1
        admin.get_by_role("link", name="The audit's report").click()
        report = admin.content()
        assert "Brookfield" not in report and "Outstanding" not in report
        assert "1 of 1 cases were good enough after moderation" in report
        alt = admin.locator("img[alt^='Bar chart, Agreed grades']").get_attribute("alt") or ""
        assert "Strong: 0; Adequate: 1; Weak: 0" in alt
        assert_accessible(admin)

        # 4. A secure setting's monthly return: the worker's catch-up (at its start, and daily)
        # opens its clock on "What is due", the return meets it, and the figure reaches the
        # indicator's SPC chart.
        last = rules.previous_month(rules.first_of_month(london_date(timezone.now())))
        secure.open_last_month()
        keeper = as_(w["keeper"])
        keeper.goto(reverse("core:deadlines"))
        assert f"Secure setting's monthly return for {last:%B %Y}" in keeper.content().replace(
            "&#x27;", "'"
        )
        assert_accessible(keeper)
        keeper.goto(reverse("assurance:settings"))
        assert_accessible(keeper)
        keeper.get_by_role(
            "link", name="Submit the return for Westmere Secure Children's Home"
        ).click()
        keeper.get_by_label("Restraints at the main site").fill("seven")
        _submit(keeper, "Submit the return")
        assert keeper.locator(".govuk-error-summary").count() == 1
        assert_accessible(keeper)
        keeper.get_by_label("Restraints at the main site").fill("7")
        _submit(keeper, "Submit the return")
        found = MonthlyReturn.objects.get(month=last)
        assert found.restraints_main_site == 7
        clock = Deadline.objects.get(subject_id=secure.month_key(w["home"].pk, last))
        assert clock.met_at is not None
        measure = measures.get("assurance.restraints_main_site")
        assert measure is not None
        assert measure.count(found.month, rules.next_month(found.month)) == Decimal(7)
        assert_accessible(keeper)

        admin.goto(
            reverse("performance:measure_indicator_create", args=["assurance.restraints_main_site"])
        )
        admin.get_by_label("Owner organisation").select_option(label="Westmere Business Unit")
        assert_accessible(admin)
        _submit(admin, "Create the indicator and count it")
        assert background.run_queued_tasks(worker_id="journey", limit=1) == 1
        indicator = Indicator.objects.get(measure_key="assurance.restraints_main_site")
        assert indicator.observations.count() == 24
        admin.goto(reverse("performance:indicator_detail", args=[indicator.pk]))
        chart = admin.get_by_role("img", name="XmR chart of")
        assert chart.count() >= 1
        assert_accessible(admin)
    finally:
        for context in contexts:
            context.close()
