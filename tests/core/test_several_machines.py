"""Several web servers and workers against one PostgreSQL database, as a region would run them.

Two web servers (gunicorn, as ``safeguard serve`` runs it in production, each on its own
loopback port: two machines behind a load balancer) and two workers share one database. One
browser's cookies go to both, as they would through the balancer. The test shows that:

* a session begun on one server is valid on the other, and signing out on one ends it on both;
* wrong passwords are counted across both servers: neither sees the limit alone, together they
  lock the account on both;
* step-up (the code asked again before a sensitive page) given on one server counts on the
  other, and a lapsed one is asked again on either;
* the outbox, with two workers delivering at the same moment, sends each message exactly once.

Nothing of this may live in one process's memory (a local cache, a module-level dict): this is
the test that would fail if it did. PostgreSQL only: SQLite is one file on one machine, so
several machines cannot share it; CI's PostgreSQL pass runs it.
"""

from __future__ import annotations

import html
import random
import re
import time
from binascii import unhexlify
from collections import Counter
from typing import Any

import pytest
import requests
from django_otp.oath import TOTP

from safeguard.core.models import OutboxMessage
from tests import smtp
from tests.processes import ON_POSTGRES, Processes, shell, wait_for

smtp_server = smtp.smtp_server
__all__ = ["smtp_server"]

pytestmark = [
    pytest.mark.smtp,
    pytest.mark.skipif(
        not ON_POSTGRES,
        reason="several machines share a PostgreSQL database, never an SQLite file;"
        " CI's PostgreSQL pass runs this (set DATABASE_URL to a PostgreSQL database)",
    ),
]

PASSWORD = "correct horse battery staple 18"
FAILURES = 4  # SAFEGUARD_LOCKOUT_FAILURES for these servers
STEP_UP_KEY = "safeguard_second_factor_at"

NEW_PERSON = """
    import json
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from safeguard.core.models import Organisation, Person, RoleAssignment
    org = Organisation.objects.create(name="Several {tag}", kind="local_authority")
    found = {{}}
    for who in ("pat", "lee"):
        person = Person.objects.create_user(
            email=f"{{who}}.{tag}@example.invalid", password={password!r},
            organisation=org, full_name=f"{{who.title()}} Several",
        )
        RoleAssignment.objects.create(person=person, role="practitioner")
        device = TOTPDevice.objects.create(user=person, name="Authenticator app", confirmed=True)
        found[who] = {{"email": person.email, "key": device.key}}
    print(json.dumps(found))
"""

LAPSE_STEP_UP = """
    import json, time
    from django.contrib.sessions.backends.db import SessionStore
    session = SessionStore(session_key={key!r})
    session[{name!r}] = time.time() - 3600
    session.save()
    print(json.dumps(True))
"""

ENQUEUE = """
    import json
    from django.db import transaction
    from safeguard.core.outbox import message_enqueue
    with transaction.atomic():
        ids = [
            message_enqueue(
                to_address=f"reader{{n}}@example.invalid", subject=f"Item {{n}}",
                body="Something needs your attention.", link="/deadlines", reason="test",
                dedupe_key=f"{tag}:{{n}}",
            ).pk
            for n in range({count})
        ]
    print(json.dumps(ids))
"""

SENT = """
    import json
    from safeguard.core.models import OutboxAttempt, OutboxMessage
    mine = OutboxMessage.objects.filter(dedupe_key__startswith="{tag}:")
    print(json.dumps({{
        "states": sorted({{m.state for m in mine}}),
        "workers": sorted(set(OutboxAttempt.objects.filter(message__in=mine).values_list(
            "worker", flat=True))),
        "successes": OutboxAttempt.objects.filter(message__in=mine, succeeded=True).count(),
    }}))
"""


def code(key: str, *, steps_ahead: int = 0) -> str:
    """What the person's authenticator app shows (``steps_ahead`` 30-second steps later)."""
    totp = TOTP(unhexlify(key), 30, 0, 6, 0)
    totp.time = time.time() + steps_ahead * 30
    return f"{totp.token():06d}"


class Browser:
    """One person's browser: one cookie jar, sent to whichever server the balancer picks."""

    def __init__(self, ports: dict[str, int]) -> None:
        self.http = requests.Session()
        self.ports = ports

    def url(self, server: str, path: str) -> str:
        return f"http://127.0.0.1:{self.ports[server]}{path}"

    def get(self, server: str, path: str) -> requests.Response:
        return self.http.get(self.url(server, path), allow_redirects=False, timeout=60)

    def post(self, server: str, path: str, data: dict[str, str]) -> requests.Response:
        """Submit the form at ``path`` (read first, for its CSRF token) on ``server``."""
        page = self.http.get(self.url(server, path), timeout=60)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, f"no form at {path} on {server} ({page.status_code})"
        fields = {"csrfmiddlewaretoken": html.unescape(token.group(1)), **data}
        return self.http.post(
            self.url(server, path), data=fields, allow_redirects=False, timeout=60
        )

    @property
    def session_key(self) -> str:
        return str(self.http.cookies.get("sessionid"))


