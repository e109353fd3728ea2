"""The reviews pages, under /reviews/, namespace ``reviews``."""

from safeguard.reviews.views import (
    actions,
    cases,
    csprs,
    decisions,
    discussion,
    learning,
    oversight,
    past_cases,
    rapid_reviews,
)

app_name = "reviews"

urlpatterns = (
    cases.urlpatterns
    + decisions.urlpatterns
    + discussion.urlpatterns
    + oversight.urlpatterns
    + rapid_reviews.urlpatterns
    + csprs.urlpatterns
    + actions.urlpatterns
    + learning.urlpatterns
    + past_cases.urlpatterns
)
