"""The reviews module's API: a partner's cases (``cases``), and the Business Unit's steps on one
router of their own (``state``, where the shared pieces live; ``steps``; ``outcomes``).
"""

from ninja import NinjaAPI

# The Business Unit's routes share one router; importing their modules registers them on it.
from safeguard.reviews.api import outcomes, past_cases, steps  # noqa: F401
from safeguard.reviews.api.cases import router
from safeguard.reviews.api.state import router as business_unit_router


def install(api: NinjaAPI) -> None:
    api.add_router("/reviews/", router)
    api.add_router("/reviews/", business_unit_router)
