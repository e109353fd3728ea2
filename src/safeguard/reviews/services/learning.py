"""Learning: themes, the learning sheet, its publication and its dissemination.

A learning sheet is written anonymised by the Business Unit (what happened, good practice,
learning, what to do differently); once published anyone in the partnership may read it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from safeguard.core import audit
from safeguard.core.models.audit import AuditAction
from safeguard.reviews import policies, rules
from safeguard.reviews.models import Dissemination, Incident, LearningSheet, Status, Theme
from safeguard.reviews.services._common import fail, refuse_unless, state, text_marks, today
from safeguard.reviews.services.learning_index import learning_index_update

THEME = "reviews.theme"
SHEET = "reviews.learning_sheet"
DISSEMINATION = "reviews.dissemination"
_SHEET_TEXT = ("title", "what_happened", "good_practice", "learning", "do_differently")
WITH_LEARNING = (
    Status.RAPID_REVIEW,
    Status.RAPID_REVIEW_SUBMITTED,
    Status.CSPR,
    Status.ACTIONS,
    Status.CLOSED,
)


def theme_add(*, actor: Any, name: str) -> Theme:
    refuse_unless(policies.can(actor, policies.Cap.MANAGE))
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Enter the theme"})
    if len(name) > 100:
        raise ValidationError({"name": "The theme must be 100 characters or fewer"})
    if Theme.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": "That theme is already on the list"})
    try:
        with transaction.atomic():
            theme = Theme.objects.create(name=name)
            audit.record(
                action=AuditAction.CREATE,
                record_type=THEME,
                record_id=theme.pk,
                actor=actor,
                changes={"name": [None, name]},
            )
    except IntegrityError as error:
        raise ValidationError({"name": "That theme is already on the list"}) from error
    return theme


def theme_set_active(*, actor: Any, theme: Theme, active: bool) -> Theme:
    refuse_unless(policies.can(actor, policies.Cap.MANAGE))
    with transaction.atomic():
        if theme.active != active:
            Theme.objects.filter(pk=theme.pk).update(active=active)
            audit.record(
                action=AuditAction.UPDATE,
                record_type=THEME,
                record_id=theme.pk,
                actor=actor,
                changes={"active": [theme.active, active]},
            )
            theme.active = active
    return theme


def learning_sheet_save(
    *,
    actor: Any,
    incident: Incident,
    title: str,
    what_happened: str,
    good_practice: str,
    learning: str,
    do_differently: str,
    themes: Iterable[Theme] = (),
) -> LearningSheet:
    refuse_unless(policies.can_manage(actor, incident))
    errors = {}
    if incident.status not in WITH_LEARNING:
        errors["incident"] = "Learning follows a Rapid Review"
    if not title.strip():
        errors["title"] = "Enter a title"
    if not what_happened.strip():
        errors["what_happened"] = "Describe what happened, anonymised"
    if not learning.strip():
        errors["learning"] = "Enter the learning"
    texts = {
        "title": ("The title", title),
        "what_happened": ("What happened", what_happened),
        "good_practice": ("Good practice", good_practice),
        "learning": ("The learning", learning),
        "do_differently": ("What to do differently", do_differently),
    }
    for name, (label, text) in texts.items():
        if name not in errors and rules.names_a_case(text, reference=incident.reference):
            errors[name] = (
                f"{label} must not include the case reference: a learning sheet never"
                " identifies a case"
            )
    fail(errors)
    themes = list(themes)
    with transaction.atomic():
        sheet = LearningSheet.objects.filter(incident=incident).first()
        before: dict[str, Any] = {}
        if sheet is None:
            sheet = LearningSheet(incident=incident)
        else:
            before = {
                **text_marks(sheet, _SHEET_TEXT),
                "themes": sorted(sheet.themes.values_list("pk", flat=True)),
            }
        sheet.title = title.strip()
        sheet.what_happened = what_happened.strip()
        sheet.good_practice = good_practice.strip()
        sheet.learning = learning.strip()
        sheet.do_differently = do_differently.strip()
        sheet.save()
        sheet.themes.set(themes)
        learning_index_update(sheet=sheet)
        audit.record(
            action=AuditAction.UPDATE if before else AuditAction.CREATE,
            record_type=SHEET,
            record_id=sheet.pk,
            actor=actor,
            changes=audit.diff(
                before, {**text_marks(sheet, _SHEET_TEXT), "themes": sorted(t.pk for t in themes)}
            ),
        )
    return sheet


def learning_sheet_publish(
    *, actor: Any, sheet: LearningSheet, now: datetime | None = None
) -> LearningSheet:
    """Make the sheet readable by everyone in the partnership. Publishing again changes nothing."""
    refuse_unless(policies.can_manage(actor, sheet.incident))
    with transaction.atomic():
        sheet = LearningSheet.objects.select_for_update().get(pk=sheet.pk)
        if sheet.published_at is None:
            sheet.published_at = now or timezone.now()
            sheet.save(update_fields=["published_at"])
            audit.record(
                action=AuditAction.UPDATE,
                record_type=SHEET,
                record_id=sheet.pk,
                actor=actor,
                changes={"published_at": [None, sheet.published_at.isoformat()]},
            )
    return sheet


def dissemination_add(
    *,
    actor: Any,
    sheet: LearningSheet,
    kind: str,
    audience: str,
    held_on: date,
    notes: str = "",
    now: datetime | None = None,
) -> Dissemination:
    refuse_unless(policies.can_manage(actor, sheet.incident))
    errors = {}
    if kind not in Dissemination.Kind.values:
        errors["kind"] = "Choose how the learning was shared"
    if not audience.strip():
        errors["audience"] = "Enter the group, course or audience"
    if held_on > today(now):
        errors["held_on"] = "The date must be today or earlier"
    fail(errors)
    with transaction.atomic():
        done = Dissemination.objects.create(
            sheet=sheet, kind=kind, audience=audience.strip(), held_on=held_on, notes=notes.strip()
        )
        audit.record(
            action=AuditAction.CREATE,
            record_type=DISSEMINATION,
            record_id=done.pk,
            actor=actor,
            changes=audit.diff({}, state(done, ("sheet_id", "kind", "audience", "held_on"))),
        )
    return done
