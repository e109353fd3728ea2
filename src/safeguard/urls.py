from django.urls import include, path, re_path

from safeguard.api import api
from safeguard.core.api import json_not_found

handler403 = "safeguard.core.views.errors.forbidden"
handler404 = "safeguard.core.views.errors.not_found"
handler500 = "safeguard.core.views.errors.server_error"

urlpatterns = [
    path("api/v1/", api.urls),
    re_path(r"^api(/|$)", json_not_found),  # other versions, or none: JSON, not an HTML page
    path("reviews/", include("safeguard.reviews.urls")),
    path("encompass/", include("safeguard.encompass.urls")),
    path("performance/", include("safeguard.performance.urls")),
    path("children/", include("safeguard.children.urls")),
    path("child-deaths/", include("safeguard.child_deaths.urls")),
    path("governance/", include("safeguard.governance.urls")),
    path("domestic-abuse/", include("safeguard.domestic_abuse.urls")),
    path("training/", include("safeguard.training.urls")),
    path("reports/", include("safeguard.reports.urls")),
    path("exploitation/", include("safeguard.exploitation.urls")),
    path("assurance/", include("safeguard.assurance.urls")),
    path("", include("safeguard.core.urls")),
]
