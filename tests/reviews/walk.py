"""The reviews module's part of the permission walk (merged by tests/test_permission_walk.py).

Pages on one case check access to that case after the capability: a person with the capability
but no reason to see the case gets 404, stated per role in ``signed_in_status``. Exact per-role
answers are also asserted in tests/reviews/test_pages.py.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from safeguard.reviews.policies import Cap

# The walk's people have no RAG membership and did not refer the walk's case.
_NOT_THEIRS = {
    "statutory_partner_lead": 404,
    "practitioner": 404,
    "school_dsl": 404,
    "police_officer": 404,
}


def pages(Route: Any, _pk: Any) -> dict[str, Any]:
    case = _pk("reviews_incident")
    review = _pk("reviews_notified")
    return {
        "reviews:cases": Route(Cap.USE),
        "reviews:refer": Route(Cap.REFER),
        "reviews:oversight": Route(Cap.VIEW_OVERSIGHT),
        "reviews:oversight_csv": Route(Cap.VIEW_OVERSIGHT),
        "reviews:learning": Route(Cap.VIEW_LEARNING),
        # A draft is its author's alone: everyone else with the capability gets 404.
        "reviews:draft": Route(Cap.REFER, kwargs=_pk("reviews_draft"), ok_status=404),
        "reviews:case": Route(Cap.USE, kwargs=case, signed_in_status=dict(_NOT_THEIRS)),
        "reviews:decide": Route(Cap.DECIDE, kwargs=case),
        "reviews:contribute": Route(
            Cap.CONTRIBUTE,
            kwargs=case,
            signed_in_status={"statutory_partner_lead": 404},
        ),
        "reviews:meeting_add": Route(Cap.MANAGE, kwargs=case),
        "reviews:meeting_edit": Route(
            Cap.MANAGE,
            kwargs=lambda o: {
                "pk": o["reviews_incident"].pk,
                "meeting_pk": o["reviews_meeting"].pk,
            },
        ),
        "reviews:rapid_review": Route(Cap.USE, kwargs=review, signed_in_status=dict(_NOT_THEIRS)),
        "reviews:rr_request_add": Route(Cap.MANAGE, kwargs=review),
        "reviews:rr_findings": Route(Cap.MANAGE, kwargs=review),
        "reviews:rr_submit": Route(Cap.MANAGE, kwargs=review),
        "reviews:rr_panel_response": Route(Cap.MANAGE, kwargs=review),
        # The walk's sign-off roles are not RAG members of a statutory partner: 404.
        "reviews:rr_sign_off": Route(
            Cap.SIGN_OFF,
            kwargs=review,
            signed_in_status={"la_decision_maker": 404, "statutory_partner_lead": 404},
        ),
        "reviews:cspr": Route(Cap.USE, kwargs=review, signed_in_status=dict(_NOT_THEIRS)),
        "reviews:cspr_edit": Route(Cap.MANAGE, kwargs=review),
        "reviews:cspr_publish": Route(Cap.MANAGE, kwargs=review),
        "reviews:cspr_report": Route(Cap.MANAGE, kwargs=review),
        "reviews:cspr_report_sent": Route(Cap.MANAGE, kwargs=review),
        # The walk's case has no final report: 404 for all who may open it (the download itself
        # is tested in tests/reviews/test_working_together.py).
        "reviews:cspr_report_download": Route(Cap.USE, kwargs=review, ok_status=404),
        "reviews:actions": Route(Cap.USE, kwargs=review, signed_in_status=dict(_NOT_THEIRS)),
        "reviews:recommendation_add": Route(Cap.MANAGE, kwargs=review),
        "reviews:action_add": Route(
            Cap.MANAGE,
            kwargs=lambda o: {
                "pk": o["reviews_notified"].pk,
                "recommendation_pk": o["reviews_recommendation"].pk,
            },
        ),
        # The walk's contributors do not belong to the owner organisation (the walk's own).
        "reviews:action_update": Route(
            Cap.CONTRIBUTE,
            kwargs=lambda o: {"pk": o["reviews_notified"].pk, "action_pk": o["reviews_action"].pk},
            signed_in_status={"statutory_partner_lead": 404, "la_decision_maker": 404},
        ),
        "reviews:case_close": Route(Cap.MANAGE, kwargs=review),
        "reviews:action_edit": Route(
            Cap.MANAGE,
            kwargs=lambda o: {"pk": o["reviews_notified"].pk, "action_pk": o["reviews_action"].pk},
        ),
        "reviews:action_withdraw": Route(
            Cap.MANAGE,
            kwargs=lambda o: {"pk": o["reviews_notified"].pk, "action_pk": o["reviews_action"].pk},
        ),
        "reviews:learning_sheet": Route(Cap.VIEW_LEARNING, kwargs=_pk("reviews_sheet")),
        "reviews:learning_sheet_pdf": Route(Cap.VIEW_LEARNING, kwargs=_pk("reviews_sheet")),
        "reviews:learning_sheet_edit": Route(Cap.MANAGE, kwargs=review),
        "reviews:dissemination_add": Route(Cap.MANAGE, kwargs=_pk("reviews_sheet")),
        "reviews:themes": Route(Cap.MANAGE),
        "reviews:theme": Route(Cap.VIEW_LEARNING, kwargs=_pk("reviews_theme")),
        "reviews:past_case": Route(Cap.MANAGE),
        # The asked agency's own people answer (tests/reviews/test_work.py); the walk's people
        # other than the Business Unit belong to another organisation: 404.
        "reviews:rr_request": Route(
            Cap.USE,
            kwargs=lambda o: {
                "pk": o["reviews_notified"].pk,
                "request_pk": o["reviews_request"].pk,
            },
            signed_in_status={
                role: 404
                for role in (
                    "independent_chair",
                    "la_decision_maker",
                    "statutory_partner_lead",
                    "police_officer",
                    "school_dsl",
                    "practitioner",
                )
            },
        ),
        "reviews:agency_requests": Route(Cap.USE),
    }


def make_objects(*, admin: Any, organisation: Any) -> dict[str, Any]:
    """A submitted case awaiting the LA's decision, and a draft, both by the walk's admin."""
    from safeguard.reviews import rules
    from safeguard.reviews.models import Theme
    from safeguard.reviews.services.referrals import referral_save_draft, referral_submit

    values = {
        "incident_date": date(2026, 1, 5),
        "la_aware_on": date(2026, 1, 6),
        "summary": "Walk incident",
        "harm": "serious_harm",
        "abuse_or_neglect": "suspected",
        "referrer_view": "meets",
        "referrer_reasons": "Walk",
    }
    child = rules.ChildDetails(
        full_name="Walk Child", date_of_birth=date(2020, 1, 1), gender="male"
    )
    incident = referral_save_draft(actor=admin, values=values, children=[child])
    incident = referral_submit(actor=admin, incident=incident)
    draft = referral_save_draft(actor=admin, values={"summary": "Walk draft"}, children=[])
    from safeguard.core.models import Group
    from safeguard.reviews.services.discussion import meeting_record

    # A case's meeting is a meeting of the RAG (ADR 0025): the partnership has one.
    if not Group.objects.filter(kind="rag", active=True).exists():
        Group.objects.create(name="Walk RAG", kind="rag")
    meeting = meeting_record(
        actor=admin,
        incident=incident,
        kind="extraordinary_rag",
        held_on=date(2026, 1, 7),
    )
    notified = referral_submit(
        actor=admin,
        incident=referral_save_draft(actor=admin, values=values, children=[child]),
    )
    from safeguard.reviews.services.decisions import incident_decide
    from safeguard.reviews.services.rapid_reviews import agency_request_add
    from tests import factories

    decider = factories.person("la_decision_maker", organisation_obj=organisation)
    notified = incident_decide(
        actor=decider,
        incident=notified,
        decision="notify",
        rationale="Walk",
        panel_notified_on=date(2026, 1, 7),
    )
    request = agency_request_add(
        actor=admin, incident=notified, organisation=organisation, due_on=date.today()
    )
    from safeguard.reviews.services import actions, learning

    recommendation = actions.recommendation_add(actor=admin, incident=notified, text="Walk")
    action = actions.action_add(
        actor=admin,
        recommendation=recommendation,
        description="Walk action",
        owner_organisation=organisation,
        due_on=date(2027, 1, 1),
    )
    sheet = learning.learning_sheet_save(
        actor=admin,
        incident=notified,
        title="Walk sheet",
        what_happened="Walk",
        good_practice="",
        learning="Walk",
        do_differently="",
    )
    learning.learning_sheet_publish(actor=admin, sheet=sheet)
    return {
        "reviews_meeting": meeting,
        "reviews_recommendation": recommendation,
        "reviews_action": action,
        "reviews_sheet": sheet,
        "reviews_theme": Theme.objects.get_or_create(name="Walk theme")[0],
        "reviews_incident": incident,
        "reviews_draft": draft,
        "reviews_notified": notified,
        "reviews_request": request,
    }


API: dict[str, str | None] = {
    "POST /api/v1/reviews/referrals": "reviews:refer",
    "GET /api/v1/reviews/referrals/{incident_reference}": "reviews:refer",
    "POST /api/v1/reviews/referrals/{incident_reference}/decision": "reviews:decide",
    "POST /api/v1/reviews/referrals/{incident_reference}/contributions": "reviews:contribute",
    "GET /api/v1/reviews/cases": "reviews:read",
    "POST /api/v1/reviews/agency-requests/{request_id}": "reviews:contribute",
    "POST /api/v1/reviews/actions/{action_id}": "reviews:actions",
    # The Business Unit's steps and the sign-off (tests/reviews/test_api_steps.py).
    "GET /api/v1/reviews/cases/{incident_reference}": "reviews:read",
    "POST /api/v1/reviews/cases/{incident_reference}/meetings": "reviews:manage",
    "POST /api/v1/reviews/cases/{incident_reference}/meetings/{meeting_id}/minutes": (
        "reviews:manage"
    ),
    "POST /api/v1/reviews/cases/{incident_reference}/rapid-review/findings": "reviews:manage",
    "POST /api/v1/reviews/cases/{incident_reference}/rapid-review/agency-requests": (
        "reviews:manage"
    ),
    "POST /api/v1/reviews/cases/{incident_reference}/rapid-review/sign-offs": "reviews:sign_off",
    "POST /api/v1/reviews/cases/{incident_reference}/rapid-review/submission": "reviews:manage",
    "POST /api/v1/reviews/cases/{incident_reference}/rapid-review/panel-response": (
        "reviews:manage"
    ),
    "POST /api/v1/reviews/cases/{incident_reference}/cspr": "reviews:manage",
    "POST /api/v1/reviews/past-cases": "reviews:manage",
    "POST /api/v1/reviews/cases/{incident_reference}/cspr/publication": "reviews:manage",
    "POST /api/v1/reviews/cases/{incident_reference}/cspr/report-sent": "reviews:manage",
    "POST /api/v1/reviews/cases/{incident_reference}/recommendations": "reviews:manage",
    "POST /api/v1/reviews/cases/{incident_reference}/recommendations/{recommendation_id}/actions": (
        "reviews:manage"
    ),
    "POST /api/v1/reviews/cases/{incident_reference}/learning-sheet": "reviews:manage",
    "POST /api/v1/reviews/cases/{incident_reference}/learning-sheet/publication": (
        "reviews:manage"
    ),
    "POST /api/v1/reviews/cases/{incident_reference}/learning-sheet/disseminations": (
        "reviews:manage"
    ),
    "POST /api/v1/reviews/cases/{incident_reference}/closure": "reviews:manage",
}
API_PATH_PARAMETERS: dict[str, Any] = {
    "incident_reference": lambda objects: objects["reviews_incident"].reference,
    "meeting_id": lambda objects: objects["reviews_meeting"].pk,
    "recommendation_id": lambda objects: objects["reviews_recommendation"].pk,
}


# --- Mine and theirs: two referrers' cases, two statutory partners' requests and actions -------

OWNED: dict[str, str] = {
    # A practitioner sees the case they referred, not another agency's.
    "reviews:case": "practitioner",
    # A statutory partner's RAG member answers their own organisation's information request
    # and updates its actions, not another partner's.
    "reviews:rr_request": "statutory_partner_lead",
    "reviews:action_update": "statutory_partner_lead",
}


def make_owned() -> dict[str, Any]:
    from safeguard.core.models import Group, Membership
    from safeguard.reviews import rules
    from safeguard.reviews.services import actions
    from safeguard.reviews.services.decisions import incident_decide
    from safeguard.reviews.services.rapid_reviews import agency_request_add
    from safeguard.reviews.services.referrals import referral_save_draft, referral_submit
    from tests import factories

    values = {
        "incident_date": date(2026, 1, 5),
        "la_aware_on": date(2026, 1, 6),
        "summary": "Owned incident",
        "harm": "serious_harm",
        "abuse_or_neglect": "suspected",
        "referrer_view": "meets",
        "referrer_reasons": "Owned",
    }
    child = rules.ChildDetails(
        full_name="Owned Child", date_of_birth=date(2020, 1, 1), gender="female"
    )
    unit = factories.organisation(kind="partnership", name="Owned Business Unit")
    admin = factories.person("business_unit_admin", organisation_obj=unit)
    la = factories.organisation(kind="local_authority", name="Owned LA", statutory_partner=True)
    decider = factories.person("la_decision_maker", organisation_obj=la)
    partners = [
        factories.organisation(kind="health_trust", name=f"Partner {side}", statutory_partner=True)
        for side in ("mine", "theirs")
    ]
    referrers = [factories.person("practitioner", organisation_obj=partner) for partner in partners]
    cases = [
        referral_submit(
            actor=referrer,
            incident=referral_save_draft(actor=referrer, values=values, children=[child]),
        )
        for referrer in referrers
    ]
    case = incident_decide(
        actor=decider,
        incident=referral_submit(
            actor=admin,
            incident=referral_save_draft(actor=admin, values=values, children=[child]),
        ),
        decision="notify",
        rationale="Owned",
        panel_notified_on=date(2026, 1, 7),
    )
    requests = [
        agency_request_add(actor=admin, incident=case, organisation=partner, due_on=date.today())
        for partner in partners
    ]
    recommendation = actions.recommendation_add(actor=admin, incident=case, text="Owned")
    owned_actions = [
        actions.action_add(
            actor=admin,
            recommendation=recommendation,
            description="Owned action",
            owner_organisation=partner,
            due_on=date(2027, 1, 1),
        )
        for partner in partners
    ]
    lead = factories.person("statutory_partner_lead", organisation_obj=partners[0])
    rag = Group.objects.create(name="Owned RAG", kind="rag")
    Membership.objects.create(group=rag, person=lead, role="member")
    return {
        "reviews:case": (referrers[0], {"pk": cases[0].pk}, {"pk": cases[1].pk}),
        "reviews:rr_request": (
            lead,
            {"pk": case.pk, "request_pk": requests[0].pk},
            {"pk": case.pk, "request_pk": requests[1].pk},
        ),
        "reviews:action_update": (
            lead,
            {"pk": case.pk, "action_pk": owned_actions[0].pk},
            {"pk": case.pk, "action_pk": owned_actions[1].pk},
        ),
    }


# Each statutory partner's key answers its own request and updates its own action; a referrer's
# key reads its own referral. The other organisation's: 404, an audit row, nothing changed.
API_OWNED = [
    "GET /api/v1/reviews/referrals/{incident_reference}",
    "POST /api/v1/reviews/agency-requests/{request_id}",
    "POST /api/v1/reviews/actions/{action_id}",
]


def make_owned_api(owned: dict[str, Any]) -> dict[str, dict[str, Any]]:
    from safeguard.reviews.models import Incident

    referrer, mine_case, theirs_case = owned["reviews:case"]
    lead, mine_request, theirs_request = owned["reviews:rr_request"]
    _, mine_action, theirs_action = owned["reviews:action_update"]
    case = Incident.objects.get(pk=mine_case["pk"])
    other = Incident.objects.get(pk=theirs_case["pk"])
    return {
        "GET /api/v1/reviews/referrals/{incident_reference}": {
            "organisation": referrer.organisation,
            "scopes": ["reviews:refer"],
            "mine": f"/api/v1/reviews/referrals/{case.reference}",
            "theirs": f"/api/v1/reviews/referrals/{other.reference}",
        },
        "POST /api/v1/reviews/agency-requests/{request_id}": {
            "organisation": lead.organisation,
            "scopes": ["reviews:contribute"],
            "mine": f"/api/v1/reviews/agency-requests/{mine_request['request_pk']}",
            "theirs": f"/api/v1/reviews/agency-requests/{theirs_request['request_pk']}",
            "body": {"summary": "Owned summary", "chronology": "Owned chronology"},
        },
        "POST /api/v1/reviews/actions/{action_id}": {
            "organisation": lead.organisation,
            "scopes": ["reviews:actions"],
            "mine": f"/api/v1/reviews/actions/{mine_action['action_pk']}",
            "theirs": f"/api/v1/reviews/actions/{theirs_action['action_pk']}",
            "body": {"status": "in_progress"},
        },
    }


def forms(Form: Any) -> dict[str, Any]:
    """The pages that take a POST (tests/test_permission_walk.py posts to each as every role)."""
    names = (
        "action_add",
        "action_update",
        "case_close",
        "contribute",
        "cspr_edit",
        "cspr_publish",
        "cspr_report",
        "cspr_report_sent",
        "dissemination_add",
        "draft",
        "learning_sheet_edit",
        "meeting_add",
        "meeting_edit",
        "recommendation_add",
        "refer",
        "rr_findings",
        "rr_panel_response",
        "rr_request",
        "rr_request_add",
        "rr_sign_off",
        "rr_submit",
        "themes",
    )
    found = {f"reviews:{name}": Form() for name in names}
    # The Business Unit corrects or withdraws an action, and records a past case (Cap.MANAGE,
    # then ``policies.can_manage`` on the case); none grants access. The withdrawal is posted
    # complete, so that a refused role's POST is tested against one that would change it.
    found["reviews:action_edit"] = Form()
    found["reviews:action_withdraw"] = Form(body=lambda o: {"reason": "Walk withdrawal"})
    found["reviews:past_case"] = Form()
    # The LA's decision to notify the Panel: the second factor again.
    found["reviews:decide"] = Form(sensitive=True)
    return found
