"""The domestic abuse pages, under /domestic-abuse/, namespace ``domestic_abuse``."""

from safeguard.domestic_abuse.views import board, home_education, incidents, marac

app_name = "domestic_abuse"
urlpatterns = [
    *board.urlpatterns,
    *incidents.urlpatterns,
    *marac.urlpatterns,
    *home_education.urlpatterns,
]
