"""The scorecard's pages, mounted at ``/performance/``."""

from safeguard.performance.views import (
    catalogue,
    downloads,
    exceptions,
    measures,
    records,
    returns,
    scorecard,
)

app_name = "performance"

urlpatterns = [
    *scorecard.urlpatterns,
    *catalogue.urlpatterns,
    *measures.urlpatterns,
    *returns.urlpatterns,
    *exceptions.urlpatterns,
    *records.urlpatterns,
    *downloads.urlpatterns,
]
