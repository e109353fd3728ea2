"""The annual report's pages, under /reports/, namespace ``reports``."""

from safeguard.reports.views import narratives, public, reports

app_name = "reports"

urlpatterns = reports.urlpatterns + narratives.urlpatterns + public.urlpatterns
