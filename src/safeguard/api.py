"""The JSON API for partner systems, version 1: ``/api/v1/``, described at ``openapi.json``.

Each module contributes a router; the kernel contributes authentication and the error shape.
"""

from ninja import NinjaAPI

from safeguard.core.api import install as install_core

api = NinjaAPI(
    title="Safeguard API",
    version="1",
    description="System-to-system API of a Safeguarding Children Partnership. "
    "Authenticate with an organisation's API key in the `Authorization: Bearer` header.",
    urls_namespace="api",
    docs_url=None,
)
install_core(api)
