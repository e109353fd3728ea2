"""The e-mail a key adult receives, delivered through a real SMTP server on loopback: it says a
notification is waiting and links to it, and carries nothing about the child."""

from __future__ import annotations

import pytest

from safeguard.core import outbox
from safeguard.encompass.models import Notification
from safeguard.encompass.services.incidents import incident_receive
from safeguard.encompass.services.matching import incident_match
from tests import smtp
from tests.encompass.helpers import child, incident, world

smtp_server = smtp.smtp_server
pytestmark = [pytest.mark.smtp, pytest.mark.django_db]


def test_the_dsl_is_told_a_notification_is_waiting_and_nothing_else(settings, smtp_server) -> None:  # type: ignore[no-untyped-def]
    smtp.use_smtp(settings, smtp_server)
    settings.SITE_URL = "https://safeguard.example.invalid"
    w = world()
    found, _ = incident_receive(
        actor=w.officer,
        force=w.force,
        data=incident("S1", child(voice_of_the_child="Said dad hit mum")),
    )
    incident_match(incident_id=found.pk)
    note = Notification.objects.get()
    assert outbox.deliver_due(worker_id="encompass-test") == 1
    [received] = smtp_server.messages
    assert received["To"] == w.dsl.email
    text = received.get_payload(decode=True).decode()
    assert f"https://safeguard.example.invalid/encompass/notifications/{note.pk}/" in text
    everything = f"{received['Subject']} {text}"
    for secret in ("Robin", "Ashdown", "dad hit", "WM1", "2016", "S1", "High Street"):
        assert secret not in everything


def test_every_encompass_email_reason_has_a_label() -> None:
    """The outbox pages show each e-mail's reason: never the stored code."""
    from safeguard.core import labels

    for reason in (
        "encompass_first",
        "encompass_holiday",
        "encompass_school",
        "encompass_escalated",
        "encompass_resent",
        "encompass_withdrawn",
        "encompass_forward",
        "encompass_forward_code",
        "encompass_forward_failed",
    ):
        label = labels.label_for(reason)
        assert label != labels.humanise(reason) and "_" not in label, reason
