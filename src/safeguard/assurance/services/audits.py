"""Multi-agency case audits: tools of graded questions (versioned), the year's programme, a
sample of children from the child index, each agency's answers, joint moderation, a practitioner
questionnaire, graded findings, and actions in the shared action plan (source kind
``assurance.case_audit``). Audit rows carry ids, codes and lengths; never a child or a comment.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from safeguard.assurance import policies, rules
from safeguard.assurance.models import (
    AuditCase,
    AuditTool,
    CaseAnswer,
    CaseAudit,
    Finding,
    GradingScale,
    QuestionnaireAnswer,
)
from safeguard.assurance.services._common import (
    ANSWER,
    AUDIT,
    CASE,
    FINDING,
    TOOL,
    fail,
    record,
    refuse_unless,
)
from safeguard.assurance.services.scales import ofsted_scale
from safeguard.core.models import Organisation
from safeguard.core.models.audit import AuditAction
from safeguard.governance.models import Action
from safeguard.governance.services.actions import action_create

SOURCE_KIND = "assurance.case_audit"


def tool_save(
    *,
    actor: Any,
    title: str,
    questions: list[str],
    scale: GradingScale | None = None,
    now: datetime | None = None,
) -> AuditTool:
    """A new version of a tool (by title); audits keep the version they were planned with, and
    with it the version of the grading scale (Ofsted's four grades unless another is chosen)."""
    refuse_unless(policies.manages(actor))
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = "Enter the title"
    if not questions:
        errors["questions"] = "Enter at least one question"
    fail(errors)
    chosen = scale or ofsted_scale()
    with transaction.atomic():
        latest = AuditTool.objects.filter(title=title.strip()).aggregate(n=Max("version"))["n"]
        tool = AuditTool.objects.create(
            title=title.strip(),
            version=(latest or 0) + 1,
            questions=questions,
            scale=chosen,
            created_at=now or timezone.now(),
            created_by=actor,
        )
        record(
            action=AuditAction.CREATE,
            record_type=TOOL,
            record=tool,
            actor=actor,
            changes={"version": tool.version, "questions": len(questions), "scale_id": chosen.pk},
        )
    return tool


def scale_of(audit: CaseAudit) -> rules.Scale:
    """The grades an audit is graded on: its tool's version of its scale."""
    return audit.tool.scale.rule()


def audit_plan(
    *,
    actor: Any,
    title: str,
    theme: str,
    year: int,
    criteria: str,
    tool: AuditTool | None,
    agencies: Iterable[Organisation],
    now: datetime | None = None,
) -> CaseAudit:
    refuse_unless(policies.manages(actor))
    chosen = list(agencies)
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = "Enter the title"
    if theme not in rules.AUDIT_THEMES:
        errors["theme"] = "Choose the theme"
    if not criteria.strip():
        errors["criteria"] = "Enter how the cases are chosen"
    if tool is None:
        errors["tool"] = "Choose the audit tool"
    if len(chosen) < 2:
        errors["agencies"] = "Choose at least two agencies: the audit is multi-agency"
    fail(errors)
    assert tool is not None
    with transaction.atomic():
        audit = CaseAudit.objects.create(
            title=title.strip(),
            theme=theme,
            year=year,
            criteria=criteria.strip(),
            tool=tool,
            created_at=now or timezone.now(),
        )
        audit.agencies.set(chosen)
        record(
            action=AuditAction.CREATE,
            record_type=AUDIT,
            record=audit,
            actor=actor,
            changes={"theme": theme, "year": year, "agencies": sorted(o.pk for o in chosen)},
        )
    return audit


def case_add(*, actor: Any, audit: CaseAudit, pupil: Any) -> AuditCase:
    """Add a child of the child index to the sample; numbered in order."""
    refuse_unless(policies.can_run_audit(actor, audit))
    errors: dict[str, str] = {}
    if pupil is None:
        errors["child"] = "Find and choose a child"
    elif audit.cases.filter(pupil=pupil).exists():
        errors["child"] = "The child is already in the sample"
    if audit.status != "auditing":
        errors["child"] = "The sample is closed once the audit is moderated"
    fail(errors)
    with transaction.atomic():
        number = (audit.cases.aggregate(n=Max("number"))["n"] or 0) + 1
        case = AuditCase.objects.create(audit=audit, number=number, pupil=pupil)
        record(
            action=AuditAction.CREATE,
            record_type=CASE,
            record=case,
            actor=actor,
            changes={"audit_id": audit.pk, "number": number, "pupil_id": pupil.pk},
        )
    return case


def case_answer(
    *,
    actor: Any,
    case: AuditCase,
    answers: dict[int, tuple[str, str]],
    now: datetime | None = None,
) -> int:
    """The auditor's agency grades every question of the tool for the case (again: corrects)."""
    refuse_unless(policies.can_answer_case(actor, case))
    questions = case.audit.tool.questions
    scale = scale_of(case.audit)
    errors = {
        f"grade_{n}": f"Choose a grade for question {n}"
        for n in range(1, len(questions) + 1)
        if answers.get(n, ("", ""))[0] not in scale.keys
    }
    fail(errors)
    at = now or timezone.now()
    with transaction.atomic():
        for n in range(1, len(questions) + 1):
            grade, comment = answers[n]
            CaseAnswer.objects.update_or_create(
                case=case,
                organisation_id=actor.organisation_id,
                question=n,
                defaults={
                    "grade": grade,
                    "comment": comment.strip(),
                    "answered_at": at,
                    "answered_by": actor,
                },
            )
        record(
            action=AuditAction.UPDATE,
            record_type=ANSWER,
            record=case,
            actor=actor,
            changes={
                "organisation_id": actor.organisation_id,
                "grades": scale.counts(g for g, _ in answers.values()),
            },
        )
    return len(questions)


def audit_moderate(
    *,
    actor: Any,
    audit: CaseAudit,
    notes: str,
    agreed: dict[int, str],
    now: datetime | None = None,
) -> CaseAudit:
    """The joint moderation: an agreed grade per case and the notes of the discussion."""
    refuse_unless(policies.can_run_audit(actor, audit))
    cases = list(audit.cases.all())
    scale = scale_of(audit)
    errors: dict[str, str] = {}
    if audit.status != "auditing":
        errors["notes"] = "The audit is already moderated"
    if not notes.strip():
        errors["notes"] = "Enter the moderation's notes"
    if not cases:
        errors["notes"] = "Add the sample of cases before moderation"
    for case in cases:
        if agreed.get(case.pk) not in scale.keys:
            errors[f"agreed_{case.pk}"] = f"Choose the agreed grade for case {case.number}"
    fail(errors)
    with transaction.atomic():
        for case in cases:
            case.agreed_grade = agreed[case.pk]
            case.save(update_fields=["agreed_grade"])
        audit.moderation = notes.strip()
        audit.moderated_at = now or timezone.now()
        audit.status = "moderated"
        audit.save(update_fields=["moderation", "moderated_at", "status"])
        record(
            action=AuditAction.UPDATE,
            record_type=AUDIT,
            record=audit,
            actor=actor,
            changes={
                "status": ["auditing", "moderated"],
                "agreed": scale.counts(agreed[c.pk] for c in cases),
            },
        )
    return audit


def finding_add(
    *, actor: Any, audit: CaseAudit, grade: str, theme: str, text: str, now: datetime | None = None
) -> Finding:
    refuse_unless(policies.can_run_audit(actor, audit))
    errors: dict[str, str] = {}
    if audit.status == "auditing":
        errors["text"] = "Moderate the audit before recording findings"
    if grade not in scale_of(audit).keys:
        errors["grade"] = "Choose the grade"
    if theme not in rules.AUDIT_THEMES:
        errors["theme"] = "Choose the theme"
    if not text.strip():
        errors["text"] = "Enter the finding"
    fail(errors)
    with transaction.atomic():
        finding = Finding.objects.create(
            audit=audit,
            grade=grade,
            theme=theme,
            text=text.strip(),
            created_at=now or timezone.now(),
        )
        if audit.status != "complete":
            audit.status = "complete"
            audit.save(update_fields=["status"])
        record(
            action=AuditAction.CREATE,
            record_type=FINDING,
            record=finding,
            actor=actor,
            changes={"grade": grade, "theme": theme, "text_length": len(finding.text)},
        )
    return finding


def finding_action_add(
    *,
    actor: Any,
    finding: Finding,
    title: str,
    owner: Organisation | None,
    due_on: date | None,
    now: datetime | None = None,
) -> Action:
    refuse_unless(policies.can_run_audit(actor, finding.audit))
    return action_create(
        actor=actor,
        source_kind=SOURCE_KIND,
        source_id=finding.audit_id,
        title=title,
        owner_organisation=owner,
        due_on=due_on,
        description=f"From the finding: {finding.text[:200]}",
        source_title=finding.audit.title,
        now=now,
    )


def questionnaire_answer(
    *,
    actor: Any,
    audit: CaseAudit,
    confident: bool | None,
    helped: str,
    hindered: str,
    now: datetime | None = None,
) -> QuestionnaireAnswer:
    refuse_unless(policies.takes_part(actor, audit) and not policies.manages(actor))
    fail({} if confident is not None else {"confident": "Choose whether you were confident"})
    assert confident is not None
    return QuestionnaireAnswer.objects.create(
        audit=audit,
        organisation_id=actor.organisation_id,
        confident=confident,
        helped=helped.strip(),
        hindered=hindered.strip(),
        answered_at=now or timezone.now(),
    )
