"""The outbox when the database restarts mid-run, and when the mail server refuses for a while.

Real processes throughout: ``safeguard worker`` processes and a web server (gunicorn, as
``safeguard serve`` runs it), one database they share, and a real SMTP server on loopback.

* **Database restart** (PostgreSQL): while the workers deliver, every connection to the
  database is cut again and again (``pg_terminate_backend``, which is what a restart or a
  failover does to the clients; the server itself is shared and is not restarted). Each message
  must reach the mail server exactly once, each be recorded as sent once, the workers must carry
  on by themselves and the web server must answer again.
* **Mail server refusing** (SQLite and PostgreSQL): the server answers "421 try again later" to
  every message for a while, then accepts. Each message must arrive exactly once, its refusals
  recorded as attempts (the *Notifications* page shows them), and the workers' log must name no
  address.

The default run is small (a minute or so); ``SAFEGUARD_FAULT_TESTS=1`` runs the long versions
(1,000 messages; minutes). Each prints its counts.
"""

from __future__ import annotations

import os
import random
import re
import time
from collections import Counter

import pytest
from django.db import connection, transaction

from safeguard.core import outbox
from safeguard.core.models import OutboxAttempt, OutboxMessage
from safeguard.core.models.outbox import OutboxState
from tests import smtp
from tests.processes import (
    ON_POSTGRES,
    Processes,
    enqueue,
    get_status,
    outbox_state,
    postgres_admin,
    terminate_connections,
    wait_for,
)

smtp_server = smtp.smtp_server
__all__ = ["smtp_server"]

pytestmark = pytest.mark.smtp

LONG = os.environ.get("SAFEGUARD_FAULT_TESTS") == "1"

# Anything that could identify a recipient: an address, or the local part the test gave them.
PERSONAL = re.compile(r"@|reader\d|example\.invalid")


