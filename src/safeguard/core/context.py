"""What the current request is, for code far from the view (the audit trail's ``route``).

Selectors record reads themselves; they learn which page or API route asked through these
context variables, which the middleware and the API set, instead of a request argument that a
new page could forget to pass.
"""

from __future__ import annotations

from contextvars import ContextVar

current_route: ContextVar[str] = ContextVar("current_route", default="")
current_api_key_id: ContextVar[int | None] = ContextVar("current_api_key_id", default=None)
