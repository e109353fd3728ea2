"""Who may do what with the action plan: the only place that decides access for governance.

The Business Unit sees and manages every action. The owner organisation's people (those with
the plan's capability) see their organisation's actions and record progress and completion. A
source's own people see and manage its actions as the source says (``sources.register``).
Everyone else sees nothing. An API key acts as its organisation, on that organisation's actions.
"""

from __future__ import annotations

from typing import Any

from safeguard.core import policies as core_policies
from safeguard.core.models import ApiKey
from safeguard.core.roles import Role
from safeguard.governance import rules, sources


class Cap:
    USE = "governance.actions.use"  # the plan's pages: one's own organisation's actions
    SEE_ALL = "governance.actions.see_all"  # every action, read only
    MANAGE = "governance.actions.manage"  # the Business Unit: add, correct, withdraw any


SCOPE = "governance:actions"

GRANTS: dict[str, set[str]] = {
    Role.BUSINESS_UNIT_ADMIN: {Cap.USE, Cap.SEE_ALL, Cap.MANAGE},
    Role.BUSINESS_UNIT_OFFICER: {Cap.USE, Cap.SEE_ALL, Cap.MANAGE},
    Role.INDEPENDENT_CHAIR: {Cap.USE, Cap.SEE_ALL},
    Role.STATUTORY_PARTNER_LEAD: {Cap.USE},
    Role.LA_DECISION_MAKER: {Cap.USE},
    Role.SUBGROUP_MEMBER: {Cap.USE},
    Role.SCHOOL_DSL: {Cap.USE},
}


def can(actor: Any, capability: str) -> bool:
    if isinstance(actor, ApiKey):
        return False
    return core_policies.can(actor, capability)


def sees_all(actor: Any) -> bool:
    return can(actor, Cap.SEE_ALL)


def manages_all(actor: Any) -> bool:
    return can(actor, Cap.MANAGE)


def _owner(actor: Any, action: Any) -> bool:
    if isinstance(actor, ApiKey):
        source_scope = sources.key_scope(action.source_kind)
        return (
            actor.organisation_id == action.owner_organisation_id
            and (SCOPE in actor.scopes or bool(source_scope and source_scope in actor.scopes))
            and actor.organisation.active
        )
    return can(actor, Cap.USE) and actor.organisation_id == action.owner_organisation_id


def may_open_action_pages(actor: Any) -> bool:
    """An action's pages are the plan's and need its capability. A source's own people without
    it (a police officer or practitioner on the MACE child-focused meeting) see the source's
    actions listed on its page, unlinked: every link shown opens (DESIGN.md section 3)."""
    return can(actor, Cap.USE)


def may_view(actor: Any, action: Any) -> bool:
    if sees_all(actor) or _owner(actor, action):
        return True
    if isinstance(actor, ApiKey) or not core_policies.can(actor, "service.use"):
        return False
    return sources.may_view(action.source_kind, actor, action.source_id)


def may_create(actor: Any, *, source_kind: str, source_id: str) -> bool:
    """The source's managers add actions to it: the Business Unit unless it says otherwise."""
    if sources.manages(source_kind):
        return sources.may_manage(source_kind, actor, source_id)
    return manages_all(actor)


def may_correct(actor: Any, action: Any) -> bool:
    """Change the wording, owner or due date, or withdraw: whoever manages the source."""
    if not rules.is_open(action.status):
        return False
    return may_create(actor, source_kind=action.source_kind, source_id=action.source_id)


def may_progress(actor: Any, action: Any) -> bool:
    """Record progress or completion: the owner organisation and the source's managers (the
    services then refuse a completed or withdrawn action with a message)."""
    return _owner(actor, action) or may_create(
        actor, source_kind=action.source_kind, source_id=action.source_id
    )


def may_progress_now(actor: Any, action: Any) -> bool:
    """The progress and completion pages: an open action, to those who may progress it."""
    return rules.is_open(action.status) and may_progress(actor, action)


