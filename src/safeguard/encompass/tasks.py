"""Background work of Operation Encompass, run by the worker every few minutes. Idempotent:
each step moves only rows still waiting for it, under a row lock."""

from __future__ import annotations

from safeguard.encompass.services.forwarding import forwards_send
from safeguard.encompass.services.matching import pending_match
from safeguard.encompass.services.notifications import (
    notifications_escalate,
    notifications_mark_told,
    notifications_remind_schools,
)


def run_clocks() -> None:
    """Match children an earlier attempt missed, tell schools at the start of the school day
    what the LA's holiday contact had first, and escalate unacknowledged notifications."""
    pending_match()
    notifications_remind_schools()
    notifications_escalate()


def run_forwards() -> None:
    """Send the cross-border forwards that are due (claimed under a lease, so several workers
    may run it at once)."""
    forwards_send()


def run_told() -> None:
    """Every minute: match children the receiving request could not (so an automatic match is
    sent within a minute of receipt), and record schools as told once their message is
    delivered."""
    pending_match()
    notifications_mark_told()
