"""The child deaths pages, under /child-deaths/, namespace ``child_deaths``."""

from safeguard.child_deaths.views import analysis, deaths, deprivation, notifications, reporting

app_name = "child_deaths"

urlpatterns = (
    notifications.urlpatterns
    + deaths.urlpatterns
    + reporting.urlpatterns
    + analysis.urlpatterns
    + deprivation.urlpatterns
)
