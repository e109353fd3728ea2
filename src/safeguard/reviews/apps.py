from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "safeguard.reviews"
    label = "reviews"
    verbose_name = "Serious incident reviews"

    def ready(self) -> None:
        from safeguard.core import labels, navigation, roles, themes, work
        from safeguard.core.api.auth import register_scope
        from safeguard.core.demo import register_extension
        from safeguard.core.models.organisations import OrganisationKind
        from safeguard.core.selectors.deadlines import register_deadline_access
        from safeguard.core.worker import register_periodic
        from safeguard.governance import sources
        from safeguard.reviews import rules, tasks
        from safeguard.reviews.demo import add_demo_cases
        from safeguard.reviews.policies import GRANTS, Cap
        from safeguard.reviews.selectors import plan
        from safeguard.reviews.selectors.learning import active_theme_names
        from safeguard.reviews.selectors.work import deadline_access, home_work

        for role, capabilities in GRANTS.items():
            roles.grant(role, capabilities)
        navigation.register(
            navigation.NavItem(
                "Serious incidents", "reviews:cases", Cap.USE, group=navigation.CASES
            )
        )
        navigation.register(
            navigation.NavItem(
                "Learning from reviews",
                "reviews:learning",
                Cap.VIEW_LEARNING,
                group=navigation.TRAINING,
            )
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
        # Overdue agency requests are chased, at most once a week each (actions: governance).
        register_periodic("reviews_chase_overdue", tasks.chase_overdue, 3600)
        register_extension("reviews", add_demo_cases)
        # A review's recommendations feed the shared action plan (safeguard.governance).
        sources.register(
            plan.KIND,
            plan.LABEL,
            link=plan.link,
            may_view=plan.may_view,
            may_manage=plan.may_manage,
            visible=plan.visible,
            key_scope=plan.KEY_SCOPE,
            links=plan.links,
        )
        # Other modules (training's courses) name the themes of learning through the kernel.
        themes.register_source("reviews", active_theme_names)
        # What is due lists a reviews clock only to those who can open its page.
        register_deadline_access("reviews", deadline_access)
        work.register("reviews", "Serious incidents", home_work)
        # The kernel's pages name this module's routes, records and reasons in words.
        labels.register_many(
            {route: f"Serious incidents: {label}" for route, label in rules.PAGE_LABELS.items()}
        )
        labels.register_many(rules.RECORD_LABELS)
        labels.register_many(rules.REASON_LABELS)
        from safeguard.governance import agenda
        from safeguard.reviews import agenda as rag_agenda
        from safeguard.reviews import measures  # noqa: F401 (registers its measures)

        agenda.register(
            rag_agenda.KIND, "Cases for the RAG", rag_agenda.items_for, may_open=rag_agenda.may_open
        )
        from safeguard.reviews.report import register as register_report_tables

        register_report_tables()
