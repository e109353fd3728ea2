"""The action plan's part of the permission walk (merged by tests/test_permission_walk.py).

The walk's action belongs to the walk's organisation; the walk's people each belong to an
organisation of their own. So the Business Unit sees and acts on it, the Chair sees it, and
everyone else with the plan's capability gets 404 (they are neither its owner nor its
source's people): stated per role in ``signed_in_status``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from safeguard.governance.policies import Cap

_NOT_THEIRS = {
    "statutory_partner_lead": 404,
    "la_decision_maker": 404,
    "subgroup_member": 404,
    "school_dsl": 404,
}
_NOT_THEIRS_TO_CHANGE = {**_NOT_THEIRS, "independent_chair": 404}

SENSITIVE_READS = {"governance:plan_csv"}


def pages(Route: Any, _pk: Any) -> dict[str, Any]:
    action = _pk("governance_action")
    return {
        "governance:plan": Route(Cap.USE),
        "governance:plan_csv": Route(Cap.USE),
        "governance:action": Route(Cap.USE, kwargs=action, signed_in_status=dict(_NOT_THEIRS)),
        "governance:action_edit": Route(
            Cap.USE, kwargs=action, signed_in_status=dict(_NOT_THEIRS_TO_CHANGE)
        ),
        "governance:action_withdraw": Route(
            Cap.USE, kwargs=action, signed_in_status=dict(_NOT_THEIRS_TO_CHANGE)
        ),
        "governance:action_progress": Route(
            Cap.USE, kwargs=action, signed_in_status=dict(_NOT_THEIRS_TO_CHANGE)
        ),
        "governance:action_complete": Route(
            Cap.USE, kwargs=action, signed_in_status=dict(_NOT_THEIRS_TO_CHANGE)
        ),
        "governance:inspections": Route(Cap.SEE_ALL),
        "governance:inspection_add": Route(Cap.MANAGE),
        "governance:inspection": Route(Cap.SEE_ALL, kwargs=_pk("governance_inspection")),
        "governance:inspection_action_add": Route(Cap.MANAGE, kwargs=_pk("governance_inspection")),
        "governance:groups": Route(Cap.SEE_ALL),
        "governance:group_add": Route(Cap.MANAGE),
        "governance:group": Route(Cap.SEE_ALL, kwargs=_pk("governance_group")),
        "governance:group_action_add": Route(Cap.MANAGE, kwargs=_pk("governance_group")),
        **meeting_pages(Route, _pk),
    }


def _action_body(objects: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": "Walk action",
        "owner_organisation": objects["organisation"].pk,
        "due_on": "31/03/2027",
    }


def forms(Form: Any) -> dict[str, Any]:
    """The pages that take a POST, each with a body that would change something."""
    return {
        "governance:action_edit": Form(body=lambda o: {**_action_body(o), "title": "Changed"}),
        "governance:action_withdraw": Form(body=lambda o: {"reason": "Walk withdrawal"}),
        "governance:action_progress": Form(
            body=lambda o: {"text": "Walk progress", "status": "in_progress"}
        ),
        "governance:action_complete": Form(body=lambda o: {"evidence": "Walk evidence"}),
        "governance:inspection_add": Form(
            body=lambda o: {"kind": "hmicfrs", "title": "Walk report", "reported_on": "1/12/2026"}
        ),
        "governance:inspection_action_add": Form(body=_action_body),
        "governance:group_add": Form(
            body=lambda o: {"kind": "task_and_finish", "name": "Walk", "started_on": "1/12/2026"}
        ),
        "governance:group_action_add": Form(body=_action_body),
        **meeting_forms(Form),
    }


def make_objects(*, admin: Any, organisation: Any) -> dict[str, Any]:
    from safeguard.governance.selectors.own_sources import INSPECTION
    from safeguard.governance.services.actions import action_create
    from safeguard.governance.services.own_sources import group_create, inspection_create

    inspection = inspection_create(
        actor=admin, kind="ofsted_ilacs", title="Walk ILACS", reported_on=date(2026, 1, 5)
    )
    group = group_create(
        actor=admin, kind="task_and_finish", name="Walk group", started_on=date(2026, 1, 5)
    )
    action = action_create(
        actor=admin,
        source_kind=INSPECTION,
        source_id=inspection.pk,
        title="Walk action",
        owner_organisation=organisation,
        due_on=date(2027, 1, 1),
    )
    return {
        "governance_inspection": inspection,
        "governance_group": group,
        "governance_action": action,
        **make_meetings(admin=admin, organisation=organisation),
    }


API: dict[str, str | None] = {
    "GET /api/v1/governance/actions": "governance:actions",
    "GET /api/v1/governance/actions/{action_id}": "governance:actions",
    "POST /api/v1/governance/actions/{action_id}/progress": "governance:actions",
    "POST /api/v1/governance/actions/{action_id}/completion": "governance:actions",
}
API_PATH_PARAMETERS: dict[str, Any] = {"action_id": lambda objects: objects["governance_action"].pk}

# --- Mine and theirs: two statutory partners' actions ----------------------------------------

OWNED: dict[str, str] = {
    "governance:action": "statutory_partner_lead",
    "governance:action_progress": "statutory_partner_lead",
}


def make_owned() -> dict[str, Any]:
    from safeguard.governance.selectors.own_sources import AUDIT
    from safeguard.governance.services.actions import action_create
    from safeguard.governance.services.own_sources import group_create
    from tests import factories

    unit = factories.organisation(kind="partnership", name="Owned action plan Business Unit")
    admin = factories.person("business_unit_admin", organisation_obj=unit)
    partners = [
        factories.organisation(kind="police", name=f"Owner {side}", statutory_partner=True)
        for side in ("mine", "theirs")
    ]
    audit = group_create(
        actor=admin, kind="multi_agency_audit", name="Owned audit", started_on=date(2026, 1, 5)
    )
    owned = [
        action_create(
            actor=admin,
            source_kind=AUDIT,
            source_id=audit.pk,
            title=f"Owned action {partner.name}",
            owner_organisation=partner,
            due_on=date(2027, 1, 1),
        )
        for partner in partners
    ]
    lead = factories.person("statutory_partner_lead", organisation_obj=partners[0])
    mine, theirs = {"pk": owned[0].pk}, {"pk": owned[1].pk}
    return {
        "governance:action": (lead, mine, theirs),
        "governance:action_progress": (lead, mine, theirs),
    }


API_OWNED = [
    "GET /api/v1/governance/actions/{action_id}",
    "POST /api/v1/governance/actions/{action_id}/progress",
    "POST /api/v1/governance/actions/{action_id}/completion",
    "GET /api/v1/governance/actions",
]


def make_owned_api(owned: dict[str, Any]) -> dict[str, dict[str, Any]]:
    lead, mine, theirs = owned["governance:action"]
    base = "/api/v1/governance/actions"
    common = {"organisation": lead.organisation, "scopes": ["governance:actions"]}
    return {
        "GET /api/v1/governance/actions/{action_id}": {
            **common,
            "mine": f"{base}/{mine['pk']}",
            "theirs": f"{base}/{theirs['pk']}",
        },
        "POST /api/v1/governance/actions/{action_id}/progress": {
            **common,
            "mine": f"{base}/{mine['pk']}/progress",
            "theirs": f"{base}/{theirs['pk']}/progress",
            "body": {"sender_reference": "owned-1", "text": "Owned progress"},
        },
        "POST /api/v1/governance/actions/{action_id}/completion": {
            **common,
            "mine": f"{base}/{mine['pk']}/completion",
            "theirs": f"{base}/{theirs['pk']}/completion",
            "body": {"evidence": "Owned evidence"},
        },
        "GET /api/v1/governance/actions": {
            **common,
            "mine": base,
            "theirs": base,
            "mine_text": "Owned action Owner mine",
            "theirs_text": "Owned action Owner theirs",
            "theirs_status": 200,
        },
    }


# --- Meetings (issue 17, part 1) -------------------------------------------------------------
# The walk's meetings belong to a group none of the walk's people is in: the Business Unit sees
# and runs them; everyone else with the meetings' capability gets 404. Statutory partners'
# attendance is the Business Unit's, the Chair's and the Executive's members'.

_NOT_MEMBERS = {
    role: 404
    for role in (
        "independent_chair",
        "statutory_partner_lead",
        "la_decision_maker",
        "subgroup_member",
        "school_dsl",
        "practitioner",
        "police_officer",
        "la_data_team",
        "la_encompass_coordinator",
    )
}
_NOT_EXECUTIVE = {
    role: status for role, status in _NOT_MEMBERS.items() if role != "independent_chair"
}


def _meeting(name: str) -> Any:
    return lambda objects: {"pk": objects[name].pk}


def _item(meeting: str, item: str) -> Any:
    return lambda objects: {"pk": objects[meeting].pk, "item_pk": objects[item].pk}


def _paper(objects: dict[str, Any]) -> dict[str, Any]:
    return {"pk": objects["governance_past_meeting"].pk, "paper_pk": objects["governance_paper"].pk}


def meeting_pages(Route: Any, _pk: Any) -> dict[str, Any]:
    from safeguard.governance.policies import MeetingCap

    use, manage = MeetingCap.USE, MeetingCap.MANAGE
    future, past = "governance_future_meeting", "governance_past_meeting"
    theirs = dict(_NOT_MEMBERS)
    return {
        "governance:meetings": Route(use),
        "governance:meeting_add": Route(manage),
        "governance:partner_attendance": Route(use, signed_in_status=dict(_NOT_EXECUTIVE)),
        "governance:meeting": Route(use, kwargs=_meeting(past), signed_in_status=theirs),
        "governance:meeting_cancel": Route(manage, kwargs=_meeting(future), ok_status=405),
        "governance:meeting_ics": Route(use, kwargs=_meeting(future), signed_in_status=theirs),
        "governance:meeting_invite": Route(manage, kwargs=_meeting(future), ok_status=405),
        "governance:agenda_fill": Route(manage, kwargs=_meeting(future)),
        "governance:agenda_item_add": Route(use, kwargs=_meeting(future), signed_in_status=theirs),
        "governance:agenda_item_edit": Route(
            manage, kwargs=_item(future, "governance_future_item")
        ),
        "governance:agenda_item_move": Route(
            manage, kwargs=_item(future, "governance_future_item"), ok_status=405
        ),
        "governance:paper_add": Route(
            use, kwargs=_item(future, "governance_future_item"), signed_in_status=theirs
        ),
        "governance:paper": Route(use, kwargs=_paper, signed_in_status=theirs),
        "governance:paper_file": Route(use, kwargs=_paper, signed_in_status=theirs),
        "governance:attendance": Route(manage, kwargs=_meeting(past)),
        "governance:minutes": Route(manage, kwargs=_item(past, "governance_past_item")),
        "governance:minutes_action_add": Route(manage, kwargs=_item(past, "governance_past_item")),
        "governance:minutes_approve": Route(manage, kwargs=_meeting(past), ok_status=405),
    }


def meeting_forms(Form: Any) -> dict[str, Any]:
    return {
        "governance:meeting_add": Form(
            body=lambda o: {
                "group": o["governance_meeting_group"].pk,
                "first_day": "5/1/2027",
                "starts": "10:00",
                "ends": "12:00",
                "frequency": "once",
                "count": "1",
                "format": "in_person",
                "venue": "Walk room",
                "papers_due_days": "5",
            }
        ),
        "governance:meeting_cancel": Form(),
        "governance:meeting_invite": Form(),
        "governance:agenda_fill": Form(body=lambda o: {"keys": ["walk"]}),
        "governance:agenda_item_add": Form(body=lambda o: {"title": "Walk item", "minutes": "10"}),
        "governance:agenda_item_edit": Form(
            body=lambda o: {"title": "Walk item changed", "minutes": "15"}
        ),
        "governance:agenda_item_move": Form(body=lambda o: {"to": "up"}),
        "governance:paper_add": Form(
            body=lambda o: {
                "title": "Walk paper",
                "purpose": "Walk purpose",
                "decision_needed": "Walk decision",
            }
        ),
        "governance:attendance": Form(
            body=lambda o: {f"organisation_{o['organisation'].pk}": "present"}
        ),
        "governance:minutes": Form(body=lambda o: {"discussion": "Walk discussion"}),
        "governance:minutes_action_add": Form(body=_action_body),
        "governance:minutes_approve": Form(),
    }


def make_meetings(*, admin: Any, organisation: Any) -> dict[str, Any]:
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from safeguard.core.clock import LONDON, london_date
    from safeguard.core.demo import clock_at
    from safeguard.core.models import Group, Membership
    from safeguard.governance.services import meetings

    group = Group.objects.create(name="Walk meetings group", kind="subgroup")
    Membership.objects.create(group=group, person=admin, role="chair")
    today = london_date(timezone.now())
    with clock_at(datetime.combine(today - timedelta(days=60), time(9), tzinfo=LONDON)):
        past = meetings.meeting_schedule(
            actor=admin,
            group=group,
            first_day=today - timedelta(days=30),
            starts=time(10),
            ends=time(12),
            venue="Walk room",
        )[0]
        past_item = meetings.agenda_item_add(
            actor=admin, meeting=past, title="Walk item", owner_organisation=organisation
        )
        paper = meetings.paper_add(
            actor=admin,
            item=past_item,
            title="Walk paper",
            purpose="Walk",
            decision_needed="Walk",
            file_name="walk.pdf",
            content=b"%PDF-1.4 walk",
        )
    future = meetings.meeting_schedule(
        actor=admin,
        group=group,
        first_day=today + timedelta(days=30),
        starts=time(10),
        ends=time(12),
        venue="Walk room",
    )[0]
    future_item = meetings.agenda_item_add(actor=admin, meeting=future, title="Walk future item")
    return {
        "governance_meeting_group": group,
        "governance_past_meeting": past,
        "governance_past_item": past_item,
        "governance_paper": paper,
        "governance_future_meeting": future,
        "governance_future_item": future_item,
    }
