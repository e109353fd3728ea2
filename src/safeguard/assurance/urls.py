"""The assurance pages, under /assurance/, namespace ``assurance``."""

from safeguard.assurance.views import assessments, audits, escalations, home, secure

app_name = "assurance"

urlpatterns = (
    home.urlpatterns
    + escalations.urlpatterns
    + assessments.urlpatterns
    + secure.urlpatterns
    + audits.urlpatterns
)
