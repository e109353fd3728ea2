"""Every read of child deaths, already narrowed to what the person may see, and audited.

A refused attempt (another organisation's acknowledgement, a death the person is not a team
member for) answers 404 and is audited like a read (DESIGN.md 3), so probing shows in the trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from safeguard.child_deaths import policies, rules
from safeguard.child_deaths.models import (
    Death,
    JointAgencyResponse,
    Notification,
    ReportingForm,
    Review,
)
from safeguard.child_deaths.services._common import DEATH, FORM, MODULE, NOTIFICATION
from safeguard.child_deaths.services.actions import SOURCE_KIND
from safeguard.core import audit
from safeguard.core.models import Deadline
from safeguard.core.models.audit import AuditAction
from safeguard.governance.selectors.actions import actions_of_source


def refused(actor: Any, record_type: str, record_id: object) -> None:
    audit.record(
        action=AuditAction.DENIED, record_type=record_type, record_id=record_id, actor=actor
    )


def deaths_for(*, actor: Any, status: str | None = None) -> QuerySet[Death]:
    """The deaths list: the team's only. Listing names no one outside the team."""
    if not policies.is_team(actor):
        return Death.objects.none()
    found = Death.objects.all()
    if status:
        found = found.filter(status=status)
    return found.select_related("review")


def death_for(*, actor: Any, pk: int) -> Death:
    death = Death.objects.filter(pk=pk).first()
    if death is None or not policies.can_see_death(actor, death):
        refused(actor, DEATH, pk)
        raise Http404
    audit.record_view(actor=actor, record_type=DEATH, record_id=death.pk)
    return death


def acknowledgement_for(*, actor: Any, pk: int) -> Notification:
    """The notifier's acknowledgement: its own organisation's notification only."""
    found = Notification.objects.select_related("death", "organisation").filter(pk=pk).first()
    if found is None or not policies.can_see_acknowledgement(actor, found):
        refused(actor, NOTIFICATION, pk)
        raise Http404
    audit.record_view(actor=actor, record_type=NOTIFICATION, record_id=found.pk)
    return found


def acknowledgement_for_organisation(*, organisation: Any, sender_reference: str) -> Notification:
    """A partner system's acknowledgement by its own reference; another's is refused (404)."""
    found = (
        Notification.objects.select_related("death")
        .filter(organisation=organisation, sender_reference=sender_reference)
        .first()
    )
    if found is None:
        refused(None, NOTIFICATION, sender_reference[:60])
        raise Http404
    audit.record_view(actor=None, record_type=NOTIFICATION, record_id=found.pk)
    return found


def form_for(*, actor: Any, pk: int) -> ReportingForm:
    form = ReportingForm.objects.select_related("death", "organisation").filter(pk=pk).first()
    if form is None or not policies.can_open_form(actor, form):
        refused(actor, FORM, pk)
        raise Http404
    audit.record_view(actor=actor, record_type=FORM, record_id=form.pk)
    return form


def forms_for(*, actor: Any) -> QuerySet[ReportingForm]:
    """The forms this person may answer now: their agency's (all of them for the team)."""
    found = ReportingForm.objects.exclude(death__status="complete").select_related(
        "death", "organisation"
    )
    if policies.is_team(actor):
        return found
    if policies.can(actor, policies.Cap.REPORT):
        return found.filter(organisation_id=actor.organisation_id)
    return ReportingForm.objects.none()


def clocks_of(death: Death) -> QuerySet[Deadline]:
    forms = [str(pk) for pk in death.reporting_forms.values_list("pk", flat=True)]
    return Deadline.objects.filter(module=MODULE, subject_type=DEATH, subject_id=str(death.pk)) | (
        Deadline.objects.filter(module=MODULE, subject_type=FORM, subject_id__in=forms)
    )


@dataclass(frozen=True)
class AgenciesAnswers:
    """What the returned reporting forms said to the poverty and barriers questions: the
    panel's starting point (``rules.combined_answer``), and the counts it reads beside it."""

    poverty: str
    barriers: str
    barrier_kinds: tuple[str, ...]
    forms_answering: int
    poverty_yes: int
    barriers_yes: int

    @property
    def barrier_labels(self) -> list[str]:
        return [rules.BARRIER_LABELS[k].lower() for k in self.barrier_kinds]


def agencies_answers(death: Death) -> AgenciesAnswers:
    """For a death already read through ``death_for`` (audited there). Only returned forms
    with answers count (a form returned before the April 2021 questions has none)."""
    answered = [
        f
        for f in ReportingForm.objects.filter(death=death, returned_at__isnull=False)
        if f.poverty and f.barriers
    ]
    kinds = sorted({k for f in answered if f.barriers == rules.YES for k in f.barrier_kinds})
    return AgenciesAnswers(
        poverty=rules.combined_answer(f.poverty for f in answered),
        barriers=rules.combined_answer(f.barriers for f in answered),
        barrier_kinds=tuple(kinds),
        forms_answering=len(answered),
        poverty_yes=sum(1 for f in answered if f.poverty == rules.YES),
        barriers_yes=sum(1 for f in answered if f.barriers == rules.YES),
    )


def death_context(death: Death) -> dict[str, Any]:
    jar = JointAgencyResponse.objects.filter(death=death).first()
    review = Review.objects.filter(death=death).first()
    return {
        "death": death,
        "jar": jar,
        "review": review,
        "notifications": death.notifications.select_related("organisation"),
        "forms": death.reporting_forms.select_related("organisation"),
        "clocks": clocks_of(death).order_by("due_at"),
        "actions": actions_of_source(source_kind=SOURCE_KIND, source_ids=[str(death.pk)]),
        "agencies": agencies_answers(death),
        "review_barriers": [
            rules.BARRIER_LABELS[k].lower() for k in (review.barrier_kinds if review else [])
        ],
    }
