from __future__ import annotations

from ninja import NinjaAPI, Router

router = Router(tags=["reviews"])


def install(api: NinjaAPI) -> None:
    api.add_router("/reviews/", router)
