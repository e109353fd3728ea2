from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "safeguard.reviews"
    label = "reviews"
    verbose_name = "Serious incident reviews"

    def ready(self) -> None:
        from safeguard.core import navigation, roles
        from safeguard.core.api.auth import register_scope
        from safeguard.core.demo import register_extension
        from safeguard.core.models.organisations import OrganisationKind
        from safeguard.core.worker import register_periodic
        from safeguard.reviews import tasks
        from safeguard.reviews.demo import add_demo_cases
        from safeguard.reviews.policies import GRANTS, Cap

        for role, capabilities in GRANTS.items():
            roles.grant(role, capabilities)
        navigation.register(navigation.NavItem("Serious incidents", "reviews:cases", Cap.USE))
        navigation.register(
            navigation.NavItem("Learning from reviews", "reviews:learning", Cap.VIEW_LEARNING)
        )
        register_scope("reviews:refer", "Refer a serious incident and follow its progress")
        register_scope(
            "reviews:decide",
            "Record the LA's decision on notifying the Panel",
            kinds=[OrganisationKind.LOCAL_AUTHORITY],
        )
        register_scope("reviews:read", "Read your organisation's serious incident cases")
        register_scope("reviews:contribute", "Add information, views and agency summaries")
        register_scope("reviews:actions", "Report progress on your organisation's actions")
        register_scope(
            "reviews:manage",
            "The Business Unit's steps on a case: meetings, Rapid Review, CSPR, actions, learning",
            kinds=[OrganisationKind.PARTNERSHIP],
        )
        register_scope(
            "reviews:sign_off",
            "Sign off a Rapid Review for a statutory partner",
            kinds=[OrganisationKind.LOCAL_AUTHORITY, OrganisationKind.POLICE, OrganisationKind.ICB],
        )
        # Overdue actions and agency requests are chased, at most once a week each.
        register_periodic("reviews_chase_overdue", tasks.chase_overdue, 3600)
        register_extension("reviews", add_demo_cases)
