"""The project's URLs plus the scorecard's pages and API, until the lead mounts them.

The pages go at /performance/ as they will in the project. The API goes on an API of its own at
/api/test-performance/ (with the kernel's error handlers), so it cannot shadow the project's.
"""

from django.urls import include, path

from safeguard.core.api import SafeguardAPI, _handlers
from safeguard.core.api_auth import ApiKeyAuth
from safeguard.performance.api import install
from safeguard.urls import handler403, handler404, handler500
from safeguard.urls import urlpatterns as project

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]

test_api = SafeguardAPI(
    title="Performance test API",
    version="performance-test",
    urls_namespace="performance_test_api",
    docs_url=None,
    auth=ApiKeyAuth(),
)
for _exception, _handler in _handlers(test_api).items():
    test_api.add_exception_handler(_exception, _handler)
install(test_api)

urlpatterns = [
    path("api/test-performance/", test_api.urls),
    path("performance/", include("safeguard.performance.urls")),
    *project,
]
