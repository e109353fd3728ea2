"""Multi-agency case audits: from the programme to findings to actions; each agency answers for
itself; a case names a child behind need to know and an audited read; the report names none."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from safeguard.assurance.models import CaseAnswer
from safeguard.assurance.services import audits as services
from safeguard.core.models.audit import AuditEvent
from safeguard.governance.models import Action
from tests import factories
from tests.assurance import helpers

pytestmark = pytest.mark.django_db

QUESTIONS = ["Was the plan clear to every agency?", "Was information shared in time?"]


@pytest.fixture
def world():
    unit = factories.organisation(kind="partnership", name="The partnership")
    la = factories.organisation(kind="local_authority", name="Children's services")
    police = factories.organisation(kind="police", name="Police")
    trust = factories.organisation(kind="health_trust", name="Trust")
    admin = factories.person("business_unit_admin", organisation_obj=unit)
    tool = services.tool_save(actor=admin, title="Plans audit tool", questions=QUESTIONS)
    audit = services.audit_plan(
        actor=admin,
        title="Child protection plans",
        theme="child_protection",
        year=2026,
        criteria="Ten children made subject to a plan in the autumn",
        tool=tool,
        agencies=[la, police],
    )
    child = helpers.pupil()
    return {
        "admin": admin,
        "la": la,
        "police": police,
        "audit": audit,
        "tool": tool,
        "child": child,
        "social_worker": factories.person("practitioner", organisation_obj=la),
        "officer": factories.person("subgroup_member", organisation_obj=police),
        "nurse": factories.person("practitioner", organisation_obj=trust),
        "chair": factories.person("independent_chair", organisation_obj=unit),
    }


def test_a_tool_is_versioned_by_title(world) -> None:
    again = services.tool_save(actor=world["admin"], title="Plans audit tool", questions=["One"])
    assert again.version == 2
    assert world["audit"].tool.version == 1
    with pytest.raises(PermissionDenied):
        services.tool_save(actor=world["officer"], title="x", questions=["y"])


def test_an_audit_needs_two_agencies_and_every_detail(world) -> None:
    with pytest.raises(ValidationError) as raised:
        services.audit_plan(
            actor=world["admin"],
            title="",
            theme="x",
            year=2026,
            criteria="",
            tool=None,
            agencies=[world["la"]],
        )
    assert set(raised.value.message_dict) == {"title", "theme", "criteria", "tool", "agencies"}


def test_from_the_sample_to_findings_to_actions(world) -> None:
    audit = world["audit"]
    case = services.case_add(actor=world["admin"], audit=audit, pupil=world["child"])
    assert case.number == 1
    with pytest.raises(ValidationError):
        services.case_add(actor=world["admin"], audit=audit, pupil=world["child"])
    answers = {1: ("good", "Clear plan"), 2: ("requires_improvement", "Late")}
    services.case_answer(actor=world["social_worker"], case=case, answers=answers)
    services.case_answer(
        actor=world["officer"], case=case, answers={1: ("good", ""), 2: ("good", "")}
    )
    with pytest.raises(PermissionDenied):
        services.case_answer(actor=world["nurse"], case=case, answers=answers)
    with pytest.raises(ValidationError):
        services.case_answer(actor=world["officer"], case=case, answers={1: ("great", "")})
    assert CaseAnswer.objects.filter(case=case).count() == 4
    with pytest.raises(ValidationError):
        services.finding_add(
            actor=world["admin"], audit=audit, grade="good", theme="child_protection", text="x"
        )
    services.audit_moderate(
        actor=world["admin"], audit=audit, notes="Agreed", agreed={case.pk: "good"}
    )
    with pytest.raises(PermissionDenied):
        services.case_answer(actor=world["officer"], case=case, answers=answers)
    finding = services.finding_add(
        actor=world["admin"],
        audit=audit,
        grade="requires_improvement",
        theme="information_sharing",
        text="Minutes reach agencies late",
    )
    audit.refresh_from_db()
    assert audit.status == "complete"
    action = services.finding_action_add(
        actor=world["admin"],
        finding=finding,
        title="Send minutes within 5 working days",
        owner=world["la"],
        due_on=date.today() + timedelta(days=50),
    )
    assert Action.objects.get(pk=action.pk).source_kind == "assurance.case_audit"


def test_a_case_opens_for_the_audits_agencies_only_and_each_read_is_audited(world, client) -> None:
    case = services.case_add(actor=world["admin"], audit=world["audit"], pupil=world["child"])
    url = reverse("assurance:audit_case", kwargs={"pk": case.pk})
    factories.signed_in(client, world["social_worker"])
    page = client.get(url)
    assert page.status_code == 200
    assert world["child"].surname in page.content.decode()
    assert AuditEvent.objects.filter(
        action="view", record_type="assurance.audit_case", record_id=str(case.pk)
    ).exists()
    body = {"grade_1": "good", "comment_1": "Clear"}
    bad = client.post(url, body)
    assert bad.status_code == 400
    assert "Choose a grade for question 2" in bad.content.decode()
    assert client.post(url, {**body, "grade_2": "inadequate"}).status_code == 302
    factories.signed_in(client, world["nurse"])
    assert client.get(url).status_code == 404
    assert AuditEvent.objects.filter(
        action="denied", record_type="assurance.audit_case", actor_id=world["nurse"].pk
    ).exists()


def test_the_report_names_no_child_and_draws_its_chart_with_a_table(world, client) -> None:
    audit = world["audit"]
    case = services.case_add(actor=world["admin"], audit=audit, pupil=world["child"])
    services.case_answer(
        actor=world["officer"], case=case, answers={1: ("good", ""), 2: ("inadequate", "")}
    )
    services.audit_moderate(
        actor=world["admin"], audit=audit, notes="Agreed", agreed={case.pk: "requires_improvement"}
    )
    services.questionnaire_answer(
        actor=world["social_worker"], audit=audit, confident=True, helped="", hindered=""
    )
    factories.signed_in(client, world["officer"])
    page = client.get(reverse("assurance:audit_report", kwargs={"pk": audit.pk})).content.decode()
    assert world["child"].surname not in page and world["child"].forename not in page
    assert "data:image/svg+xml;base64," in page
    assert "Requires improvement: 1" in page
    assert "1 of 1 practitioners were confident" in page


def test_the_programme_through_the_pages(world, client) -> None:
    factories.signed_in(client, world["admin"])
    response = client.post(
        reverse("assurance:audit_new"),
        {
            "title": "Neglect audit",
            "theme": "neglect",
            "year": "2026",
            "criteria": "Eight children on neglect plans",
            "tool": world["tool"].pk,
            "agencies": [world["la"].pk, world["police"].pk],
        },
    )
    assert response.status_code == 302
    audit_url = response["Location"]
    found = client.get(audit_url, {"surname": world["child"].surname})
    assert world["child"].surname in found.content.decode()
    assert client.post(audit_url, {"step": "case", "child": world["child"].pk}).status_code == 302
    factories.signed_in(client, world["officer"])
    programme = client.get(reverse("assurance:audits")).content.decode()
    assert "Neglect audit" in programme
    factories.signed_in(client, world["nurse"])
    assert "Neglect audit" not in client.get(reverse("assurance:audits")).content.decode()


def test_the_annual_report_counts_audits_cases_and_grades(world) -> None:
    from safeguard.core import report_tables
    from safeguard.core.report_tables import Year

    audit = world["audit"]
    case = services.case_add(actor=world["admin"], audit=audit, pupil=world["child"])
    services.audit_moderate(
        actor=world["admin"], audit=audit, notes="Agreed", agreed={case.pk: "good"}
    )
    [build] = [b for b in report_tables.builders("audits") if b.module == "assurance"]
    cases, findings = build.build([Year(date(2026, 4, 1), date(2027, 4, 1), "2026/27")])
    figures = {row[0].value: row[1] for row in cases.rows}
    assert figures["Audits in the programme"].value == 1
    assert figures["Audits in the programme"].link == "/assurance/audits"
    assert figures["Cases audited"].value == 1 and figures["Cases audited"].small_number
    assert figures["Cases graded good"].value == 1
    assert all(row[1].value == 0 for row in findings.rows)


# --- Grading scales -----------------------------------------------------------------------------

PRACTICE = "Strong | Changed things for the child\nAdequate | Kept the child safe\nWeak"


def _practice_scale(admin):
    from safeguard.assurance.services import scales

    return scales.scale_save(
        actor=admin, name="Practice scale", grades=PRACTICE, lowest_good_enough="Adequate"
    )


def test_ofsted_is_the_default_and_a_scale_is_refused_with_messages(world) -> None:
    from safeguard.assurance.services import scales

    assert world["tool"].scale.name == "Ofsted grades"
    assert world["tool"].scale.rule().keys == (
        "outstanding",
        "good",
        "requires_improvement",
        "inadequate",
    )
    with pytest.raises(ValidationError) as raised:
        scales.scale_save(actor=world["admin"], name=" ", grades="Good", lowest_good_enough="")
    assert raised.value.message_dict == {
        "name": ["Enter the scale's name"],
        "grades": ["Enter at least 2 grades, one a line, best first"],
    }
    with pytest.raises(ValidationError) as raised:
        scales.scale_save(
            actor=world["admin"], name="X", grades="Good\nPoor", lowest_good_enough="Poor"
        )
    assert "falls short" in raised.value.message_dict["lowest_good_enough"][0]
    with pytest.raises(PermissionDenied):
        _practice_scale(world["officer"])


def test_an_audit_on_the_partnerships_scale_uses_its_grades_and_keeps_its_version(
    world, client
) -> None:
    from safeguard.assurance.services import scales

    scale = _practice_scale(world["admin"])
    event = AuditEvent.objects.filter(record_type="assurance.grading_scale").get()
    assert event.changes["grades"] == ["strong", "adequate", "weak"]
    tool = services.tool_save(
        actor=world["admin"], title="Early help tool", questions=QUESTIONS, scale=scale
    )
    audit = services.audit_plan(
        actor=world["admin"],
        title="Early help audit",
        theme="child_in_need",
        year=2026,
        criteria="Five families stepped down to early help",
        tool=tool,
        agencies=[world["la"], world["police"]],
    )
    case = services.case_add(actor=world["admin"], audit=audit, pupil=world["child"])
    with pytest.raises(ValidationError):  # an Ofsted grade is not on this audit's scale
        services.case_answer(
            actor=world["officer"], case=case, answers={1: ("good", ""), 2: ("weak", "")}
        )
    services.case_answer(
        actor=world["officer"], case=case, answers={1: ("strong", ""), 2: ("weak", "")}
    )
    with pytest.raises(ValidationError):
        services.audit_moderate(
            actor=world["admin"], audit=audit, notes="Agreed", agreed={case.pk: "inadequate"}
        )
    services.audit_moderate(
        actor=world["admin"], audit=audit, notes="Agreed", agreed={case.pk: "adequate"}
    )
    with pytest.raises(ValidationError):
        services.finding_add(
            actor=world["admin"], audit=audit, grade="good", theme="neglect", text="x"
        )
    services.finding_add(
        actor=world["admin"], audit=audit, grade="weak", theme="neglect", text="Plans drift"
    )
    # A new version of the scale leaves the audit on the version it was planned with.
    again = scales.scale_save(
        actor=world["admin"],
        name="Practice scale",
        grades="Excellent\nStrong\nAdequate\nWeak",
        lowest_good_enough="Strong",
    )
    assert again.version == 2
    audit.refresh_from_db()
    assert audit.tool.scale == scale and services.scale_of(audit).good_enough == 2

    factories.signed_in(client, world["admin"])
    page = client.get(reverse("assurance:audit", kwargs={"pk": audit.pk})).content.decode()
    assert "Adequate" in page and "Weak" in page and "Requires improvement" not in page
    report = client.get(reverse("assurance:audit_report", kwargs={"pk": audit.pk}))
    body = report.content.decode()
    assert "Strong" in body and "Outstanding" not in body
    assert "1 of 1 cases were good enough after moderation" in body
    assert world["child"].surname not in body
    case_page = client.get(reverse("assurance:audit_case", kwargs={"pk": case.pk})).content
    for label in (b"Strong", b"Weak"):  # the officer's answers, in the scale's words
        assert b'<td class="govuk-table__cell">' + label + b"</td>" in case_page


def test_the_annual_report_uses_each_scales_own_labels(world) -> None:
    from safeguard.core import report_tables
    from safeguard.core.report_tables import Year

    scale = _practice_scale(world["admin"])
    tool = services.tool_save(actor=world["admin"], title="EH", questions=["Q"], scale=scale)
    audit = services.audit_plan(
        actor=world["admin"],
        title="Early help audit",
        theme="child_in_need",
        year=2026,
        criteria="Five families",
        tool=tool,
        agencies=[world["la"], world["police"]],
    )
    case = services.case_add(actor=world["admin"], audit=audit, pupil=world["child"])
    services.audit_moderate(
        actor=world["admin"], audit=audit, notes="Agreed", agreed={case.pk: "strong"}
    )
    other = services.case_add(actor=world["admin"], audit=world["audit"], pupil=helpers.pupil())
    services.audit_moderate(
        actor=world["admin"], audit=world["audit"], notes="Agreed", agreed={other.pk: "inadequate"}
    )
    [build] = [b for b in report_tables.builders("audits") if b.module == "assurance"]
    cases, findings = build.build([Year(date(2026, 4, 1), date(2027, 4, 1), "2026/27")])
    figures = {row[0].value: row[1].value for row in cases.rows}
    # Two scales in the year: each row names its scale.
    assert figures["Cases graded strong (Practice scale, version 1)"] == 1
    assert figures["Cases graded inadequate (Ofsted grades, version 1)"] == 1
    assert figures["Cases good enough on their audit's scale"] == 1
    assert "Findings: weak (Practice scale, version 1)" in {r[0].value for r in findings.rows}


def test_the_business_unit_writes_a_scale_on_its_page(world, client) -> None:
    factories.signed_in(client, world["admin"])
    listing = client.get(reverse("assurance:scales"))
    assert listing.status_code == 200 and "Ofsted grades, version 1" in listing.content.decode()
    url = reverse("assurance:scale_new")
    bad = client.post(
        url, {"name": "Practice scale", "grades": PRACTICE, "lowest_good_enough": "Fine"}
    )
    assert bad.status_code == 400
    assert "must be one of the grades above" in bad.content.decode()
    good = client.post(
        url, {"name": "Practice scale", "grades": PRACTICE, "lowest_good_enough": "Adequate"}
    )
    assert good.status_code == 302
    page = client.get(reverse("assurance:scales")).content.decode()
    assert "Practice scale, version 1" in page and "Adequate and above count as good enough" in page
    tool_page = client.get(reverse("assurance:tool_new")).content.decode()
    assert "Practice scale, version 1 (Strong, Adequate, Weak)" in tool_page
    factories.signed_in(client, world["officer"])
    assert client.get(reverse("assurance:scales")).status_code in (403, 404)
