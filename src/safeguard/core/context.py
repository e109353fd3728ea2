"""What the current request is, for code far from the view (the audit trail's ``route``).

Selectors record reads themselves; they learn which page or API route asked through these
context variables, which the middleware and the API set, instead of a request argument that a
new page could forget to pass.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")

current_route: ContextVar[str] = ContextVar("current_route", default="")
current_api_key_id: ContextVar[int | None] = ContextVar("current_api_key_id", default=None)
# Answers worked out once per page read (a GET or HEAD), for code that asks the same question
# several times while drawing one page: who may see which clocks, for example. None outside a
# read, so a form's POST, the worker and the tests always work the answer out afresh.
request_memo: ContextVar[dict[tuple[object, ...], object] | None] = ContextVar(
    "request_memo", default=None
)


def remembered(key: tuple[object, ...], work_out: Callable[[], T]) -> T:
    """``work_out()``, once per page read for ``key``; every time anywhere else."""
    memo = request_memo.get()
    if memo is None:
        return work_out()
    if key not in memo:
        memo[key] = work_out()
    return memo[key]  # type: ignore[return-value]
