"""The e-mail route: a real SMTP server on loopback, and the public link page it points to."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from typing import Any

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from safeguard.core import outbox
from safeguard.core.models import AuditEvent
from safeguard.encompass.models import Forward, ForwardState
from safeguard.encompass.services import forward_links, forwarding
from tests import factories, smtp
from tests.encompass.forward_world import border_world, forwarded_incident, neighbour

smtp_server = smtp.smtp_server
pytestmark = [pytest.mark.smtp, pytest.mark.django_db]
CONTACT = "encompass@northshire.example.invalid"


def _sent_link(settings: Any, server: smtp.SmtpServer) -> tuple[Forward, str]:
    smtp.use_smtp(settings, server)
    settings.SITE_URL = "https://safeguard.example.invalid"
    b = border_world()
    neighbour(b, contact_email=CONTACT)
    forward = forwarded_incident(b)
    assert forwarding.forwards_send(worker_id="w") == 1
    forward.refresh_from_db()
    assert forward.state == ForwardState.SENT and forward.route == "email"
    outbox.deliver_due(worker_id="t")
    [received] = [m for m in server.messages if m["To"] == CONTACT]
    text = _text(received)
    everything = f"{received['Subject']} {text}"
    for secret in ("Casey", "Evans", "window", "NB1", "2015", "P2", "WM/2026", "800001"):
        assert secret not in everything
    path = re.search(r"https://safeguard\.example\.invalid(/encompass/forwarded/[^/\s]+/)", text)
    assert path is not None
    return forward, path.group(1)


def _code(server: smtp.SmtpServer) -> str:
    """The access code sent apart from the link (here to our coordinators, to telephone)."""
    codes = [
        re.search(r"\b([A-Z2-9]{4}-[A-Z2-9]{4})\b", _text(m))
        for m in server.messages
        if m["Subject"].startswith("Access code")
    ]
    found = [c.group(1) for c in codes if c]
    assert found
    return found[-1]


def _unlocked(path: str, server: smtp.SmtpServer) -> Client:
    client = Client()
    assert client.post(path, {"code": _code(server)}).status_code == 200
    return client


def _text(message: Any) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


def _views(forward: Forward) -> int:
    return AuditEvent.objects.filter(
        record_type="encompass.forward", record_id=str(forward.pk), action="view"
    ).count()


def test_the_link_shows_one_child_audits_every_opening_and_closes_on_acknowledgement(
    settings: Any, smtp_server: smtp.SmtpServer
) -> None:
    forward, path = _sent_link(settings, smtp_server)
    anyone = _unlocked(path, smtp_server)
    page = anyone.get(path)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Casey" in body and "Saw the window broken" in body
    assert "Robin" not in body  # the other child of the incident is ours, not theirs
    assert page["Referrer-Policy"] == "no-referrer"
    assert "no-store" in page["Cache-Control"]
    anyone.get(path)
    assert _views(forward) == 3  # the opening with the code, and the two readings after it
    refused = anyone.post(path, {"name": ""})
    assert refused.status_code == 200 and "Enter your name and role" in refused.content.decode()
    assert Forward.objects.get(pk=forward.pk).state == ForwardState.SENT
    done = anyone.post(path, {"name": "J Smith, Encompass officer"})
    assert done.status_code == 200 and "acknowledged" in done.content.decode()
    forward.refresh_from_db()
    assert forward.state == ForwardState.ACKNOWLEDGED
    assert forward.acknowledged_by_name == "J Smith, Encompass officer"
    assert anyone.get(path).status_code == 404  # the link closed


def test_an_expired_link_is_refused_and_the_refusal_audited(
    settings: Any, smtp_server: smtp.SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    forward, path = _sent_link(settings, smtp_server)
    token = path.rstrip("/").rsplit("/", 1)[1]
    later = time.time() + 73 * 3600
    monkeypatch.setattr(time, "time", lambda: later)  # what django.core.signing reads
    with pytest.raises(forward_links.Refused) as refused:
        forward_links.check(token)
    monkeypatch.undo()
    assert refused.value.why == "expired" and refused.value.pk == forward.pk
    # The stored expiry is checked too, whatever the signature says.
    Forward.objects.filter(pk=forward.pk).update(link_expires_at=timezone.now())
    assert Client().get(path).status_code == 404
    assert AuditEvent.objects.filter(
        record_type="encompass.forward", action="denied", detail="link refused: expired"
    ).exists()
    assert _views(forward) == 0


def test_a_withdrawn_link_is_refused_and_sending_again_gives_a_new_one(
    settings: Any, smtp_server: smtp.SmtpServer
) -> None:
    forward, path = _sent_link(settings, smtp_server)
    coordinator = factories.person("la_encompass_coordinator")
    client = factories.signed_in(Client(), coordinator)
    action = f"/encompass/forwards/{forward.pk}/action/"
    detail = client.get(f"/encompass/forwards/{forward.pk}/").content.decode()
    assert "Latest e-mail" in detail and "Sent" in detail and "Withdraw the link" in detail
    assert client.post(action, {"action": "revoke"}).status_code == 302
    assert Client().get(path).status_code == 404
    assert AuditEvent.objects.filter(detail="link refused: revoked or replaced").exists()
    assert client.post(action, {"action": "retry"}).status_code == 302
    forwarding.forwards_send(worker_id="w")
    outbox.deliver_due(worker_id="t")
    links = [
        re.search(r"(/encompass/forwarded/[^/\s]+/)", _text(m))
        for m in smtp_server.messages
        if m["To"] == CONTACT
    ]
    assert len(links) == 2
    new = links[1].group(1)  # type: ignore[union-attr]
    assert new != path
    assert "Casey" in _unlocked(new, smtp_server).get(new).content.decode()
    assert Client().get(path).status_code == 404


def test_a_forged_token_is_refused() -> None:
    assert Client().get("/encompass/forwarded/not-a-token/").status_code == 404
    forged = signing.dumps({"f": 1, "n": "x"}, salt="another-salt")
    assert Client().get(f"/encompass/forwarded/{forged}/").status_code == 404


def test_an_old_link_after_a_new_one_is_refused(
    settings: Any, smtp_server: smtp.SmtpServer
) -> None:
    forward, path = _sent_link(settings, smtp_server)
    current = Forward.objects.get(pk=forward.pk)
    forward_links.issue(current, now=timezone.now() - timedelta(minutes=1))
    current.save()
    assert Client().get(path).status_code == 404


def test_the_link_alone_shows_nothing_without_the_access_code(
    settings: Any, smtp_server: smtp.SmtpServer
) -> None:
    """Issue 9, misrouting 1: possession of the e-mail is not enough to read the child."""
    forward, path = _sent_link(settings, smtp_server)
    holder = Client()
    page = holder.get(path).content.decode()
    assert "Casey" not in page and "Enter the access code" in page
    assert holder.post(path, {"name": "Someone"}).status_code == 200
    assert Forward.objects.get(pk=forward.pk).state == ForwardState.SENT  # not acknowledged
    for _ in range(4):
        wrong = holder.post(path, {"code": "AAAA-AAAA"}).content.decode()
        assert "Casey" not in wrong and "not right" in wrong
    assert holder.post(path, {"code": "AAAA-AAAA"}).status_code == 404  # the fifth withdraws it
    assert holder.post(path, {"code": _code(smtp_server)}).status_code == 404
    assert AuditEvent.objects.filter(
        record_type="encompass.forward", detail="wrong access code: link withdrawn"
    ).exists()
    assert _views(forward) == 0
    # The code never travels with the link: the contact's mailbox holds no code.
    to_contact = [_text(m) for m in smtp_server.messages if m["To"] == CONTACT]
    assert not any(re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}", text) for text in to_contact)


def test_the_code_goes_to_the_neighbours_second_address_when_it_has_one(
    settings: Any, smtp_server: smtp.SmtpServer
) -> None:
    smtp.use_smtp(settings, smtp_server)
    b = border_world()
    neighbour(b, contact_email=CONTACT, code_email="codes@northshire.example.invalid")
    forwarded_incident(b)
    forwarding.forwards_send(worker_id="w")
    outbox.deliver_due(worker_id="t")
    codes = [m for m in smtp_server.messages if m["Subject"].startswith("Access code")]
    assert [m["To"] for m in codes] == ["codes@northshire.example.invalid"]
    assert "/encompass/forwarded/" not in _text(codes[0])
