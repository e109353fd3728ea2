from safeguard.encompass import views, views_calendars, views_forwarding

app_name = "encompass"
urlpatterns = [*views.urlpatterns, *views_calendars.urlpatterns, *views_forwarding.urlpatterns]
