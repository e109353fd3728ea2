"""Section 11 / 175 / 157 self-assessments: standards, the yearly round, returns, challenges.

Each organisation's return is a clock on "What is due" (owned by the organisation, due on the
round's date); each challenge is one too (10 working days for the answer). Actions that follow
go to the shared action plan (source kind ``assurance.self_assessment``).
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
    Challenge,
    Rating,
    Round,
    SelfAssessment,
    Standard,
    StandardTemplate,
)
from safeguard.assurance.services._common import (
    ASSESSMENT,
    CHALLENGE,
    KIND_CHALLENGE,
    KIND_RETURN,
    MODULE,
    ROUND,
    TEMPLATE,
    fail,
    meet,
    record,
    refuse_unless,
    state,
)
from safeguard.core import holidays
from safeguard.core.clock import end_of_day, london_date, start_of_day
from safeguard.core.models import Organisation
from safeguard.core.models.audit import AuditAction
from safeguard.core.services.deadlines import deadline_open, deadline_open_working_days
from safeguard.governance.models import Action
from safeguard.governance.services.actions import action_create

SOURCE_KIND = "assurance.self_assessment"


def assessment_link(assessment: SelfAssessment) -> str:
    return f"/assurance/self-assessments/{assessment.pk}"


def template_save(
    *,
    actor: Any,
    kind: str,
    title: str,
    standards: list[tuple[str, str]],
    now: datetime | None = None,
) -> StandardTemplate:
    """A new version of a kind's standards; earlier rounds keep the version they used."""
    refuse_unless(policies.manages(actor))
    errors: dict[str, str] = {}
    if kind not in rules.TEMPLATE_KINDS:
        errors["kind"] = "Choose which self-assessment the standards are for"
    if not title.strip():
        errors["title"] = "Enter the title"
    if not standards:
        errors["standards"] = "Enter at least one standard"
    fail(errors)
    with transaction.atomic():
        latest = StandardTemplate.objects.filter(kind=kind).aggregate(n=Max("version"))["n"] or 0
        template = StandardTemplate.objects.create(
            kind=kind,
            version=latest + 1,
            title=title.strip(),
            created_at=now or timezone.now(),
            created_by=actor,
        )
        Standard.objects.bulk_create(
            Standard(template=template, number=n, title=t, guidance=g)
            for n, (t, g) in enumerate(standards, start=1)
        )
        record(
            action=AuditAction.CREATE,
            record_type=TEMPLATE,
            record=template,
            actor=actor,
            changes={"kind": kind, "version": template.version, "standards": len(standards)},
        )
    return template


def latest_template(kind: str) -> StandardTemplate | None:
    return StandardTemplate.objects.filter(kind=kind).order_by("-version").first()


def round_open(
    *,
    actor: Any,
    title: str,
    year: int,
    returns_due_on: date | None,
    organisations: Iterable[Organisation],
    now: datetime | None = None,
) -> Round:
    """Ask each organisation for its self-assessment against its kind's latest standards."""
    refuse_unless(policies.manages(actor))
    at = now or timezone.now()
    chosen = list(organisations)
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = "Enter the title"
    if Round.objects.filter(year=year).exists():
        errors["year"] = f"There is already a round for {year}"
    if returns_due_on is None:
        errors["returns_due_on"] = "Enter the date returns are due"
    elif returns_due_on <= london_date(at):
        errors["returns_due_on"] = "The date returns are due must be in the future"
    if not chosen:
        errors["organisations"] = "Choose which organisations assess themselves"
    missing = sorted(
        {rules.TEMPLATE_KINDS[rules.template_kind_for(o.kind)] for o in chosen}
        - {rules.TEMPLATE_KINDS[t.kind] for t in StandardTemplate.objects.all()}
    )
    if missing:
        errors["organisations"] = f"Write the standards first: {', '.join(missing)}"
    fail(errors)
    assert returns_due_on is not None
    with transaction.atomic():
        found = Round.objects.create(
            title=title.strip(), year=year, opened_at=at, returns_due_on=returns_due_on
        )
        for organisation in chosen:
            template = latest_template(rules.template_kind_for(organisation.kind))
            assert template is not None
            assessment = SelfAssessment.objects.create(
                round=found, organisation=organisation, template=template
            )
            deadline_open(
                module=MODULE,
                kind=KIND_RETURN,
                title=f"{found.title}: self-assessment return",
                subject_type=ASSESSMENT,
                subject_id=assessment.pk,
                starts_at=start_of_day(london_date(at)),
                due_at=end_of_day(returns_due_on),
                rule=f"Returned by {returns_due_on.day} {returns_due_on:%B %Y}",
                owner_organisation=organisation,
                link=assessment_link(assessment),
                actor=actor,
            )
        record(
            action=AuditAction.CREATE,
            record_type=ROUND,
            record=found,
            actor=actor,
            changes={"year": year, "organisations": len(chosen), "due": returns_due_on.isoformat()},
        )
    return found


