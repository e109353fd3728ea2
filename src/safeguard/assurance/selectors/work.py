"""Which of this module's clocks a person may open, and what waits for them on the home page
(ADR 0008): each clock links to a page the same policy opens for that person."""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.urls import reverse

from safeguard.assurance import policies
from safeguard.assurance.models import Challenge, EscalationStage
from safeguard.assurance.selectors import assessments, escalations, secure
from safeguard.assurance.services._common import ASSESSMENT, CHALLENGE, RETURN_DUE, STAGE
from safeguard.core.work import WorkItem


def _ids(rows: Any) -> Any:
    return rows.annotate(s=Cast("pk", output_field=CharField())).values("s")


def deadline_access(actor: Any) -> Q:
    """Which of assurance's clocks the person may open. It only reads: a secure setting's owed
    monthly-return clocks are opened by the worker's catch-up (at its start and daily), never
    by a page that lists them (ADR 0023)."""
    visible = escalations.escalations_for(actor=actor)
    stages = EscalationStage.objects.filter(escalation__in=visible)
    mine = assessments.assessments_for(actor=actor)
    challenges = Challenge.objects.filter(rating__assessment__in=mine)
    access = (
        Q(subject_type=STAGE, subject_id__in=_ids(stages))
        | Q(subject_type=ASSESSMENT, subject_id__in=_ids(mine))
        | Q(subject_type=CHALLENGE, subject_id__in=_ids(challenges))
    )
    for organisation in secure.settings_for(actor=actor):
        access |= Q(subject_type=RETURN_DUE, subject_id__startswith=f"{organisation.pk}:")
    return access


def home_work(person: Any) -> list[WorkItem]:
    items: list[WorkItem] = []
    if policies.can(person, policies.Cap.ESCALATE):
        waiting = (
            escalations.escalations_for(actor=person, status="open")
            .filter(other_organisation_id=person.organisation_id)
            .count()
        )
        if waiting:
            items.append(
                WorkItem(
                    "Concerns about your agency's decisions awaiting an answer",
                    waiting,
                    reverse("assurance:escalations"),
                )
            )
        if policies.manages(person):
            at_partnership = (
                escalations.escalations_for(actor=person, status="open").filter(stage=4).count()
            )
            if at_partnership:
                items.append(
                    WorkItem(
                        "Concerns at the partnership stage",
                        at_partnership,
                        reverse("assurance:escalations"),
                    )
                )
    if policies.can(person, policies.Cap.SELF_ASSESS) and not policies.manages(person):
        awaiting = assessments.assessments_for(actor=person).filter(status="awaiting").count()
        if awaiting:
            items.append(
                WorkItem("Self-assessments to return", awaiting, reverse("assurance:assessments"))
            )
        challenges = assessments.open_challenges_for(actor=person).count()
        if challenges:
            items.append(
                WorkItem(
                    "Challenges to your self-assessment to answer",
                    challenges,
                    reverse("assurance:assessments"),
                )
            )
    return items
