"""Reading the cross-border side: forwards to neighbouring partnerships, and the registry of
neighbours (who covers which LA codes).

``RECORD_TYPE`` is the forward's name in the audit trail, here so that the reads and the
services that change a forward (``services.forwarding``, ``services.forward_links``) share it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404

from safeguard.core import audit
from safeguard.core.models import Organisation, Person
from safeguard.core.models.audit import AuditAction
from safeguard.core.models.organisations import OrganisationKind
from safeguard.encompass import policies
from safeguard.encompass.models import Forward, Neighbour

RECORD_TYPE = "encompass.forward"


def forwards_for(actor: Any) -> QuerySet[Forward]:
    """Forwards to neighbouring partnerships the actor may see, newest first."""
    rows = policies.forwards_visible(actor, Forward.objects.all())
    return rows.select_related("neighbour", "child__incident").order_by("-created_at", "-pk")


def forward_get(actor: Any, pk: int) -> Forward:
    forward = forwards_for(actor).filter(pk=pk).first()
    if forward is None:
        audit.record(action=AuditAction.DENIED, record_type=RECORD_TYPE, record_id=pk, actor=actor)
        raise Http404
    audit.record_view(actor=actor, record_type=RECORD_TYPE, record_id=pk)
    return forward


def neighbours_for(actor: Any) -> QuerySet[Neighbour]:
    if not policies.can(actor, policies.Cap.MANAGE_NEIGHBOURS):
        return Neighbour.objects.none()
    return Neighbour.objects.order_by("name")


def own_la_codes() -> set[str]:
    """This partnership's own LA codes: its local authorities' codes, and any the deployment
    names in ``ENCOMPASS_OWN_LA_CODES``. A neighbour never covers one of them."""
    codes = set(
        Organisation.objects.filter(kind=OrganisationKind.LOCAL_AUTHORITY, active=True)
        .exclude(la_code="")
        .values_list("la_code", flat=True)
    )
    codes |= {code.strip() for code in getattr(settings, "ENCOMPASS_OWN_LA_CODES", ())}
    return {code for code in codes if code}


def is_own_school(school: Organisation) -> bool:
    """A school of this partnership: of one of our LA codes, or with its own people here (a
    school whose key adults sign in here is told here, whatever its LA code)."""
    if school.la_code and school.la_code in own_la_codes():
        return True
    return Person.objects.filter(organisation=school, is_active=True).exists()


def own_school_with_code(codes: list[str]) -> Organisation | None:
    """One of our schools (with its own people here) that carries one of these LA codes."""
    return (
        Organisation.objects.filter(kind=OrganisationKind.SCHOOL, active=True, la_code__in=codes)
        .filter(pk__in=Person.objects.filter(is_active=True).values("organisation_id"))
        .order_by("name")
        .first()
    )


def covering(la_code: str) -> Neighbour | None:
    """The active neighbour whose area holds this LA code, if any: never for our own codes,
    whatever a neighbour's row says (a row that claims one is ignored)."""
    code = la_code.strip()
    if not code or code in own_la_codes():
        return None
    for neighbour in Neighbour.objects.filter(active=True, la_codes__contains=code):
        if code in neighbour.codes:
            return neighbour
    return None


def covering_school(school: Organisation) -> Neighbour | None:
    """The neighbour that tells this school, or None when we do (always for our own schools)."""
    if is_own_school(school):
        return None
    return covering(school.la_code)
