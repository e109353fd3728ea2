"""The Joint Agency Response to an unexpected death, step by step, each with its clock.

Clocks in the units the guidance and the annual report use: the SUDIC home visit usually within
48 hours (hours, weekends included), the family's information within 48 hours, the initial
information-sharing meeting and the final case discussion in working days (the partnership's
own choices; ``rules``). Every clock is owned by the CDOP group, never a person or an agency,
so no reminder e-mail leaves the team, and only the team sees them on "What is due".
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from safeguard.child_deaths import policies, rules
from safeguard.child_deaths.models import Death, JointAgencyResponse
from safeguard.child_deaths.services import _common
from safeguard.core import audit
from safeguard.core.clock import london_date
from safeguard.core.models.audit import AuditAction
from safeguard.core.services.deadlines import deadline_open, deadline_open_working_days

HOME_VISIT = "jar_home_visit"
FAMILY_INFORMATION = "jar_family_information"
INITIAL_MEETING = "jar_initial_meeting"
FINAL_DISCUSSION = "jar_final_discussion"
STEPS: dict[str, tuple[str, str]] = {
    # kind -> (field, what the clock is for)
    HOME_VISIT: ("home_visit_at", "SUDIC home visit"),
    FAMILY_INFORMATION: ("family_informed_at", "Information given to the family"),
    INITIAL_MEETING: ("initial_meeting_at", "Initial information-sharing meeting"),
    FINAL_DISCUSSION: ("final_discussion_at", "Final case discussion"),
}
_FIELDS = ("started_at", "home_visit_at", "family_informed_at", "initial_meeting_at")


def _title(kind: str, death: Death) -> str:
    return f"{STEPS[kind][1]}: child death {death.reference}"


def jar_start(
    *, actor: Any, death: Death, triggers: list[str], started_at: datetime
) -> JointAgencyResponse:
    """Start the JAR (once) and its four clocks."""
    rules.jar_needed(expected=death.expected, triggers=triggers)  # checks the codes
    with transaction.atomic():
        existing = JointAgencyResponse.objects.filter(death=death).first()
        if existing is not None:
            return existing
        jar = JointAgencyResponse.objects.create(
            death=death, triggers=sorted(set(triggers)), started_at=started_at
        )
        audit.record(
            action=AuditAction.CREATE,
            record_type=_common.JAR,
            record_id=jar.pk,
            actor=actor,
            changes={"death_id": death.pk, "triggers": jar.triggers},
        )
        group, link = _common.the_panel(), _common.death_link(death)
        common = {
            "module": _common.MODULE,
            "subject_type": _common.DEATH,
            "subject_id": death.pk,
            "group": group,
            "link": link,
            "actor": actor,
        }
        for kind, hours in (
            (HOME_VISIT, rules.HOME_VISIT_HOURS),
            (FAMILY_INFORMATION, rules.FAMILY_INFORMATION_HOURS),
        ):
            deadline_open(
                kind=kind,
                title=_title(kind, death),
                starts_at=started_at,
                due_at=rules.due_after_hours(started_at, hours),
                rule=f"{hours} hours from the start of the Joint Agency Response",
                **common,
            )
        for kind, days in (
            (INITIAL_MEETING, rules.INITIAL_MEETING_WORKING_DAYS),
            (FINAL_DISCUSSION, rules.FINAL_DISCUSSION_WORKING_DAYS),
        ):
            deadline_open_working_days(
                kind=kind,
                title=_title(kind, death),
                starts_on=london_date(started_at),
                working_days=days,
                **common,
            )
    return jar


def jar_triggers_set(*, actor: Any, death: Death, triggers: list[str]) -> JointAgencyResponse:
    _common.refuse_unless(_can(actor, death))
    rules.jar_needed(expected=death.expected, triggers=triggers)
    with transaction.atomic():
        jar = JointAgencyResponse.objects.select_for_update().get(death=death)
        before = list(jar.triggers)
        jar.triggers = sorted(set(triggers))
        if jar.triggers != before:
            jar.save(update_fields=["triggers"])
            audit.record(
                action=AuditAction.UPDATE,
                record_type=_common.JAR,
                record_id=jar.pk,
                actor=actor,
                changes={"triggers": [before, jar.triggers]},
            )
    return jar


def _can(actor: Any, death: Death) -> bool:
    return policies.can_change_death(actor, death)


def jar_step_record(
    *,
    actor: Any,
    death: Death,
    step: str,
    at: datetime,
    key_worker: str = "",
    bereavement_support: bool = False,
    leaflet_language: str = "",
) -> JointAgencyResponse:
    """Record when a step happened; its clock is met at that moment (late if after the due)."""
    _common.refuse_unless(_can(actor, death))
    if step not in STEPS:
        _common.fail({"step": "Select a step from the list"})
    errors: dict[str, str] = {}
    if at < death.died_at:
        errors["at"] = "The date must be on or after the date of death"
    if step == FAMILY_INFORMATION and not key_worker.strip():
        errors["key_worker"] = "Enter the name of the family's key worker"
    _common.fail(errors)
    field = STEPS[step][0]
    with transaction.atomic():
        jar = JointAgencyResponse.objects.select_for_update().get(death=death)
        before = _common.state(jar, (field, "bereavement_support", "leaflet_language"))
        setattr(jar, field, at)
        if step == FAMILY_INFORMATION:
            jar.key_worker = key_worker.strip()
            jar.bereavement_support = bereavement_support
            jar.leaflet_language = leaflet_language.strip()
        jar.save()
        after = _common.state(jar, (field, "bereavement_support", "leaflet_language"))
        audit.record(
            action=AuditAction.UPDATE,
            record_type=_common.JAR,
            record_id=jar.pk,
            actor=actor,
            changes=audit.diff(before, after),
        )
        _common.meet(kind=step, subject_type=_common.DEATH, subject_id=death.pk, at=at, actor=actor)
    return jar
