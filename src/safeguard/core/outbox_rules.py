"""When to try a failed message again: pure arithmetic, no Django, tested at every edge.

A mail server that refuses a message is usually down for a while, not for good: waiting longer
after each failure (1 minute, 2, 4, ... never more than an hour) gives it time to recover
without hammering it, and the cap keeps a message from sleeping for days.
"""

from __future__ import annotations

FIRST_DELAY_SECONDS = 60
MAX_DELAY_SECONDS = 60 * 60


def retry_delay_seconds(attempts: int, *, first: int = FIRST_DELAY_SECONDS) -> int:
    """Seconds to wait after the ``attempts``-th failed attempt (1 for the first failure).

    ``first`` is the first wait (``SAFEGUARD_OUTBOX_FIRST_RETRY_SECONDS``): a minute in service;
    the fault tests shorten it so that a mail server refusing for seconds is seen to recover.
    """
    if attempts < 1:
        raise ValueError("attempts counts failed attempts and starts at 1")
    if first < 1:
        raise ValueError("the first wait is at least 1 second")
    # 2**6 * 60 already exceeds the cap; bounding the exponent keeps huge counts cheap.
    exponent = min(attempts - 1, 16)
    return min(first * 2**exponent, MAX_DELAY_SECONDS)


def gives_up(attempts: int, max_attempts: int) -> bool:
    """True when a message that has failed ``attempts`` times should stop being retried."""
    return attempts >= max_attempts