def _where(response: requests.Response) -> str:
    return response.headers.get("Location", "").split("?")[0]


def test_two_web_servers_and_two_workers_share_one_database(
    processes: Processes, smtp_server: smtp.SmtpServer
) -> None:
    tag = f"sev{random.randrange(10**6)}"
    env = {
        **processes.env,
        **smtp_server.env(),
        "SAFEGUARD_LOCKOUT_FAILURES": str(FAILURES),
        "SAFEGUARD_LOG_LEVEL": "WARNING",
    }
    processes.env = env
    people = shell(env, NEW_PERSON.format(tag=tag, password=PASSWORD))
    pat, lee = people["pat"], people["lee"]
    ports = {"A": processes.web("web-a"), "B": processes.web("web-b")}

    # Sessions: password on A, code on B, pages on both; signed out on B, out on A too.
    browser = Browser(ports)
    first = browser.post("A", "/sign-in", {"email": pat["email"], "password": PASSWORD})
    assert (first.status_code, _where(first)) == (302, "/sign-in/code")
    second = browser.post("B", "/sign-in/code", {"code": code(pat["key"])})
    assert second.status_code == 302 and _where(second) != "/sign-in/code", second.text[-500:]
    assert browser.get("A", "/account").status_code == 200
    assert browser.get("B", "/account").status_code == 200

    # Step-up: fresh from the sign-in on B, so the sensitive page opens on A without a code.
    sensitive = "/account/recovery-codes/new"
    assert browser.get("A", sensitive).status_code == 200
    # Ten minutes on (the mark is moved back, as time would), either server asks again...
    shell(env, LAPSE_STEP_UP.format(key=browser.session_key, name=STEP_UP_KEY))
    asked = browser.get("B", sensitive)
    assert (asked.status_code, _where(asked)) == (302, "/account/confirm")
    assert _where(browser.get("A", sensitive)) == "/account/confirm"
    # ...and the code given on A opens it on B.
    confirmed = browser.post(
        "A", f"/account/confirm?next={sensitive}", {"code": code(pat["key"], steps_ahead=1)}
    )
    assert confirmed.status_code == 302 and _where(confirmed) == sensitive
    assert browser.get("B", sensitive).status_code == 200

    token_page = browser.http.get(browser.url("B", "/account"), timeout=60)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', token_page.text)
    assert token, "the account page has the sign-out form"
    gone = browser.http.post(
        browser.url("B", "/sign-out"),
        data={"csrfmiddlewaretoken": html.unescape(token.group(1))},
        allow_redirects=False,
        timeout=60,
    )
    assert gone.status_code == 302
    assert _where(browser.get("A", "/account")) == "/sign-in"

    # Lockout: wrong passwords alternate between the servers; each sees only half of them.
    attacker = Browser(ports)
    answers = []
    for attempt in range(FAILURES):
        server = "AB"[attempt % 2]
        wrong = attacker.post(server, "/sign-in", {"email": lee["email"], "password": "wrong"})
        answers.append(wrong.status_code)
    assert answers == [200] * (FAILURES - 1) + [429], answers  # the last one locks
    for server in ("A", "B"):
        right = Browser(ports).post(
            server, "/sign-in", {"email": lee["email"], "password": PASSWORD}
        )
        assert right.status_code == 429, f"not locked on {server}"

    # The outbox: two workers, both mid-delivery at once, each message sent exactly once.
    count = 40
    ids = shell(env, ENQUEUE.format(tag=tag, count=count))
    expected = {OutboxMessage(pk=pk).message_id for pk in ids}
    smtp_server.handler.gate.clear()
    for name in ("worker-1", "worker-2"):
        processes.worker(name, lease_seconds=60)
    try:
        wait_for(lambda: smtp_server.handler.waiting >= 2, 120, "both workers to be sending")
    finally:
        smtp_server.handler.gate.set()
    wait_for(
        lambda: len({m for m in smtp_server.message_ids() if m in expected}) == count,
        120,
        "every message to arrive",
    )

    def recorded() -> dict[str, Any]:
        state = shell(env, SENT.format(tag=tag))
        assert isinstance(state, dict)
        return state

    wait_for(lambda: recorded()["states"] == ["sent"], 60, "every message recorded as sent")
    state = recorded()
    received = Counter(m for m in smtp_server.message_ids() if m in expected)
    assert set(received) == expected and max(received.values()) == 1
    assert state["successes"] == count
    assert state["workers"] == ["worker-1", "worker-2"]  # both took a share