@pytest.mark.skipif(not ON_POSTGRES, reason="cuts a PostgreSQL connection")
@pytest.mark.django_db(transaction=True)
def test_a_send_is_recorded_even_when_the_connection_drops_right_after_it(settings, smtp_server):
    """The worst moment: the mail server has the message, and the worker's database connection
    is cut before it can record that. The worker reconnects and records it: sent once, not
    sent again once the lease runs out."""
    smtp.use_smtp(settings, smtp_server)
    with transaction.atomic():
        message = outbox.message_enqueue(
            to_address="reader1@example.invalid",
            subject="Item",
            body="Something needs your attention.",
            reason="test",
            dedupe_key="cut:1",
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        [pid] = cursor.fetchone()
    cut: list[int] = []

    def cut_the_worker_off() -> None:
        if not cut:
            with postgres_admin() as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
            cut.append(pid)

    smtp_server.handler.on_accept = cut_the_worker_off
    assert outbox.deliver_due(worker_id="w1", lease_seconds=60) == 1
    assert cut == [pid]
    with connection.cursor() as cursor:  # a new connection: the old one was ended
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid
    message.refresh_from_db()
    assert (message.state, message.attempts) == (OutboxState.SENT, 1)
    assert list(OutboxAttempt.objects.values_list("worker", "succeeded")) == [("w1", True)]
    assert smtp_server.message_ids() == [message.message_id]


def _mine(server: smtp.SmtpServer, expected: set[str]) -> Counter[str]:
    return Counter(m for m in server.message_ids() if m in expected)


@pytest.mark.skipif(
    not ON_POSTGRES,
    reason="a database restart is a PostgreSQL matter (SQLite is a file in the worker's process);"
    " CI's PostgreSQL pass runs it",
)
def test_the_database_restarting_mid_run_loses_and_duplicates_nothing(
    processes: Processes, smtp_server: smtp.SmtpServer
) -> None:
    count = 1000 if LONG else 60
    cuts_wanted = 1_000_000 if LONG else 6  # the long run cuts until everything is delivered
    env = {**processes.env, **smtp_server.env()}
    processes.env = env
    prefix = f"restart{random.randrange(10**6)}"
    ids = enqueue(env, prefix=prefix, count=count)
    expected = {OutboxMessage(pk=pk).message_id for pk in ids}
    # A little time per message at the mail server, so that cuts land mid-delivery.
    smtp_server.handler.delay_seconds = 0.05 if LONG else 0.2
    port = processes.web("web")
    # The lease outlasts the worker's minute of trying to record a send (outbox.RECORD_PAUSES):
    # a send recorded late is still this worker's, never sent again by another.
    for name in ("w1", "w2"):
        processes.worker(name, lease_seconds=90)
    wait_for(lambda: len(_mine(smtp_server, expected)) > 0, 120, "the first delivery")

    chance = random.Random(18)
    cuts = severed = 0
    web_answers: Counter[int | None] = Counter()
    began = time.monotonic()
    deadline = 1500 if LONG else 300
    while len(_mine(smtp_server, expected)) < count:
        assert time.monotonic() - began < deadline, (
            f"{len(_mine(smtp_server, expected))} of {count} delivered after {cuts} cuts"
        )
        if cuts < cuts_wanted:
            severed += terminate_connections(env)
            cuts += 1
        # The web server's pages meanwhile: a request that was mid-query when its connection
        # was cut may fail; the next must not.
        web_answers[get_status(port, "/healthz")] += 1
        time.sleep(chance.uniform(0.3, 1.0))
    seconds = time.monotonic() - began

    # The web server recovers by itself: its next requests are answered.
    wait_for(lambda: get_status(port, "/healthz") == 200, 30, "the web server to answer again")
    assert [get_status(port, "/healthz") for _ in range(3)] == [200, 200, 200]
    # So do the workers: alive, and every message recorded as sent exactly once.
    assert processes.alive("w1") and processes.alive("w2")

    def all_recorded() -> bool:
        return {m["state"] for m in outbox_state(env, prefix=prefix)["messages"]} == {"sent"}

    wait_for(all_recorded, 180, "every message to be recorded as sent")
    state = outbox_state(env, prefix=prefix)
    successes = Counter(t["message_id"] for t in state["tries"] if t["succeeded"])
    assert set(successes) == set(ids) and max(successes.values()) == 1
    received = _mine(smtp_server, expected)
    lost = len(expected - set(received))
    duplicated = sum(n - 1 for n in received.values())
    assert (lost, duplicated) == (0, 0)
    assert severed >= cuts  # each cut really cut something (workers and web hold connections)
    logs = processes.logs()
    assert not PERSONAL.search(logs), "a log line names a recipient"
    print(
        f"\ndatabase restarts: {count} messages, 2 workers + 1 web server, {cuts} cuts"
        f" ({severed} connections ended), {seconds:.0f} s; lost {lost}, duplicated {duplicated};"
        f" web answers during the run {dict(web_answers)};"
        f" {logs.count('trying again')} sends recorded on a second try"
    )


def test_a_mail_server_refusing_for_a_while_delays_but_delivers_each_message_once(
    processes: Processes, smtp_server: smtp.SmtpServer
) -> None:
    count = 1000 if LONG else 20
    refuse_more_seconds = 20.0 if LONG else 3.0
    # Retries after 1 s, 2 s, 4 s ... (2 s, 4 s ... in the long run, whose refusals last longer:
    # 8 attempts must outlast them) instead of the minutes a real outage is given.
    first_retry = "2" if LONG else "1"
    env = {
        **processes.env,
        **smtp_server.env(),
        "SAFEGUARD_OUTBOX_FIRST_RETRY_SECONDS": first_retry,
    }
    prefix = f"refuse{random.randrange(10**6)}"
    ids = enqueue(env, prefix=prefix, count=count)
    expected = {OutboxMessage(pk=pk).message_id for pk in ids}
    handler = smtp_server.handler
    # Refuse from the start until every message has been refused once (workers take a few
    # seconds to start on a busy machine), then for a few seconds more.
    handler.refuse_until = time.monotonic() + 3600
    for name in ("w1", "w2"):
        processes.worker(name, lease_seconds=30, env=env)
    wait_for(
        lambda: len(handler.refused_ids & expected) == count, 300, "every message refused once"
    )
    handler.refuse_until = began = time.monotonic() + refuse_more_seconds
    wait_for(
        lambda: len(_mine(smtp_server, expected)) == count,
        900 if LONG else 240,
        "every message to arrive",
    )
    seconds = time.monotonic() - began

    def all_recorded() -> bool:
        return {m["state"] for m in outbox_state(env, prefix=prefix)["messages"]} == {"sent"}

    wait_for(all_recorded, 60, "every message to be recorded as sent")
    state = outbox_state(env, prefix=prefix)
    received = _mine(smtp_server, expected)
    assert set(received) == expected and max(received.values()) == 1
    refusals = Counter(t["message_id"] for t in state["tries"] if not t["succeeded"])
    successes = Counter(t["message_id"] for t in state["tries"] if t["succeeded"])
    assert set(refusals) == set(ids)  # each was refused, and that is on record
    assert set(successes) == set(ids) and max(successes.values()) == 1
    for message in state["messages"]:
        assert message["attempts"] == refusals[message["pk"]] + 1
    assert {t["error"] for t in state["tries"] if not t["succeeded"]} == {
        "421 Service not available, try again later"
    }
    logs = processes.log_of("w1") + processes.log_of("w2")
    assert "attempt 1 failed, now retrying" in logs  # the retries show in the log too
    assert not PERSONAL.search(logs), "a log line names a recipient"
    print(
        f"\nmail server refusing: {count} messages, {handler.refused} refusals (421),"
        f" {sum(refusals.values())} failed attempts recorded (up to {max(refusals.values())}"
        f" per message); all {sum(received.values())} delivered once each, the last"
        f" {seconds:.0f} s after the server accepted again; lost 0, duplicated 0"
    )