def may_add_impact(actor: Any, action: Any) -> bool:
    """Evidence of impact, added once the action is complete, by those who completed it."""
    if action.status != rules.COMPLETED:
        return False
    return _owner(actor, action) or may_create(
        actor, source_kind=action.source_kind, source_id=action.source_id
    )


def may_manage_sources(actor: Any) -> bool:
    """Enter inspection reports and name task-and-finish groups and audits."""
    return manages_all(actor)


# --- Meetings (issue 17, part 1) -------------------------------------------------------------
# A group's meetings are seen by its members and the Business Unit; a restricted paper by the
# group's members only (and whoever added it). The Business Unit schedules meetings and keeps
# their agendas, attendance and minutes; members add items and papers. The Executive's members,
# the Business Unit and the Independent Chair see partners' attendance over the year.


class MeetingCap:
    USE = "governance.meetings.use"  # the meetings pages: one's own groups' meetings
    SEE_ALL = "governance.meetings.see_all"  # every group's meetings
    MANAGE = "governance.meetings.manage"  # the Business Unit: schedule and run meetings


MEETING_GRANTS: dict[str, set[str]] = {
    Role.BUSINESS_UNIT_ADMIN: {MeetingCap.USE, MeetingCap.SEE_ALL, MeetingCap.MANAGE},
    Role.BUSINESS_UNIT_OFFICER: {MeetingCap.USE, MeetingCap.SEE_ALL, MeetingCap.MANAGE},
    Role.INDEPENDENT_CHAIR: {MeetingCap.USE},
    Role.STATUTORY_PARTNER_LEAD: {MeetingCap.USE},
    Role.LA_DECISION_MAKER: {MeetingCap.USE},
    Role.SUBGROUP_MEMBER: {MeetingCap.USE},
    Role.SCHOOL_DSL: {MeetingCap.USE},
    Role.PRACTITIONER: {MeetingCap.USE},
    Role.POLICE_OFFICER: {MeetingCap.USE},
    Role.LA_DATA_TEAM: {MeetingCap.USE},
    Role.LA_ENCOMPASS_COORDINATOR: {MeetingCap.USE},
}


def is_member(actor: Any, group_id: int) -> bool:
    from safeguard.core.models import Membership

    if isinstance(actor, ApiKey) or not getattr(actor, "pk", None):
        return False
    return Membership.objects.filter(group_id=group_id, person_id=actor.pk).exists()


def may_view_meeting(actor: Any, meeting: Any, *, member: bool | None = None) -> bool:
    """``member``, when given, is ``is_member(actor, meeting.group_id)`` already read: a
    meeting's page asks about every item and paper, and reads the membership once for all."""
    if not can(actor, MeetingCap.USE):
        return False
    if can(actor, MeetingCap.SEE_ALL):
        return True
    return is_member(actor, meeting.group_id) if member is None else member


def may_manage_meetings(actor: Any) -> bool:
    return can(actor, MeetingCap.MANAGE)


def may_add_item(actor: Any, meeting: Any) -> bool:
    """Members (and the Business Unit) add items to a meeting still to come."""
    return meeting.cancelled_at is None and may_view_meeting(actor, meeting)


def may_add_paper(actor: Any, item: Any, *, member: bool | None = None) -> bool:
    """The Business Unit, the member who added the item, or a member of its owner organisation.
    ``member`` as for ``may_view_meeting``."""
    meeting = item.meeting
    if meeting.cancelled_at is not None or not may_view_meeting(actor, meeting, member=member):
        return False
    if may_manage_meetings(actor):
        return True
    return item.added_by_id == actor.pk or (
        item.owner_organisation_id is not None
        and item.owner_organisation_id == actor.organisation_id
    )


