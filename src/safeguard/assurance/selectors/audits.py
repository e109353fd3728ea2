"""Reads of multi-agency case audits. A case names a child: opening one is an audited read
(and a refused attempt is audited too); the programme, the audit and its report name cases by
number only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404

from safeguard.assurance import policies, rules
from safeguard.assurance.models import AuditCase, AuditTool, CaseAnswer, CaseAudit, GradingScale
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
    found = CaseAudit.objects.select_related("tool", "tool__scale").filter(pk=pk).first()
    if found is None or not policies.can_see_audit(actor, found):
        refused(actor, AUDIT, pk)
        raise Http404
    return found


def case_for(*, actor: Any, pk: int) -> AuditCase:
    found = (
        AuditCase.objects.select_related(
            "audit", "audit__tool", "audit__tool__scale", "pupil", "pupil__school"
        )
        .filter(pk=pk)
        .first()
    )
    if found is None or not policies.can_see_case(actor, found):
        refused(actor, CASE, pk)
        raise Http404
    audit_trail.record_view(actor=actor, record_type=CASE, record_id=found.pk)
    return found


def tools() -> QuerySet[AuditTool]:
    return AuditTool.objects.select_related("scale")


def scales() -> QuerySet[GradingScale]:
    """Every version of every scale, newest first within a name: the Business Unit's list."""
    return GradingScale.objects.annotate(tool_count=Count("tools"))


def answers_of(case: AuditCase) -> list[CaseAnswer]:
    return list(case.answers.select_related("organisation", "answered_by"))


@dataclass(frozen=True)
class Report:
    """The audit's figures: no child, cases by number only."""

    scale: rules.Scale
    agreed: dict[str, int]
    good_enough: int  # cases whose agreed grade counts as good enough on the audit's scale
    moderated: int
    by_question: list[tuple[str, dict[str, int]]]
    by_agency: list[tuple[str, int, int]]  # agency, cases answered, of cases
    confident: int
    questionnaire: int

    @property
    def agreed_rows(self) -> list[tuple[str, int]]:
        """The agreed grades in the scale's order, with the scale's own labels."""
        return [(self.scale.label(key), count) for key, count in self.agreed.items()]


def report_of(audit: CaseAudit) -> Report:
    scale = audit.tool.scale.rule()
    cases = list(audit.cases.all())
    moderated = [c.agreed_grade for c in cases if c.agreed_grade]
    agreed = scale.counts(moderated)
    answers = CaseAnswer.objects.filter(case__audit=audit)
    by_question = []
    for number, question in enumerate(audit.tool.questions, start=1):
        grades = answers.filter(question=number).values_list("grade", flat=True)
        by_question.append((f"{number}. {question}", scale.counts(grades)))
    by_agency = []
    for agency in audit.agencies.order_by("name"):
        answered = answers.filter(organisation=agency).values("case").distinct().count()
        by_agency.append((agency.name, answered, len(cases)))
    questionnaire = audit.questionnaire.all()
    return Report(
        scale=scale,
        agreed=agreed,
        good_enough=scale.good_enough_count(moderated),
        moderated=len(moderated),
        by_question=by_question,
        by_agency=by_agency,
        confident=questionnaire.filter(confident=True).count(),
        questionnaire=questionnaire.count(),
    )
