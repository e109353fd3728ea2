"""Forwarding through the neighbour's API, against a real HTTP server: this project's own live
server plays the neighbour (the same software, the same database), with a police key."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.utils import timezone

from safeguard.core.models import AuditEvent, OutboxMessage
from safeguard.core.services.apikeys import apikey_create
from safeguard.encompass.models import (
    Forward,
    ForwardAttempt,
    ForwardState,
    Incident,
    Notification,
)
from safeguard.encompass.services import forwarding
from safeguard.encompass.services.incidents import incident_receive
from safeguard.encompass.services.matching import incident_match
from tests.encompass.forward_world import border_world, casey, forwarded_incident, neighbour
from tests.encompass.helpers import child, incident
from tests.smtp import free_port


@pytest.mark.django_db(transaction=True)
def test_a_forward_creates_the_incident_at_the_neighbour_once_even_sent_twice(
    live_server,  # type: ignore[no-untyped-def]
) -> None:
    b = border_world()
    _, their_key = apikey_create(
        actor=b.admin,
        organisation=b.w.other_force,  # how the neighbour knows us: a police organisation
        name="Westmere forwards",
        scopes=["encompass:incidents:write"],
    )
    n = neighbour(b, api_base_url=live_server.url, api_key=their_key)
    assert their_key not in n.api_key_sealed
    forward = forwarded_incident(b)
    assert forward.reason == "roll" and forward.school_urn == "800001"
    assert forward.state == ForwardState.QUEUED
    # Our own child is notified here; the child across the border is not.
    assert list(Notification.objects.values_list("school__urn", flat=True)) == ["900001"]

    assert forwarding.forwards_send(worker_id="w1") == 1
    forward.refresh_from_db()
    assert forward.state == ForwardState.ACKNOWLEDGED, forward.last_error
    assert forward.route == "api" and forward.last_status == 201
    assert forward.response["created"] is True
    assert forward.sent_at is not None  # (the pinned incident is weeks old: sent late)
    theirs = Incident.objects.get(force=b.w.other_force)
    assert theirs.reference == "WM/2026/0700"
    assert list(theirs.children.values_list("ref", flat=True)) == ["P2"]  # only their child

    # The neighbour shares our database and registry in this test, so its copy of the child
    # was queued to "itself" too; two deployments would not do that. Drop it.
    Forward.objects.exclude(pk=forward.pk).delete()
    # The answer was lost; a worker sends again: the neighbour updates, never duplicates.
    Forward.objects.filter(pk=forward.pk).update(state=ForwardState.QUEUED)
    assert forwarding.forwards_send(worker_id="w2") == 1
    forward.refresh_from_db()
    assert forward.state == ForwardState.ACKNOWLEDGED
    assert forward.last_status == 200 and forward.response["created"] is False
    assert Incident.objects.filter(force=b.w.other_force).count() == 1
    # Issue 9: an identical resend changes nothing, not even the version (it was bumped to 2).
    assert Incident.objects.get(force=b.w.other_force).version == 1
    assert ForwardAttempt.objects.filter(forward=forward, succeeded=True).count() == 2
    # The key never reaches the audit trail.
    for event in AuditEvent.objects.filter(record_type="encompass.neighbour"):
        assert their_key not in json.dumps(event.changes) + event.detail


@pytest.mark.django_db(transaction=True)
def test_two_children_of_one_incident_at_the_neighbour_arrive_together_and_stay(
    live_server,  # type: ignore[no-untyped-def]
) -> None:
    """Each forward sends all of that neighbour's children of the incident: a resend with one
    child alone would mark the other withdrawn on their side."""
    b = border_world()
    _, their_key = apikey_create(
        actor=b.admin, organisation=b.w.other_force, name="k", scopes=["encompass:incidents:write"]
    )
    neighbour(b, api_base_url=live_server.url, api_key=their_key)
    drew = child(
        "P3", forename="Drew", surname="Fox", dob=date(2013, 1, 9), gender="M", postcode="NB2 2BB"
    )
    found, _ = incident_receive(
        actor=b.w.officer, force=b.w.force, data=incident("WM/2026/0710", casey(), drew)
    )
    incident_match(incident_id=found.pk)
    ours = list(Forward.objects.filter(child__incident=found).values_list("pk", flat=True))
    assert len(ours) == 2
    forwarding.forwards_send(worker_id="w", batch=1)
    Forward.objects.exclude(pk__in=ours).delete()  # the shared-database echo, as above
    forwarding.forwards_send(worker_id="w")
    assert set(Forward.objects.filter(pk__in=ours).values_list("state", flat=True)) == {
        ForwardState.ACKNOWLEDGED
    }
    theirs = Incident.objects.get(force=b.w.other_force)
    kids = dict(theirs.children.values_list("ref", "withdrawn"))
    assert kids == {"P2": False, "P3": False}


@pytest.mark.django_db
def test_a_neighbour_that_refuses_connections_is_retried_with_backoff_then_failed() -> None:
    b = border_world()
    neighbour(b, api_base_url=f"http://127.0.0.1:{free_port()}", api_key="sg_their_key")
    forward = forwarded_incident(b)
    t = timezone.now()
    delays = []
    for attempt in range(1, forward.max_attempts + 1):
        assert forwarding.forwards_send(now=t, worker_id="w") == 1
        forward.refresh_from_db()
        assert forward.attempts == attempt
        assert "ConnectionRefused" in forward.last_error or "URLError" in forward.last_error
        if attempt < forward.max_attempts:
            assert forward.state == ForwardState.RETRYING
            delays.append(forward.next_attempt_at - t)
            # Not due yet: nothing is sent a moment early.
            early = forward.next_attempt_at - timedelta(seconds=1)
            assert forwarding.forwards_send(now=early, worker_id="w") == 0
            t = forward.next_attempt_at
    assert forward.state == ForwardState.FAILED
    assert delays == [timedelta(seconds=s) for s in (60, 120, 240, 480, 960)]
    assert ForwardAttempt.objects.filter(forward=forward, succeeded=False).count() == 6
    told = OutboxMessage.objects.filter(reason="encompass_forward_failed")
    assert {m.recipient_id for m in told} == {b.w.coordinator.pk, b.w.holiday_contact.pk}
    assert forwarding.forwards_send(now=t + timedelta(days=1), worker_id="w") == 0


@pytest.mark.django_db(transaction=True)
def test_a_refusal_by_the_neighbour_fails_at_once_and_two_workers_never_share_a_forward(
    live_server,  # type: ignore[no-untyped-def]
) -> None:
    b = border_world()
    neighbour(b, api_base_url=live_server.url, api_key="sg_not_a_real_key")
    forward = forwarded_incident(b)
    now = timezone.now()
    assert forwarding._claim(worker_id="a", now=now, batch=10) == [forward.pk]
    assert forwarding._claim(worker_id="b", now=now, batch=10) == []
    Forward.objects.filter(pk=forward.pk).update(locked_by="", locked_until=None)
    forwarding.forwards_send(worker_id="w")
    forward.refresh_from_db()
    assert forward.state == ForwardState.FAILED and forward.last_status == 401
    assert forward.attempts == 1


@pytest.mark.django_db
def test_a_stored_key_that_cannot_be_read_fails_with_a_clear_reason(settings) -> None:  # type: ignore[no-untyped-def]
    b = border_world()
    neighbour(b, api_base_url="https://neighbour.example.invalid", api_key="sg_key")
    forward = forwarded_incident(b)
    settings.SECRET_KEY = "rotated-" + settings.SECRET_KEY
    forwarding.forwards_send(worker_id="w")
    forward.refresh_from_db()
    assert forward.state == ForwardState.RETRYING
    assert "enter it again" in forward.last_error
