"""Forwarding a child whose school is in another area to that area's partnership.

A forward is opened when a child is matched to a pupil of a school whose LA code belongs to a
neighbour, or when the LA records the child as at school there. Its clock is the same
next-school-day rule, read from our calendar as the best estimate. The worker sends it:

* through the neighbour's API (``POST /api/v1/encompass/incidents``, our own inbound format,
  only that neighbour's children, ``Authorization: Bearer`` their key), idempotent on their
  side on force and incident reference, so a resend updates and never duplicates;
* otherwise by e-mail to the neighbour's secure contact, saying only that a notification is
  waiting, with a link (``services.forward_links``) to read that one child's forward here.

Failures of the API are retried with backoff, then the forward fails and our LA coordinators
are told. Several workers may run: a forward is claimed with a conditional update of its lease.
"""

from __future__ import annotations

import json
import logging
import secrets
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from safeguard.core import audit
from safeguard.core.models import Deadline, Organisation
from safeguard.core.models.audit import AuditAction
from safeguard.core.outbox import message_enqueue
from safeguard.core.services.deadlines import deadline_meet, deadline_open
from safeguard.encompass import policies
from safeguard.encompass.models import (
    Forward,
    ForwardAttempt,
    ForwardReason,
    ForwardState,
    IncidentChild,
    LaOutcome,
    MatchState,
    Neighbour,
)
from safeguard.encompass.selectors.calendars import notification_plan_for
from safeguard.encompass.selectors.forwards import (
    RECORD_TYPE,
    covering,
    is_own_school,
    own_la_codes,
)
from safeguard.encompass.selectors.notifications import coordinators
from safeguard.encompass.services import forward_links, neighbours

logger = logging.getLogger(__name__)
MODULE = "encompass"
LEASE_SECONDS = 120
FIRST_DELAY_SECONDS = 60
MAX_DELAY_SECONDS = 60 * 60
DUE_STATES = (ForwardState.QUEUED, ForwardState.RETRYING)
SUBJECT = "An Operation Encompass notification is waiting"
BODY = (
    "A neighbouring partnership has forwarded an Operation Encompass notification for a child at"
    " school in your area. Open the link to read it; it works for 72 hours."
)
FAILED_BODY = "A cross-border Encompass forward could not be sent. Sign in to see it."
CODE_SUBJECT = "Access code for an Operation Encompass notification"
CODE_BODY = (
    "The access code for the Operation Encompass link your partnership has been sent"
    " separately is {code}. It is needed to open that link."
)
CODE_BODY_LA = (
    "{neighbour} has been e-mailed a link to an Operation Encompass notification. Telephone"
    " their Encompass contact and give them this access code, which the link needs: {code}."
)


def timeout_seconds() -> float:
    return float(getattr(settings, "ENCOMPASS_FORWARD_TIMEOUT_SECONDS", 10))


def retry_delay(attempts: int) -> timedelta:
    """60 seconds after the first failure, doubling, at most an hour."""
    return timedelta(
        seconds=min(FIRST_DELAY_SECONDS * 2 ** max(attempts - 1, 0), MAX_DELAY_SECONDS)
    )


def link(forward: Forward) -> str:
    return f"/encompass/forwards/{forward.pk}/"


# --- opening ------------------------------------------------------------------------------


def forward_open(
    *,
    child: IncidentChild,
    neighbour: Neighbour,
    reason: str,
    school_urn: str = "",
    la_code: str = "",
    actor: Any = None,
) -> Forward:
    """One forward per child and neighbour; opening twice returns the first."""
    existing = Forward.objects.filter(child=child, neighbour=neighbour).first()
    if existing is not None:
        return existing
    school = Organisation.objects.filter(urn=school_urn).first() if school_urn else None
    incident_at = child.incident.occurred_at
    plan, _, _ = notification_plan_for(incident_at, school)
    now = timezone.now()
    with transaction.atomic():
        forward = Forward.objects.create(
            child=child,
            neighbour=neighbour,
            reason=reason,
            school_urn=school_urn,
            la_code=la_code,
            due_at=plan.next_school_day_starts,
            rule="Before the next school day starts (our calendar as the best estimate)",
            next_attempt_at=now,
        )
        audit.record(
            action=AuditAction.CREATE,
            record_type=RECORD_TYPE,
            record_id=forward.pk,
            actor=actor,
            changes={
                "child_id": [None, child.pk],
                "neighbour_id": [None, neighbour.pk],
                "reason": [None, reason],
                "due_at": [None, forward.due_at.isoformat()],
            },
        )
        deadline_open(
            module=MODULE,
            kind="forwarded",
            title="Encompass: forwarded to the neighbouring partnership",
            subject_type=RECORD_TYPE,
            subject_id=forward.pk,
            starts_at=min(incident_at, now),
            due_at=max(forward.due_at, min(incident_at, now)),
            rule=forward.rule,
            link=link(forward),
            actor=actor,
        )
    return forward


