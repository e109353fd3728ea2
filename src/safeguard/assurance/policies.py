"""Who may do what in assurance: the only place that decides access for this module.

- Concerns Resolution: any practitioner of any agency raises a concern about another agency's
  decision. The concern names a child, so it is seen only by the two agencies' people who hold
  the capability (the raising agency's managers take stage 2, its senior managers stage 3) and by
  the Business Unit, which holds stage 4 and the figures. The Independent Chair sees the figures,
  never a child.
- Self-assessments: the Business Unit writes the standards, opens the yearly round and challenges;
  an organisation's people rate and answer for their own organisation only. The Chair and the
  statutory partner leads read the comparison (no child in it).
- Secure settings: a secure setting's people return their own organisation's figures and read
  its returns; the Business Unit reads every setting's, enters a return for one and records the
  incident reviews. The figures name no child.
"""

from __future__ import annotations

from typing import Any

from safeguard.assurance.models import CaseAudit, IncidentReview, SelfAssessment
from safeguard.core import policies as core_policies
from safeguard.core.models import ApiKey
from safeguard.core.roles import Role


class Cap:
    ESCALATE = "assurance.escalate"  # raise a concern, work one's agency's concerns
    SELF_ASSESS = "assurance.self_assess"  # one's own organisation's self-assessments
    SECURE_RETURN = "assurance.secure_return"  # one's own secure setting's returns
    AUDIT = "assurance.audit"  # audit one's agency's part of a multi-agency case audit
    FIGURES = "assurance.figures"  # the partnership's figures: no child in them
    MANAGE = "assurance.manage"  # the Business Unit: runs every process of the module


_BUSINESS_UNIT = (Role.BUSINESS_UNIT_ADMIN, Role.BUSINESS_UNIT_OFFICER)
_PRACTICE = (
    Role.PRACTITIONER,
    Role.SCHOOL_DSL,
    Role.STATUTORY_PARTNER_LEAD,
    Role.SUBGROUP_MEMBER,
    Role.POLICE_OFFICER,
    Role.LA_DECISION_MAKER,
    *_BUSINESS_UNIT,
)

GRANTS: dict[str, set[str]] = {role.value: set() for role in Role}
for _role in _PRACTICE:
    GRANTS[_role] |= {Cap.ESCALATE, Cap.SELF_ASSESS, Cap.SECURE_RETURN, Cap.AUDIT}
for _role in (*_BUSINESS_UNIT, Role.INDEPENDENT_CHAIR, Role.STATUTORY_PARTNER_LEAD):
    GRANTS[_role] |= {Cap.FIGURES}
for _role in _BUSINESS_UNIT:
    GRANTS[_role] |= {Cap.MANAGE}


def can(person: Any, capability: str) -> bool:
    if isinstance(person, ApiKey):
        return False
    return core_policies.can(person, capability)


def manages(person: Any) -> bool:
    return can(person, Cap.MANAGE)


# --- Concerns Resolution ----------------------------------------------------------------------


def can_see_escalation(person: Any, escalation: Any) -> bool:
    if manages(person):
        return True
    return can(person, Cap.ESCALATE) and person.organisation_id in (
        escalation.raised_by_organisation_id,
        escalation.other_organisation_id,
    )


def can_decide_escalation(person: Any, escalation: Any) -> bool:
    """The raising agency moves its concern on or closes it; the partnership holds stage 4."""
    if escalation.status != "open":
        return False
    if manages(person):
        return True
    return (
        escalation.stage < 4
        and can(person, Cap.ESCALATE)
        and person.organisation_id == escalation.raised_by_organisation_id
    )


def can_respond_escalation(person: Any, escalation: Any) -> bool:
    """The other agency answers each stage; at stage 4 the Business Unit records its answer."""
    if escalation.status != "open":
        return False
    if manages(person):
        return True
    return can(person, Cap.ESCALATE) and person.organisation_id == escalation.other_organisation_id


# --- Self-assessments -------------------------------------------------------------------------


def can_see_assessment(person: Any, assessment: Any) -> bool:
    if manages(person):
        return True
    return can(person, Cap.SELF_ASSESS) and person.organisation_id == assessment.organisation_id


