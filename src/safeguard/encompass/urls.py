app_name = "encompass"

urlpatterns: list = []
