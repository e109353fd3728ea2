"""Reads of multi-agency case audits. A case names a child: opening one is an audited read
(and a refused attempt is audited too); the programme, the audit and its report name cases by
number only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404

from safeguard.assurance import policies, rules
from safeguard.assurance.models import AuditCase, AuditTool, CaseAnswer, CaseAudit
from safeguard.assurance.selectors._common import refused
from safeguard.assurance.services._common import AUDIT, CASE
from safeguard.core import audit as audit_trail


def audits_for(*, actor: Any) -> QuerySet[CaseAudit]:
    found = CaseAudit.objects.annotate(case_count=Count("cases", distinct=True))
    if policies.manages(actor):
        return found
    if policies.can(actor, policies.Cap.AUDIT):
        return found.filter(agencies=actor.organisation_id)
    return found.none()


def audit_for(*, actor: Any, pk: int) -> CaseAudit:
    found = CaseAudit.objects.select_related("tool").filter(pk=pk).first()
    if found is None or not policies.can_see_audit(actor, found):
        refused(actor, AUDIT, pk)
        raise Http404
    return found


def case_for(*, actor: Any, pk: int) -> AuditCase:
    found = (
        AuditCase.objects.select_related("audit", "audit__tool", "pupil", "pupil__school")
        .filter(pk=pk)
        .first()
    )
    if found is None or not policies.can_see_case(actor, found):
        refused(actor, CASE, pk)
        raise Http404
    audit_trail.record_view(actor=actor, record_type=CASE, record_id=found.pk)
    return found


def tools() -> QuerySet[AuditTool]:
    return AuditTool.objects.all()


def answers_of(case: AuditCase) -> list[CaseAnswer]:
    return list(case.answers.select_related("organisation", "answered_by"))


@dataclass(frozen=True)
class Report:
    """The audit's figures: no child, cases by number only."""

    agreed: dict[str, int]
    by_question: list[tuple[str, dict[str, int]]]
    by_agency: list[tuple[str, int, int]]  # agency, cases answered, of cases
    confident: int
    questionnaire: int


def report_of(audit: CaseAudit) -> Report:
    cases = list(audit.cases.all())
    agreed = rules.grade_counts(c.agreed_grade for c in cases if c.agreed_grade)
    answers = CaseAnswer.objects.filter(case__audit=audit)
    by_question = []
    for number, question in enumerate(audit.tool.questions, start=1):
        grades = answers.filter(question=number).values_list("grade", flat=True)
        by_question.append((f"{number}. {question}", rules.grade_counts(grades)))
    by_agency = []
    for agency in audit.agencies.order_by("name"):
        answered = answers.filter(organisation=agency).values("case").distinct().count()
        by_agency.append((agency.name, answered, len(cases)))
    questionnaire = audit.questionnaire.all()
    return Report(
        agreed=agreed,
        by_question=by_question,
        by_agency=by_agency,
        confident=questionnaire.filter(confident=True).count(),
        questionnaire=questionnaire.count(),
    )
