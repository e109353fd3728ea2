"""Reading notifications to schools, and the people they go to: a school's key adults, the LA's
Encompass coordinators.

Opening a notification writes view rows to the audit trail for it and for its child.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from safeguard.core import audit
from safeguard.core.models import Organisation, Person
from safeguard.core.models.organisations import OrganisationKind
from safeguard.core.roles import Role
from safeguard.encompass import policies
from safeguard.encompass.models import HELPLINE_DEFAULT, KeyAdult, Notification, SchoolHelp
from safeguard.encompass.selectors.incidents import children_viewed, refused

RECORD_TYPE = "encompass.notification"


def notifications_for(actor: Any, *, open_only: bool = False) -> QuerySet[Notification]:
    rows = policies.notifications_visible(actor, Notification.objects.all())
    if open_only:
        rows = rows.filter(acknowledged_at__isnull=True, withdrawn_at__isnull=True)
    return rows.select_related("school", "child__incident").order_by("school_due_at", "pk")


def notification_get(actor: Any, pk: int) -> Notification:
    """One notification, audited as read. A withdrawn one shows nothing of the child, so no
    read of the child is recorded; one the actor may not open is a 404 with a refusal row."""
    found = notifications_for(actor).select_related("child__pupil", "acknowledged_by")
    notification = found.filter(pk=pk).first()
    if notification is None:
        refused(actor, RECORD_TYPE, pk)
        raise Http404
    audit.record_view(actor=actor, record_type=RECORD_TYPE, record_id=pk)
    if notification.withdrawn_at is None:
        children_viewed(actor, [notification.child])
    return notification


def current_key_adults(school: Organisation, *, today: date | None = None) -> QuerySet[KeyAdult]:
    """The school's named key adults whose training is current and who are still its people."""
    today = today or timezone.localdate()
    return KeyAdult.objects.filter(
        school=school,
        trained_on__lte=today,
        expires_on__gte=today,
        person__is_active=True,
        person__organisation=school,
    ).select_related("person")


def key_adults(school: Organisation) -> list[Person]:
    """Who is told: the school's current named key adults and deputies; a school that has
    named none yet falls back to its DSLs (active people of the school with the DSL role)."""
    named = [k.person for k in current_key_adults(school)]
    if named or KeyAdult.objects.filter(school=school).exists():
        return named
    return list(
        Person.objects.filter(
            organisation=school, is_active=True, role_assignments__role=Role.SCHOOL_DSL
        ).distinct()
    )


def schools_without_key_adult(actor: Any) -> QuerySet[Organisation]:
    """For the LA: open schools with no current key adult named (the LA chases them)."""
    if not policies.may_manage_calendar(actor, None):
        return Organisation.objects.none()
    today = timezone.localdate()
    current = KeyAdult.objects.filter(
        trained_on__lte=today, expires_on__gte=today, person__is_active=True
    ).values("school_id")
    return (
        Organisation.objects.filter(kind=OrganisationKind.SCHOOL, active=True)
        .exclude(pk__in=current)
        .order_by("name")
    )


def key_adults_of(actor: Any, school: Organisation) -> QuerySet[KeyAdult]:
    """A school's named key adults, for its DSL or the LA coordinator."""
    if not policies.may_manage_key_adults(actor, school):
        return KeyAdult.objects.none()
    return KeyAdult.objects.filter(school=school).select_related("person")


def coordinators() -> list[Person]:
    return list(
        Person.objects.filter(
            is_active=True, role_assignments__role=Role.LA_ENCOMPASS_COORDINATOR
        ).distinct()
    )


def siblings_of(actor: Any, notification: Notification) -> list[Notification]:
    """The other children of the same incident told to the same school, so the school sees
    a household's children together. Each one shown is a read of that child, so audited."""
    if notification.withdrawn_at is not None:
        return []
    rows = list(
        notifications_for(actor)
        .filter(
            school_id=notification.school_id,
            child__incident_id=notification.child.incident_id,
            withdrawn_at__isnull=True,
        )
        .exclude(pk=notification.pk)
        .select_related("child")
        .order_by("child__dob", "pk")
    )
    children_viewed(actor, [n.child for n in rows])
    return rows


def help_for_schools() -> tuple[str, str]:
    """The partnership's guidance and the helpline details shown with each notification (the
    national helpline's details until the LA words its own)."""
    found = SchoolHelp.objects.order_by("pk").first()
    if found is None:
        return "", HELPLINE_DEFAULT
    return found.guidance, found.helpline
