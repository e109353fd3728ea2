from safeguard.encompass.views import calendars, forwarding, notifications

app_name = "encompass"
urlpatterns = [*notifications.urlpatterns, *calendars.urlpatterns, *forwarding.urlpatterns]
