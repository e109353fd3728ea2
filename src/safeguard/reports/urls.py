"""The annual report's pages, under /reports/, namespace ``reports``."""

from safeguard.reports.views import narratives, reports

app_name = "reports"

urlpatterns = reports.urlpatterns + narratives.urlpatterns
