"""The worker's Encompass job: catches up matching, reminds schools, escalates. Idempotent."""

from __future__ import annotations

import pytest

from safeguard.core.models import OutboxMessage
from safeguard.core.worker import periodic_jobs
from safeguard.encompass.models import MatchState, Notification
from safeguard.encompass.services.incidents import incident_receive
from safeguard.encompass.tasks import run_clocks
from tests.encompass.helpers import child, incident, world

pytestmark = pytest.mark.django_db


def test_the_job_is_registered_with_the_worker() -> None:
    assert "encompass_clocks" in {job.name for job in periodic_jobs()}


def test_the_job_matches_what_was_left_pending_and_escalates_once() -> None:
    w = world()
    found, _ = incident_receive(actor=w.officer, force=w.force, data=incident("W1", child()))
    assert found.children.get().match_state == MatchState.PENDING
    run_clocks()
    kid = found.children.get()
    assert kid.match_state == MatchState.AUTOMATIC
    note = Notification.objects.get(child=kid)
    # The incident was on 13 October: its escalation moment has long passed.
    assert note.escalated_at is not None
    escalations = OutboxMessage.objects.filter(reason="encompass_escalated").count()
    run_clocks()
    assert OutboxMessage.objects.filter(reason="encompass_escalated").count() == escalations
    assert Notification.objects.count() == 1
