"""The assurance module's part of the permission walk (merged by tests/test_permission_walk.py).

The walk's people each belong to an organisation of their own, so a concern, a self-assessment
or a secure setting of the walk's records is not theirs: the Business Unit opens them (200),
every other role holding the capability gets 404 (audited). tests/assurance/test_pages.py
asserts what the two agencies of a concern and a setting's own people see.
"""

from __future__ import annotations

from typing import Any

from safeguard.assurance.policies import GRANTS, Cap
from safeguard.core.roles import Role

_BUSINESS_UNIT = {Role.BUSINESS_UNIT_ADMIN.value, Role.BUSINESS_UNIT_OFFICER.value}


def _not_theirs(capability: str) -> dict[str, int]:
    return {
        role: 404
        for role, caps in GRANTS.items()
        if capability in caps and role not in _BUSINESS_UNIT
    }


def pages(Route: Any, _pk: Any) -> dict[str, Any]:
    from safeguard.core.roles import Capability

    setting = _pk("assurance_setting")
    return {
        "assurance:index": Route(Capability.USE_SERVICE),
        "assurance:escalations": Route(Cap.ESCALATE),
        "assurance:escalation_new": Route(Cap.ESCALATE),
        "assurance:escalation_figures": Route(Cap.FIGURES),
        "assurance:escalation": Route(
            Cap.ESCALATE,
            kwargs=_pk("assurance_escalation"),
            signed_in_status=_not_theirs(Cap.ESCALATE),
        ),
        "assurance:assessments": Route(Cap.SELF_ASSESS),
        "assurance:template_new": Route(Cap.MANAGE),
        "assurance:template": Route(Cap.MANAGE, kwargs=_pk("assurance_template")),
        "assurance:round_new": Route(Cap.MANAGE),
        "assurance:round": Route(Cap.MANAGE, kwargs=_pk("assurance_round")),
        "assurance:comparison": Route(Cap.FIGURES),
        "assurance:assessment": Route(
            Cap.SELF_ASSESS,
            kwargs=_pk("assurance_assessment"),
            signed_in_status=_not_theirs(Cap.SELF_ASSESS),
        ),
        "assurance:assessment_action": Route(Cap.MANAGE, kwargs=_pk("assurance_assessment")),
        "assurance:settings": Route(Cap.SECURE_RETURN),
        "assurance:restraints": Route(Cap.FIGURES),
        "assurance:review_new": Route(Cap.MANAGE),
        "assurance:review": Route(
            Cap.SECURE_RETURN,
            kwargs=_pk("assurance_review"),
            signed_in_status=_not_theirs(Cap.SECURE_RETURN),
        ),
        "assurance:setting": Route(
            Cap.SECURE_RETURN, kwargs=setting, signed_in_status=_not_theirs(Cap.SECURE_RETURN)
        ),
        "assurance:audits": Route(Cap.AUDIT),
        "assurance:audit_new": Route(Cap.MANAGE),
        "assurance:tool_new": Route(Cap.MANAGE),
        "assurance:scales": Route(Cap.MANAGE),
        "assurance:scale_new": Route(Cap.MANAGE),
        "assurance:audit": Route(
            Cap.AUDIT, kwargs=_pk("assurance_audit"), signed_in_status=_not_theirs(Cap.AUDIT)
        ),
        "assurance:audit_report": Route(
            Cap.AUDIT, kwargs=_pk("assurance_audit"), signed_in_status=_not_theirs(Cap.AUDIT)
        ),
        # The questionnaire is the practitioners' of the audit's agencies: not the Business Unit.
        "assurance:audit_questionnaire": Route(
            Cap.AUDIT,
            kwargs=_pk("assurance_audit"),
            signed_in_status={role: 404 for role, caps in GRANTS.items() if Cap.AUDIT in caps},
        ),
        "assurance:audit_case": Route(
            Cap.AUDIT, kwargs=_pk("assurance_case"), signed_in_status=_not_theirs(Cap.AUDIT)
        ),
        "assurance:finding_action": Route(Cap.MANAGE, kwargs=_pk("assurance_finding")),
        "assurance:return": Route(
            Cap.SECURE_RETURN,
            kwargs=lambda o: {"pk": o["assurance_setting"].pk, "month": "2026-01"},
            signed_in_status=_not_theirs(Cap.SECURE_RETURN),
        ),
    }


