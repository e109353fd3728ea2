from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "safeguard.reviews"
    label = "reviews"
    verbose_name = "Serious incident reviews"

    def ready(self) -> None:
        from safeguard.core import navigation, roles
        from safeguard.core.api_auth import register_scope
        from safeguard.reviews.policies import GRANTS, Cap

        for role, capabilities in GRANTS.items():
            roles.grant(role, capabilities)
        navigation.register(navigation.NavItem("Serious incidents", "reviews:cases", Cap.USE))
        navigation.register(
            navigation.NavItem("Learning from reviews", "reviews:learning", Cap.VIEW_LEARNING)
        )
        register_scope("reviews:refer", "Refer a serious incident and follow its progress")
        register_scope("reviews:decide", "Record the LA's decision on notifying the Panel")
        register_scope("reviews:read", "Read the state and clocks of serious incident cases")
