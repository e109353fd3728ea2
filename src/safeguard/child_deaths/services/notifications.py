"""A death notified by any agency: one death however many agencies tell us.

The guidance expects every agency to notify a death as soon as it learns of it (its section on
immediate decision making and notifications, draft (2017) chapter 2; no paragraph number of the
2018 text verified: docs/child-deaths.md). The first notification creates the death and tells
the team at once through the outbox (a reference and a link: no details leave the system); a
later one of the same death (``rules.same_death``, using the child index's normalisation) is
linked to it. An unexpected death starts its Joint Agency Response, and with it the home-visit
clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from safeguard.child_deaths import rules
from safeguard.child_deaths.models import Death, JointAgencyResponse, Notification
from safeguard.child_deaths.services import _common
from safeguard.child_deaths.services.deprivation import decile_of
from safeguard.child_deaths.services.jar import jar_start
from safeguard.core import audit
from safeguard.core.clock import london_date
from safeguard.core.models import Organisation
from safeguard.core.models.audit import AuditAction


@dataclass(frozen=True)
class NotifiedDeath:
    """What a notifying agency tells us."""

    full_name: str
    born_on: date
    died_at: datetime
    place: str
    expected: bool
    gender: str = "other"
    nhs_number: str = ""
    ethnicity: str = "not_known"
    home_postcode: str = ""
    place_detail: str = ""
    what_is_known: str = ""
    suspected_home_stillbirth: str = rules.NOT_KNOWN


def problems(details: NotifiedDeath, *, now: datetime) -> dict[str, str]:
    found: dict[str, str] = {}
    if timezone.is_naive(details.died_at):
        found["died_at"] = "Enter the date and time of death"
        return found
    if details.died_at > now + timedelta(minutes=5):
        found["died_at"] = "The date of death must be today or in the past"
    died_on = london_date(details.died_at)
    if details.born_on > died_on:
        found["born_on"] = "The date of birth must be on or before the date of death"
    elif rules.whole_years(details.born_on, died_on) >= 18:
        found["born_on"] = "The child must have been under 18 when they died"
    for field, problem in rules.stillbirth_problems(
        suspected=details.suspected_home_stillbirth,
        place=details.place,
        born_on=details.born_on,
        died_on=died_on,
    ).items():
        found.setdefault(field, problem)
    return found


def _identity(full_name: str, born_on: date, died_at: datetime, nhs: str) -> rules.DeathIdentity:
    return rules.DeathIdentity(
        full_name=full_name, born_on=born_on, died_on=london_date(died_at), nhs_number=nhs
    )


def same_death_as(details: NotifiedDeath) -> Death | None:
    """A death already notified that this notification is of, if any."""
    mine = _identity(details.full_name, details.born_on, details.died_at, details.nhs_number)
    nhs = details.nhs_number.replace(" ", "")
    near = Death.objects.filter(
        Q(born_on=details.born_on)
        & Q(died_at__gte=details.died_at - timedelta(days=2))
        & Q(died_at__lte=details.died_at + timedelta(days=2))
    )
    if nhs:
        near = near | Death.objects.filter(nhs_number=nhs)
    for death in near.order_by("pk"):
        theirs = _identity(death.full_name, death.born_on, death.died_at, death.nhs_number)
        if rules.same_death(mine, theirs):
            return death
    return None


def _next_reference(year: int) -> str:
    prefix = f"CD-{year}-"
    last = (
        Death.objects.select_for_update()
        .filter(reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return rules.reference(year, number)


def _create_death(details: NotifiedDeath, *, now: datetime) -> Death:
    died_on = london_date(details.died_at)
    return Death.objects.create(
        reference=_next_reference(london_date(now).year),
        panel=rules.panel_for(details.born_on, died_on),
        full_name=details.full_name.strip(),
        born_on=details.born_on,
        nhs_number=details.nhs_number.replace(" ", ""),
        gender=details.gender,
        ethnicity=details.ethnicity,
        home_postcode=details.home_postcode.strip().upper(),
        deprivation_decile=decile_of(details.home_postcode),
        died_at=details.died_at,
        place=details.place,
        place_detail=details.place_detail,
        expected=details.expected,
        suspected_home_stillbirth=details.suspected_home_stillbirth,
        created_at=now,
    )


def _stillbirth_answer_add(death: Death, answer: str, *, actor: Any) -> None:
    """A later notification's answer joins the death's: a yes from any agency stands."""
    combined = rules.combined_answer((death.suspected_home_stillbirth, answer))
    if combined == death.suspected_home_stillbirth:
        return
    before = death.suspected_home_stillbirth
    death.suspected_home_stillbirth = combined
    death.save(update_fields=["suspected_home_stillbirth"])
    audit.record(
        action=AuditAction.UPDATE,
        record_type=_common.DEATH,
        record_id=death.pk,
        actor=actor,
        changes={"suspected_home_stillbirth": [before, combined]},
    )


def _newly_needs_jar(death: Death) -> bool:
    """A death notified as expected has no JAR; a later agency's "suspected stillbirth at home"
    starts one."""
    if JointAgencyResponse.objects.filter(death=death).exists():
        return False
    return death.suspected_home_stillbirth == rules.YES


def notification_receive(
    *,
    actor: Any,
    organisation: Organisation,
    details: NotifiedDeath,
    sender_reference: str = "",
    now: datetime | None = None,
) -> tuple[Notification, bool]:
    """Record a notification; returns it and whether it is new (a repeated sender reference
    returns the first and changes nothing). Raises ValidationError on bad details."""
    moment = now or timezone.now()
    _common.fail(problems(details, now=moment))
    with transaction.atomic():
        if sender_reference:
            existing = Notification.objects.filter(
                organisation=organisation, sender_reference=sender_reference
            ).first()
            if existing is not None:
                return existing, False
        death = same_death_as(details)
        duplicate = death is not None
        if death is not None:
            _stillbirth_answer_add(death, details.suspected_home_stillbirth, actor=actor)
        if death is None:
            death = _create_death(details, now=moment)
            audit.record(
                action=AuditAction.CREATE,
                record_type=_common.DEATH,
                record_id=death.pk,
                actor=actor,
                changes=_common.state(death, ("reference", "panel", "expected", "place", "status")),
            )
        notification = Notification.objects.create(
            death=death,
            organisation=organisation,
            notifier=_common.person_of(actor),
            sender_reference=sender_reference,
            full_name=details.full_name.strip(),
            born_on=details.born_on,
            nhs_number=details.nhs_number.replace(" ", ""),
            died_at=details.died_at,
            place=details.place,
            expected=details.expected,
            suspected_home_stillbirth=details.suspected_home_stillbirth,
            what_is_known=details.what_is_known,
            received_at=moment,
            duplicate=duplicate,
        )
        audit.record(
            action=AuditAction.CREATE,
            record_type=_common.NOTIFICATION,
            record_id=notification.pk,
            actor=actor,
            changes={
                "death_id": death.pk,
                "organisation_id": organisation.pk,
                "duplicate": duplicate,
                "late": rules.notified_late(died_at=details.died_at, notified_at=moment),
                **_common.text_marks(notification, ("what_is_known",)),
            },
        )
        if duplicate and _newly_needs_jar(death):
            jar_start(actor=actor, death=death, triggers=[], started_at=moment)
        if duplicate:
            _common.tell_team(
                subject="A child death was notified again",
                body=f"Another agency notified child death {death.reference}.",
                link=_common.death_link(death),
                reason="child_deaths.notified_again",
                record=death,
                event=f"notified-again-{notification.pk}",
            )
        else:
            _common.tell_team(
                subject="A child death has been notified",
                body=f"Child death {death.reference} has been notified and needs the team.",
                link=_common.death_link(death),
                reason="child_deaths.notified",
                record=death,
                event="notified",
            )
            if rules.jar_needed(
                expected=death.expected,
                triggers=(),
                suspected_home_stillbirth=death.suspected_home_stillbirth == rules.YES,
            ):
                jar_start(actor=actor, death=death, triggers=[], started_at=moment)
    return notification, True