def child_forward(
    *, actor: Any, child: IncidentChild, school_urn: str = "", la_code: str = ""
) -> Forward:
    """The LA records a child on no roll as at school in another area and forwards them."""
    if not policies.can(actor, policies.Cap.MANAGE_UNMATCHED):
        raise PermissionDenied
    urn, code = school_urn.strip(), la_code.strip()
    school: Organisation | None = None
    if urn:
        school = Organisation.objects.filter(urn=urn, kind="school").first()
        if school is None:
            raise ValidationError({"school_urn": "No school in the register has this URN"})
        if not school.la_code:
            raise ValidationError({"school_urn": "This school has no LA code in the register"})
        code = school.la_code
    if not code:
        raise ValidationError({"school_urn": "Enter the school's URN or its LA code"})
    if not neighbours.LA_CODE.match(code):
        raise ValidationError({"la_code": "LA code must be three digits, such as 873"})
    if school is not None and is_own_school(school):
        raise ValidationError(
            {"school_urn": "This school is one of this partnership's: send the child to it instead"}
        )
    if code in own_la_codes():
        raise ValidationError(
            {"la_code": f"LA code {code} is this partnership's own: send the child to the school"}
        )
    neighbour = covering(code)
    if neighbour is None:
        raise ValidationError(
            {"la_code": f"No neighbouring partnership covers LA code {code}: add it first"}
        )
    with transaction.atomic():
        current = IncidentChild.objects.select_for_update().get(pk=child.pk)
        if current.match_state != MatchState.NONE or current.la_outcome not in (
            LaOutcome.OPEN,
            LaOutcome.OUTSIDE_AREA,
        ):
            raise ValidationError({"school_urn": "This child is no longer in the LA's queue"})
        if current.la_outcome != LaOutcome.OUTSIDE_AREA:
            current.la_outcome = LaOutcome.OUTSIDE_AREA
            current.la_outcome_at = timezone.now()
            current.la_outcome_by = actor
            current.save(update_fields=["la_outcome", "la_outcome_at", "la_outcome_by"])
            audit.record(
                action=AuditAction.UPDATE,
                record_type="encompass.incident_child",
                record_id=current.pk,
                actor=actor,
                changes={"la_outcome": ["", LaOutcome.OUTSIDE_AREA]},
            )
        return forward_open(
            child=current,
            neighbour=neighbour,
            reason=ForwardReason.LA,
            school_urn=urn,
            la_code=code,
            actor=actor,
        )


# --- sending ------------------------------------------------------------------------------


@dataclass
class Outcome:
    route: str
    succeeded: bool
    status: int | None = None
    error: str = ""
    permanent: bool = False
    response: dict[str, Any] = field(default_factory=dict)


