"""The JSON API for partner systems, version 1: ``/api/v1/``, described at ``openapi.json``.

Each module contributes a router; the kernel contributes authentication and the error shape.
Every route needs an API key unless it says otherwise (default deny). ``docs_url`` stays None:
the interactive page would load scripts from a CDN, which the Content Security Policy forbids.
"""

from safeguard.child_deaths.api import install as install_child_deaths
from safeguard.core.api import SafeguardAPI
from safeguard.core.api import install as install_core
from safeguard.core.api.auth import ApiKeyAuth
from safeguard.domestic_abuse.api import install as install_domestic_abuse
from safeguard.encompass.api import install as install_encompass
from safeguard.governance.api import install as install_governance
from safeguard.performance.api import install as install_performance
from safeguard.reviews.api import install as install_reviews

api = SafeguardAPI(
    title="Safeguard API",
    version="1",
    description="System-to-system API of a Safeguarding Children Partnership. "
    "Authenticate with an organisation's API key in the `Authorization: Bearer` header. "
    'Every error has the shape `{"error": {"code", "message", "fields": [{"field", "message"}]}}`.',
    urls_namespace="api",
    docs_url=None,
    auth=ApiKeyAuth(),
)
install_core(api)
install_reviews(api)
install_encompass(api)
install_performance(api)
install_governance(api)
install_domestic_abuse(api)
install_child_deaths(api)
