"""The reviews pages, under /reviews/, namespace ``reviews``."""

from safeguard.reviews.views import cases, decisions, discussion, oversight

app_name = "reviews"

urlpatterns = cases.urlpatterns + decisions.urlpatterns + discussion.urlpatterns + oversight.urlpatterns
