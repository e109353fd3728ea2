from django.apps import AppConfig


class ChildDeathsConfig(AppConfig):
    name = "safeguard.child_deaths"
    label = "child_deaths"
    verbose_name = "Child deaths"

    def ready(self) -> None:
        from safeguard.child_deaths import rules
        from safeguard.child_deaths.demo import add_demo_deaths
        from safeguard.child_deaths.policies import (
            GRANTS,
            NOTIFY_SCOPE,
            Cap,
            may_see_learning_actions,
        )
        from safeguard.child_deaths.selectors.work import deadline_access, home_work
        from safeguard.child_deaths.services.actions import SOURCE_KIND
        from safeguard.core import labels, navigation, roles, work
        from safeguard.core.api.auth import register_scope
        from safeguard.core.demo import register_extension
        from safeguard.core.selectors.deadlines import register_deadline_access
        from safeguard.governance import sources

        for role, capabilities in GRANTS.items():
            roles.grant(role, capabilities)
        navigation.register(
            navigation.NavItem(
                "Child deaths", "child_deaths:deaths", Cap.REVIEW, group=navigation.CASES
            )
        )
        navigation.register(
            navigation.NavItem(
                "Notify a child death", "child_deaths:notify", Cap.NOTIFY, group=navigation.CASES
            )
        )
        register_scope(NOTIFY_SCOPE, "Notify a child death and read your acknowledgements")
        register_extension("child_deaths", add_demo_deaths)
        # Only the team sees this module's clocks; an agency sees its own reporting forms' only.
        register_deadline_access("child_deaths", deadline_access)
        work.register("child_deaths", "Child deaths", home_work)
        labels.register_many(rules.LABELS)
        # Actions from the panel's learning join the shared action plan. No link: the death's
        # page opens for the team only, and the plan shows actions to the owner agency too.
        sources.register(
            SOURCE_KIND,
            "Child death review learning",
            link=None,
            may_view=may_see_learning_actions,
            may_manage=may_see_learning_actions,
        )
        from safeguard.child_deaths import measures  # noqa: F401 (registers its measures)
        from safeguard.child_deaths.report import register as register_report_tables

        register_report_tables()
