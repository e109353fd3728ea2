from safeguard.core.views import (
    accounts,
    apikeys,
    audit,
    deadlines,
    holidays,
    home,
    invitations,
    jobs,
    menu,
    outbox,
    partnership,
    retention,
    sso,
)

app_name = "core"

urlpatterns = [
    *home.urlpatterns,
    *accounts.urlpatterns,
    *sso.urlpatterns,
    *invitations.urlpatterns,
    *partnership.urlpatterns,
    *deadlines.urlpatterns,
    *holidays.urlpatterns,
    *audit.urlpatterns,
    *retention.urlpatterns,
    *outbox.urlpatterns,
    *apikeys.urlpatterns,
    *jobs.urlpatterns,
    *menu.urlpatterns,
]
