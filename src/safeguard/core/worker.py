"""The background worker: delivers the outbox, runs queued tasks and periodic jobs, until stopped.

Queued tasks are ``django-tasks`` tasks in its database backend (``django-tasks-db``; DESIGN.md
section 3, ADR 0007): a page queues the long work and returns at once, and any worker takes the
task by a row lock (``SKIP LOCKED`` on PostgreSQL, an exclusive transaction on SQLite), so two
workers never run the same task.

Any number of workers may run at once (on one machine or many): the outbox lease keeps them off
each other's messages. Periodic jobs are remembered per process, so with N workers a job runs up
to N times per period: jobs must be idempotent (DESIGN.md section 2, ``tasks.py``). A module
registers its job when its app loads, e.g. ``register_periodic("deadline_reminders", send, 3600)``.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from typing import Any

from django.db import OperationalError, close_old_connections, connection
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker as TaskRunner
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from safeguard.core import outbox

logger = logging.getLogger("safeguard.worker")


@dataclass
class PeriodicJob:
    name: str
    func: Callable[[], object]
    every_seconds: float
    last_started: float | None = None

    def is_due(self, clock: float) -> bool:
        return self.last_started is None or clock - self.last_started >= self.every_seconds


_JOBS: dict[str, PeriodicJob] = {}


def register_periodic(name: str, func: Callable[[], object], every_seconds: float) -> None:
    """Run ``func`` about every ``every_seconds`` in each worker; a second registration replaces."""
    if every_seconds <= 0:
        raise ValueError("every_seconds must be positive")
    _JOBS[name] = PeriodicJob(name=name, func=func, every_seconds=every_seconds)


def unregister_periodic(name: str) -> None:
    _JOBS.pop(name, None)


def periodic_jobs() -> list[PeriodicJob]:
    return list(_JOBS.values())


def run_due_jobs(*, clock: float | None = None) -> list[str]:
    """Run every job that is due; one failing job is logged and does not stop the others."""
    now = time.monotonic() if clock is None else clock
    ran = []
    for job in list(_JOBS.values()):
        if not job.is_due(now):
            continue
        job.last_started = now
        try:
            job.func()
        except Exception as exc:  # one job's failure must not stop the worker
            # The name and the exception type only: a message could carry personal data.
            logger.error("periodic job %s failed: %s", job.name, type(exc).__name__)
        else:
            ran.append(job.name)
    return ran


def _refresh_connections() -> None:
    """Drop a broken or expired database connection between polls, as a request would.

    Never inside a transaction (a test's, or a caller's): closing would lose it.
    """
    if not connection.in_atomic_block:
        close_old_connections()


def _drain(*, worker_id: str, batch: int, lease_seconds: float, stop: threading.Event) -> int:
    tried = 0
    while not stop.is_set():
        try:
            count = outbox.deliver_due(
                worker_id=worker_id,
                batch=batch,
                lease_seconds=lease_seconds,
                keep_going=lambda: not stop.is_set(),
            )
        except Exception as exc:  # e.g. the database restarting: try at the next poll
            logger.error("outbox delivery failed: %s", type(exc).__name__)
            _refresh_connections()
            break
        tried += count
        if count < batch:
            break
    return tried


def run_queued_tasks(
    *, worker_id: str, stop: threading.Event | None = None, limit: int | None = None
) -> int:
    """Run queued tasks one at a time until none is ready (or ``stop``, or ``limit``).

    Each task is claimed in its own short transaction, then run outside it: the task's own
    transactions and its progress writes are its business. A task that raises is recorded as
    failed by django-tasks and does not stop the worker.
    """
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    if not isinstance(backend, DatabaseBackend):
        return 0  # tasks run where they were queued (the immediate backend): nothing to take
    runner = TaskRunner(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name=DEFAULT_TASK_BACKEND_ALIAS,
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id[:64],
        excluded_queue_names=[],
    )
    ran = 0
    while (stop is None or not stop.is_set()) and (limit is None or ran < limit):
        ready = DBTaskResult.objects.ready().filter(backend_name=DEFAULT_TASK_BACKEND_ALIAS)
        try:
            with exclusive_transaction(ready.db):
                claimed = ready.get_locked()
                if claimed is not None:
                    claimed.claim(worker_id[:64])
        except OperationalError as error:
            if is_locked_database_exception(error):
                break  # another worker holds the queue: look again at the next poll
            raise
        if claimed is None:
            break
        runner.run_task(claimed)
        ran += 1
    return ran


def run(
    *,
    worker_id: str,
    poll_seconds: float,
    once: bool = False,
    stop_event: threading.Event | None = None,
    batch: int = 10,
    lease_seconds: float = outbox.LEASE_SECONDS,
) -> None:
    """Deliver, run queued tasks and periodic jobs every ``poll_seconds`` until SIGTERM/SIGINT
    or ``stop_event``.

    A signal lets the message in hand finish (its attempt is recorded) and then stops; a
    message not yet claimed stays queued for the next worker. ``once`` drains what is due now,
    runs due jobs, and returns: for cron-style use and tests.
    """
    stop = stop_event or threading.Event()
    previous: dict[int, Any] = {}

    def ask_to_stop(signum: int, frame: FrameType | None) -> None:
        logger.info("worker %s stopping on signal %s", worker_id, signum)
        stop.set()

    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous[signum] = signal.signal(signum, ask_to_stop)
    logger.info("worker %s started", worker_id)
    try:
        while not stop.is_set():
            _refresh_connections()
            _drain(worker_id=worker_id, batch=batch, lease_seconds=lease_seconds, stop=stop)
            if not stop.is_set():
                try:
                    run_queued_tasks(worker_id=worker_id, stop=stop)
                except Exception as exc:  # e.g. the database restarting: try at the next poll
                    logger.error("queued tasks failed: %s", type(exc).__name__)
                    _refresh_connections()
            if not stop.is_set():
                run_due_jobs()
            if once:
                break
            stop.wait(poll_seconds)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        logger.info("worker %s stopped", worker_id)