def assessment_return(
    *,
    actor: Any,
    assessment: SelfAssessment,
    ratings: dict[int, tuple[str, str]],
    voice_of_child: str,
    now: datetime | None = None,
) -> SelfAssessment:
    """The organisation rates every standard (red, amber or green, with evidence) and answers
    the voice-of-the-child question; the return's clock is met."""
    refuse_unless(policies.can_return_assessment(actor, assessment))
    errors: dict[str, str] = {}
    standards = list(assessment.template.standards.all())
    for standard in standards:
        rag, evidence = ratings.get(standard.pk, ("", ""))
        if rag not in rules.RAG:
            errors[f"rag_{standard.pk}"] = f"Choose a rating for standard {standard.number}"
        if not evidence.strip():
            errors[f"evidence_{standard.pk}"] = f"Enter the evidence for standard {standard.number}"
    if not voice_of_child.strip():
        errors["voice_of_child"] = "Enter how your organisation hears the voice of the child"
    fail(errors)
    at = now or timezone.now()
    with transaction.atomic():
        Rating.objects.bulk_create(
            Rating(
                assessment=assessment,
                standard=standard,
                rag=ratings[standard.pk][0],
                evidence=ratings[standard.pk][1].strip(),
            )
            for standard in standards
        )
        assessment.voice_of_child = voice_of_child.strip()
        assessment.status = "returned"
        assessment.returned_at = at
        assessment.returned_by = actor
        assessment.save(update_fields=["voice_of_child", "status", "returned_at", "returned_by"])
        record(
            action=AuditAction.UPDATE,
            record_type=ASSESSMENT,
            record=assessment,
            actor=actor,
            changes={
                "status": ["awaiting", "returned"],
                "ratings": rules.rag_counts(r for r, _ in ratings.values()),
            },
        )
        meet(
            kind=KIND_RETURN, subject_type=ASSESSMENT, subject_id=assessment.pk, at=at, actor=actor
        )
    return assessment


def challenge_raise(
    *, actor: Any, rating: Rating | None, question: str, now: datetime | None = None
) -> Challenge:
    """The Business Unit questions one rating; the organisation answers in 10 working days."""
    errors: dict[str, str] = {}
    if rating is None:
        errors["rating"] = "Choose the standard you are challenging"
    if not question.strip():
        errors["question"] = "Enter the challenge"
    if rating is not None:
        refuse_unless(policies.can_challenge(actor, rating.assessment))
    fail(errors)
    assert rating is not None
    at = now or timezone.now()
    opened_on = london_date(at)
    with transaction.atomic():
        challenge = Challenge.objects.create(
            rating=rating,
            question=question.strip(),
            raised_at=at,
            raised_by=actor,
            due_on=holidays.add_working_days(opened_on, rules.CHALLENGE_WORKING_DAYS),
        )
        assessment = rating.assessment
        deadline_open_working_days(
            module=MODULE,
            kind=KIND_CHALLENGE,
            title=f"Answer a challenge to your self-assessment (standard {rating.standard.number})",
            subject_type=CHALLENGE,
            subject_id=challenge.pk,
            starts_on=opened_on,
            working_days=rules.CHALLENGE_WORKING_DAYS,
            owner_organisation=assessment.organisation,
            link=assessment_link(assessment),
            actor=actor,
        )
        record(
            action=AuditAction.CREATE,
            record_type=CHALLENGE,
            record=challenge,
            actor=actor,
            changes=state(challenge, ("rating_id", "due_on"), ("question",)),
        )
    return challenge


def challenge_answer(
    *, actor: Any, challenge: Challenge, answer: str, now: datetime | None = None
) -> Challenge:
    refuse_unless(policies.can_answer_challenge(actor, challenge))
    fail({} if answer.strip() else {"answer": "Enter your answer to the challenge"})
    at = now or timezone.now()
    with transaction.atomic():
        challenge.answer = answer.strip()
        challenge.answered_at = at
        challenge.answered_by = actor
        challenge.save(update_fields=["answer", "answered_at", "answered_by"])
        record(
            action=AuditAction.UPDATE,
            record_type=CHALLENGE,
            record=challenge,
            actor=actor,
            changes=state(challenge, ("answered_at",), ("answer",)),
        )
        meet(
            kind=KIND_CHALLENGE, subject_type=CHALLENGE, subject_id=challenge.pk, at=at, actor=actor
        )
    return challenge


def assessment_action_add(
    *,
    actor: Any,
    assessment: SelfAssessment,
    title: str,
    due_on: date | None,
    description: str = "",
    now: datetime | None = None,
) -> Action:
    """An action following a self-assessment, owned by its organisation, in the shared plan."""
    refuse_unless(policies.manages(actor))
    return action_create(
        actor=actor,
        source_kind=SOURCE_KIND,
        source_id=assessment.pk,
        title=title,
        owner_organisation=assessment.organisation,
        due_on=due_on,
        description=description,
        source_title=f"{assessment.round.title}: {assessment.organisation.name}",
        now=now,
    )
