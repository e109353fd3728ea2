from safeguard.core.views import accounts, apikeys, audit, deadlines, home, outbox, partnership

app_name = "core"

urlpatterns = [
    *home.urlpatterns,
    *accounts.urlpatterns,
    *partnership.urlpatterns,
    *deadlines.urlpatterns,
    *audit.urlpatterns,
    *outbox.urlpatterns,
    *apikeys.urlpatterns,
]