def _claim(*, worker_id: str, now: datetime, batch: int) -> list[int]:
    lease_free = Q(locked_until__isnull=True) | Q(locked_until__lt=now)
    due = Forward.objects.filter(lease_free, state__in=DUE_STATES, next_attempt_at__lte=now)
    claimed: list[int] = []
    with transaction.atomic():
        candidates = due.order_by("next_attempt_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        for pk in list(candidates.values_list("pk", flat=True)[:batch]):
            until = now + timedelta(seconds=LEASE_SECONDS)
            if due.filter(pk=pk).update(locked_by=worker_id, locked_until=until) == 1:
                claimed.append(pk)
    return claimed


def forwards_send(*, now: datetime | None = None, worker_id: str = "", batch: int = 20) -> int:
    """The worker's job: send every forward that is due. Returns how many were attempted."""
    now = now or timezone.now()
    worker_id = worker_id or f"{socket.gethostname()}:{secrets.token_hex(4)}"
    claimed = _claim(worker_id=worker_id, now=now, batch=batch)
    for pk in claimed:
        forward = Forward.objects.select_related("neighbour", "child__incident").get(pk=pk)
        try:
            outcome = _attempt(forward, now=now)
        except Exception as error:  # a bug must not leave the lease to hide the row for long
            logger.error("forward %s: attempt raised %s", pk, type(error).__name__)
            outcome = Outcome(route="", succeeded=False, error=type(error).__name__)
        _finish(pk, worker_id=worker_id, outcome=outcome, now=now)
    return len(claimed)


def _attempt(forward: Forward, *, now: datetime) -> Outcome:
    neighbour = forward.neighbour
    if neighbour.has_api:
        return _post(forward)
    if neighbour.contact_email:
        return Outcome(route="email", succeeded=True)
    return Outcome(route="", succeeded=False, error="No API or contact e-mail", permanent=True)


def payload(forward: Forward) -> dict[str, Any]:
    """The incident in our own inbound format, with only this neighbour's children."""
    incident = forward.child.incident
    child_ids = Forward.objects.filter(
        neighbour=forward.neighbour, child__incident=incident
    ).values("child_id")
    children = IncidentChild.objects.filter(pk__in=child_ids, withdrawn=False).order_by("pk")
    return {
        "reference": incident.reference,
        "occurred_at": incident.occurred_at.isoformat(),
        "kind": incident.kind,
        "location": incident.location,
        "adults": [
            {
                "role": a.role,
                "forename": a.forename,
                "surname": a.surname,
                "dob": a.dob.isoformat() if a.dob else None,
            }
            for a in incident.adults.all()
        ],
        "children": [
            {
                "ref": c.ref,
                "presence": c.presence,
                "forename": c.forename,
                "surname": c.surname,
                "dob": c.dob.isoformat() if c.dob else None,
                "gender": c.gender if c.gender in ("M", "F") else "",
                "address": c.address,
                "postcode": c.postcode,
                "where_they_were": c.where_they_were,
                "voice_of_the_child": c.voice_of_the_child,
                "injuries": c.injuries,
            }
            for c in children
        ],
    }


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect would carry the key elsewhere: refuse it, the neighbour must fix its URL."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _post(forward: Forward) -> Outcome:
    neighbour = forward.neighbour
    try:
        key = neighbours.api_key_of(neighbour)
    except ValueError:
        return Outcome("api", False, error="The stored API key cannot be read: enter it again")
    url = f"{neighbour.api_base_url.rstrip('/')}/api/v1/encompass/incidents"
    # The scheme is checked on entry (neighbours.check_url): https, or http on loopback only.
    request = urllib.request.Request(  # noqa: S310
        url,
        data=json.dumps(payload(forward)).encode(),
        method="POST",
        headers={
            "Authorization": f"Bearer {key}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        },
    )
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=timeout_seconds()) as answer:
            status = answer.status
            body = answer.read(64 * 1024)
    except urllib.error.HTTPError as error:
        status = error.code
        text = error.read(2000).decode(errors="replace")
        # 4xx other than timeouts and rate limits will not mend by waiting.
        permanent = 400 <= status < 500 and status not in (408, 429)
        return Outcome(
            "api", False, status=status, error=f"HTTP {status}: {text[:400]}", permanent=permanent
        )
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        return Outcome("api", False, error=f"{type(error).__name__}: {reason}"[:500])
    try:
        data = json.loads(body)
    except ValueError:
        data = {}
    summary = {
        "status": status,
        "id": data.get("id"),
        "version": data.get("version"),
        "created": data.get("created"),
        "children": data.get("children", [])[:50],
    }
    return Outcome(
        "api",
        status in (200, 201),
        status=status,
        response=summary,
        error="" if status in (200, 201) else f"HTTP {status}",
    )


def _finish(pk: int, *, worker_id: str, outcome: Outcome, now: datetime) -> None:
    with transaction.atomic():
        current = Forward.objects.select_for_update().get(pk=pk)
        if current.locked_by != worker_id or current.state not in DUE_STATES:
            return  # the lease ran out and another worker has it
        before = {"state": current.state, "attempts": current.attempts}
        current.attempts += 1
        current.route = outcome.route or current.route
        current.last_status = outcome.status
        current.locked_by, current.locked_until = "", None
        if outcome.succeeded and outcome.route == "api":
            current.state = ForwardState.ACKNOWLEDGED
            current.sent_at = current.acknowledged_at = now
            current.response = outcome.response
            current.last_error = ""
        elif outcome.succeeded:
            current.state = ForwardState.SENT
            current.sent_at = now
            current.last_error = ""
            token = forward_links.issue(current, now=now)
            _send_code(current, forward_links.issue_code(current))
            message_enqueue(
                to_address=current.neighbour.contact_email,
                subject=SUBJECT,
                body=BODY,
                link=f"/encompass/forwarded/{token}/",
                reason="encompass_forward",
                record_type=RECORD_TYPE,
                record_id=current.pk,
                dedupe_key=f"encompass:forward:{current.pk}:{current.link_nonce}",
            )
        else:
            current.last_error = outcome.error[:500]
            if outcome.response:
                current.response = outcome.response
            if outcome.permanent or current.attempts >= current.max_attempts:
                current.state = ForwardState.FAILED
            else:
                current.state = ForwardState.RETRYING
                current.next_attempt_at = now + retry_delay(current.attempts)
        current.save()
        ForwardAttempt.objects.create(
            forward=current,
            attempted_at=now,
            route=outcome.route,
            worker=worker_id[:100],
            succeeded=outcome.succeeded,
            status=outcome.status,
            error=outcome.error[:500],
        )
        audit.record(
            action=AuditAction.UPDATE,
            record_type=RECORD_TYPE,
            record_id=current.pk,
            changes=audit.diff(before, {"state": current.state, "attempts": current.attempts}),
            detail=f"route {outcome.route or 'none'} status {outcome.status or '-'}",
        )
        if current.sent_at is not None and before["state"] in DUE_STATES:
            clock = _clock(current)
            if clock is not None and clock.met_at is None:
                deadline_meet(deadline=clock, met_at=now, actor=None)
        if current.state == ForwardState.FAILED:
            _tell_coordinators(current, step="failed")


def _send_code(forward: Forward, code: str) -> None:
    """The access code, apart from the link: to the neighbour's second address, or else to our
    coordinators to give by telephone. Never in the same message as the link."""
    neighbour = forward.neighbour
    if neighbour.code_email:
        message_enqueue(
            to_address=neighbour.code_email,
            subject=CODE_SUBJECT,
            body=CODE_BODY.format(code=code),
            reason="encompass_forward_code",
            record_type=RECORD_TYPE,
            record_id=forward.pk,
            dedupe_key=f"encompass:forward:{forward.pk}:{forward.link_nonce}:code",
        )
        return
    for person in coordinators():
        message_enqueue(
            recipient=person,
            subject=CODE_SUBJECT,
            body=CODE_BODY_LA.format(neighbour=neighbour.name[:100], code=code),
            link=link(forward),
            reason="encompass_forward_code",
            record_type=RECORD_TYPE,
            record_id=forward.pk,
            dedupe_key=f"encompass:forward:{forward.pk}:{forward.link_nonce}:code:{person.pk}",
        )


def _clock(forward: Forward) -> Deadline | None:
    return Deadline.objects.filter(
        module=MODULE, kind="forwarded", subject_type=RECORD_TYPE, subject_id=str(forward.pk)
    ).first()


def _tell_coordinators(forward: Forward, *, step: str) -> None:
    for person in coordinators():
        message_enqueue(
            recipient=person,
            subject="A cross-border Encompass forward needs attention",
            body=FAILED_BODY,
            link=link(forward),
            reason=f"encompass_forward_{step}",
            record_type=RECORD_TYPE,
            record_id=forward.pk,
            dedupe_key=f"encompass:forward:{forward.pk}:{step}:{forward.attempts}:{person.pk}",
        )


# --- the LA's hand on it ------------------------------------------------------------------


def forward_retry(*, actor: Any, forward: Forward) -> Forward:
    """Send again: a failed forward, or an e-mailed one not acknowledged (a fresh link; the
    old one stops working)."""
    if not policies.may_act_on_forward(actor):
        raise PermissionDenied
    with transaction.atomic():
        current = Forward.objects.select_for_update().get(pk=forward.pk)
        resendable = current.state == ForwardState.FAILED or (
            current.state == ForwardState.SENT and current.route == "email"
        )
        if not resendable:
            raise ValidationError({"action": "Only a failed or unacknowledged forward is resent"})
        before = {"state": current.state, "attempts": current.attempts}
        current.state = ForwardState.QUEUED
        current.attempts = 0
        current.next_attempt_at = timezone.now()
        current.link_nonce = ""
        current.locked_by, current.locked_until = "", None
        current.save()
        audit.record(
            action=AuditAction.UPDATE,
            record_type=RECORD_TYPE,
            record_id=current.pk,
            actor=actor,
            changes=audit.diff(before, {"state": current.state, "attempts": 0}),
            detail="sent again",
        )
    return current