def may_read_paper(actor: Any, paper: Any, meeting: Any, *, member: bool | None = None) -> bool:
    """``member`` as for ``may_view_meeting``."""
    if not may_view_meeting(actor, meeting, member=member):
        return False
    if not paper.restricted:
        return True
    if member is None:
        member = is_member(actor, meeting.group_id)
    return member or paper.uploaded_by_id == actor.pk


def may_see_attendance_report(actor: Any, executive_group_ids: list[int]) -> bool:
    if not can(actor, MeetingCap.USE):
        return False
    if can(actor, MeetingCap.SEE_ALL) or core_policies.can(actor, "deadlines.view_all"):
        return True
    return any(is_member(actor, group_id) for group_id in executive_group_ids)


# --- Funding and priorities (the annual report's funding and priority sections) -------------


class FundingCap:
    VIEW = "governance.funding.view"  # the funding table: the Executive's partners and the BU
    MANAGE = "governance.funding.manage"  # the Business Unit records contributions


class PriorityCap:
    VIEW = "governance.priorities.view"  # the priorities, their evidence and progress
    MANAGE = "governance.priorities.manage"  # the Business Unit sets them and adds evidence


_FUNDING_VIEWERS = (
    Role.INDEPENDENT_CHAIR,
    Role.STATUTORY_PARTNER_LEAD,
    Role.LA_DECISION_MAKER,
)
FUNDING_GRANTS: dict[str, set[str]] = {
    Role.BUSINESS_UNIT_ADMIN: {FundingCap.VIEW, FundingCap.MANAGE, PriorityCap.VIEW},
    Role.BUSINESS_UNIT_OFFICER: {FundingCap.VIEW, FundingCap.MANAGE, PriorityCap.VIEW},
    **{role: {FundingCap.VIEW, PriorityCap.VIEW} for role in _FUNDING_VIEWERS},
    Role.SUBGROUP_MEMBER: {PriorityCap.VIEW},
    Role.SCHOOL_DSL: {PriorityCap.VIEW},
    Role.PRACTITIONER: {PriorityCap.VIEW},
    Role.POLICE_OFFICER: {PriorityCap.VIEW},
}
FUNDING_GRANTS[Role.BUSINESS_UNIT_ADMIN].add(PriorityCap.MANAGE)
FUNDING_GRANTS[Role.BUSINESS_UNIT_OFFICER].add(PriorityCap.MANAGE)


def may_view_funding(actor: Any) -> bool:
    return can(actor, FundingCap.VIEW)


def may_manage_funding(actor: Any) -> bool:
    return can(actor, FundingCap.MANAGE)


def may_view_priorities(actor: Any) -> bool:
    return can(actor, PriorityCap.VIEW)


def may_manage_priorities(actor: Any) -> bool:
    return can(actor, PriorityCap.MANAGE)


def may_update_priority(actor: Any, priority: Any) -> bool:
    """Progress is recorded by the priority's lead or by the Business Unit."""
    if may_manage_priorities(actor):
        return True
    return (
        may_view_priorities(actor)
        and priority.lead_person_id is not None
        and actor.pk == priority.lead_person_id
    )


def _page_opens(actor: Any, address: str) -> bool:
    """A page of Safeguard opens for the actor when its view's capability is theirs (the
    permission walk holds that every page declares it); an outside address always opens."""
    if not address.startswith("/"):
        return True
    from django.urls import Resolver404, resolve

    try:
        match = resolve(address.split("?", 1)[0])
    except Resolver404:
        return False
    capability = getattr(match.func, "required_capability", None)
    return capability is None or core_policies.can(actor, capability)


def may_open_evidence(actor: Any, evidence: Any) -> bool:
    """An address is linked for those its page opens for; a record only for those its own
    module lets see it (``sources.may_view``) or the Business Unit."""
    if not evidence.source_kind:
        return _page_opens(actor, evidence.url)
    return manages_all(actor) or sources.may_view(evidence.source_kind, actor, evidence.source_id)
