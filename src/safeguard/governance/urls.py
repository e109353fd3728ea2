"""The action plan's pages, under /governance/, namespace ``governance``."""

from safeguard.governance.views import actions, funding, own_sources, plan, priorities

app_name = "governance"

urlpatterns = plan.urlpatterns + actions.urlpatterns + own_sources.urlpatterns

from safeguard.governance.views import meetings  # noqa: E402  (meetings' pages, issue 17)

urlpatterns += meetings.urlpatterns
urlpatterns += funding.urlpatterns + priorities.urlpatterns