def can_return_assessment(person: Any, assessment: Any) -> bool:
    return (
        assessment.status == "awaiting"
        and can(person, Cap.SELF_ASSESS)
        and person.organisation_id == assessment.organisation_id
    )


def can_challenge(person: Any, assessment: Any) -> bool:
    return manages(person) and assessment.status == "returned"


def can_answer_challenge(person: Any, challenge: Any) -> bool:
    assessment = challenge.rating.assessment
    return (
        challenge.answered_at is None
        and can(person, Cap.SELF_ASSESS)
        and person.organisation_id == assessment.organisation_id
    )


# --- Secure settings --------------------------------------------------------------------------


def is_secure_setting(organisation: Any) -> bool:
    return organisation is not None and organisation.kind == "secure_setting"


def can_see_setting(person: Any, organisation: Any) -> bool:
    if not is_secure_setting(organisation):
        return False
    if manages(person):
        return True
    return can(person, Cap.SECURE_RETURN) and person.organisation_id == organisation.pk


def can_submit_return(person: Any, organisation: Any) -> bool:
    return can_see_setting(person, organisation)


# --- Multi-agency case audits ------------------------------------------------------------------


def takes_part(person: Any, audit: Any) -> bool:
    """An auditor of one of the audit's agencies (or the Business Unit)."""
    if manages(person):
        return True
    return can(person, Cap.AUDIT) and audit.agencies.filter(pk=person.organisation_id).exists()


def can_see_audit(person: Any, audit: Any) -> bool:
    return takes_part(person, audit)


def can_see_case(person: Any, case: Any) -> bool:
    """A case names a child: the audit's auditors and the Business Unit, through a selector
    that audits the read."""
    return takes_part(person, case.audit)


def can_answer_case(person: Any, case: Any) -> bool:
    """An auditor answers for their own agency while the agencies are auditing."""
    return (
        case.audit.status == "auditing"
        and not manages(person)
        and can(person, Cap.AUDIT)
        and case.audit.agencies.filter(pk=person.organisation_id).exists()
    )


def can_run_audit(person: Any, audit: Any) -> bool:
    return manages(person)


def may_see_audit_actions(person: Any, source_id: str) -> bool:
    found = CaseAudit.objects.filter(pk=_int(source_id)).first()
    return found is not None and can_see_audit(person, found)


# --- the shared action plan asks ----------------------------------------------------------------


def may_see_assessment_actions(person: Any, source_id: str) -> bool:
    """Actions following a self-assessment: its organisation's people see them."""
    found = SelfAssessment.objects.filter(pk=_int(source_id)).first()
    return found is not None and can_see_assessment(person, found)


def may_see_review_actions(person: Any, source_id: str) -> bool:
    found = IncidentReview.objects.filter(pk=_int(source_id)).select_related("organisation").first()
    return found is not None and can_see_setting(person, found.organisation)


# The same answers for every record at once, so the plan's lists and "what is due" ask once
# (``governance.sources.register(visible=...)``), not once per audit, assessment or review.


def visible_assessment_actions(person: Any) -> list[str]:
    if isinstance(person, ApiKey):
        return []
    found = SelfAssessment.objects.all()
    if not manages(person):
        if not can(person, Cap.SELF_ASSESS):
            return []
        found = found.filter(organisation_id=person.organisation_id)
    return [str(pk) for pk in found.values_list("pk", flat=True)]


def visible_review_actions(person: Any) -> list[str]:
    if isinstance(person, ApiKey):
        return []
    found = IncidentReview.objects.filter(organisation__kind="secure_setting")
    if not manages(person):
        if not can(person, Cap.SECURE_RETURN):
            return []
        found = found.filter(organisation_id=person.organisation_id)
    return [str(pk) for pk in found.values_list("pk", flat=True)]


def visible_audit_actions(person: Any) -> list[str]:
    if isinstance(person, ApiKey):
        return []
    found = CaseAudit.objects.all()
    if not manages(person):
        if not can(person, Cap.AUDIT):
            return []
        found = found.filter(agencies=person.organisation_id)
    return [str(pk) for pk in found.values_list("pk", flat=True).distinct()]


def _int(value: str) -> int:
    return int(value) if str(value).isdigit() else 0
