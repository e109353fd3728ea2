from safeguard.encompass import views, views_calendars

app_name = "encompass"
urlpatterns = [*views.urlpatterns, *views_calendars.urlpatterns]
