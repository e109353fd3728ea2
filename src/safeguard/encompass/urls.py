"""The Encompass pages, under /encompass/, namespace ``encompass``."""

from safeguard.encompass.views import (
    calendars,
    forwarding,
    key_adults,
    notifications,
    oversight,
)

app_name = "encompass"
urlpatterns = [
    *notifications.urlpatterns,
    *oversight.urlpatterns,
    *calendars.urlpatterns,
    *forwarding.urlpatterns,
    *key_adults.urlpatterns,
]