def make_objects(*, admin: Any, organisation: Any) -> dict[str, Any]:
    from datetime import date

    from safeguard.assurance.services import secure
    from tests import factories
    from tests.assurance import helpers

    other = factories.organisation(kind="police", name="Walk assurance police")
    raiser = factories.person("practitioner", organisation_obj=organisation)
    escalation = helpers.escalation(raiser, other)
    found_round = helpers.round_for(admin, [organisation])
    assessment = found_round.assessments.get()
    setting = factories.organisation(kind="secure_setting", name="Walk secure children's home")
    secure.return_submit(
        actor=admin,
        organisation=setting,
        month=date(2026, 1, 1),
        figures={"restraints_main_site": 4},
        now=None,
    )
    review = secure.incident_review_record(
        actor=admin,
        organisation=setting,
        title="Walk review",
        reviewed_on=date(2026, 2, 1),
        reviewed_by="Youth Custody Service",
        summary="Walk",
        learning="Walk",
    )
    from safeguard.assurance.models import StandardTemplate
    from safeguard.assurance.services import audits

    tool = audits.tool_save(actor=admin, title="Walk tool", questions=["Was the plan clear?"])
    audit = audits.audit_plan(
        actor=admin,
        title="Walk audit",
        theme="child_protection",
        year=2026,
        criteria="Walk",
        tool=tool,
        agencies=[organisation, other],
    )
    case = audits.case_add(actor=admin, audit=audit, pupil=helpers.pupil())
    audits.audit_moderate(actor=admin, audit=audit, notes="Walk", agreed={case.pk: "good"})
    finding = audits.finding_add(
        actor=admin, audit=audit, grade="good", theme="child_protection", text="Walk"
    )

    return {
        "assurance_audit": audit,
        "assurance_case": case,
        "assurance_finding": finding,
        "assurance_escalation": escalation,
        "assurance_template": StandardTemplate.objects.order_by("pk").first(),
        "assurance_round": found_round,
        "assurance_assessment": assessment,
        "assurance_setting": setting,
        "assurance_review": review,
    }


def forms(Form: Any) -> dict[str, Any]:
    """The pages that take a POST, each posted complete where a body is needed."""
    found = {
        f"assurance:{name}": Form()
        for name in (
            "escalation_new",
            "template_new",
            "round_new",
            "review_new",
            "audit_new",
            "tool_new",
            "scale_new",
            "audit",
            "audit_case",
            "audit_questionnaire",
        )
    }
    found["assurance:escalation"] = Form(
        body=lambda o: {"step": "respond", "response": "Walk answer"}
    )
    found["assurance:assessment"] = Form(
        body=lambda o: {"step": "challenge", "rating": "0", "question": "Walk"}
    )
    found["assurance:assessment_action"] = Form(
        body=lambda o: {"title": "Walk action", "due_on": "05/01/2099"}
    )
    found["assurance:return"] = Form(body=lambda o: {"restraints_main_site": "7"})
    found["assurance:finding_action"] = Form(
        body=lambda o: {
            "title": "Walk action",
            "due_on": "05/01/2099",
            "owner": o["organisation"].pk,
        }
    )
    found["assurance:review"] = Form(
        body=lambda o: {
            "title": "Walk action",
            "due_on": "05/01/2099",
            "owner": o["organisation"].pk,
        }
    )
    return found


# Mine and theirs: a self-assessment and a concern belong to their organisations.
OWNED: dict[str, str] = {
    "assurance:assessment": "practitioner",
    "assurance:escalation": "practitioner",
    "assurance:setting": "practitioner",
}


def make_owned() -> dict[str, Any]:
    from tests import factories
    from tests.assurance import helpers

    unit = factories.organisation(kind="partnership", name="Owned assurance unit")
    admin = factories.person("business_unit_admin", organisation_obj=unit)
    agencies = [
        factories.organisation(kind="health_trust", name=f"Owned assurance trust {side}")
        for side in ("mine", "theirs")
    ]
    police = factories.organisation(kind="police", name="Owned assurance police")
    people = [factories.person("practitioner", organisation_obj=a) for a in agencies]
    found_round = helpers.round_for(admin, agencies, year=2030)
    assessments = {a.organisation_id: a for a in found_round.assessments.all()}
    concerns = [helpers.escalation(p, police) for p in people]
    settings = [
        factories.organisation(kind="secure_setting", name=f"Owned secure setting {side}")
        for side in ("mine", "theirs")
    ]
    keeper = factories.person("practitioner", organisation_obj=settings[0])
    return {
        "assurance:assessment": (
            people[0],
            {"pk": assessments[agencies[0].pk].pk},
            {"pk": assessments[agencies[1].pk].pk},
        ),
        "assurance:escalation": (people[0], {"pk": concerns[0].pk}, {"pk": concerns[1].pk}),
        "assurance:setting": (keeper, {"pk": settings[0].pk}, {"pk": settings[1].pk}),
    }
