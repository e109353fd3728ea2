from __future__ import annotations

from ninja import NinjaAPI, Router

router = Router(tags=["encompass"])


def install(api: NinjaAPI) -> None:
    api.add_router("/encompass/", router)
