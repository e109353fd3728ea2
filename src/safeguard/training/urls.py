"""The training pages, under /training/, namespace ``training``."""

from safeguard.training.views import bookings, catalogue, needs, registration, running

app_name = "training"

urlpatterns = (
    catalogue.urlpatterns
    + bookings.urlpatterns
    + running.urlpatterns
    + needs.urlpatterns
    + registration.urlpatterns
)
