"""Reading the cross-border side: forwards to neighbouring partnerships, and the registry of
neighbours (who covers which LA codes).

``RECORD_TYPE`` is the forward's name in the audit trail, here so that the reads and the
services that change a forward (``services.forwarding``, ``services.forward_links``) share it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from safeguard.core import audit
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
        raise Http404
    audit.record_view(actor=actor, record_type=RECORD_TYPE, record_id=pk)
    return forward


def neighbours_for(actor: Any) -> QuerySet[Neighbour]:
    if not policies.can(actor, policies.Cap.MANAGE_NEIGHBOURS):
        return Neighbour.objects.none()
    return Neighbour.objects.order_by("name")


def covering(la_code: str) -> Neighbour | None:
    """The active neighbour whose area holds this LA code, if any."""
    code = la_code.strip()
    if not code:
        return None
    for neighbour in Neighbour.objects.filter(active=True, la_codes__contains=code):
        if code in neighbour.codes:
            return neighbour
    return None
