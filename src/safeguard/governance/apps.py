from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "safeguard.governance"
    label = "governance"
    verbose_name = "Governance: the partnership action plan"

    def ready(self) -> None:
        from safeguard.core import labels, navigation, roles, work
        from safeguard.core.api.auth import register_scope
        from safeguard.core.demo import register_extension
        from safeguard.core.selectors.deadlines import register_deadline_access
        from safeguard.governance import sources
        from safeguard.governance.demo import add_demo_actions
        from safeguard.governance.policies import GRANTS, SCOPE, Cap
        from safeguard.governance.selectors import own_sources
        from safeguard.governance.selectors.work import deadline_access, home_work
        from safeguard.governance.texts import LABELS

        for role, capabilities in GRANTS.items():
            roles.grant(role, capabilities)
        navigation.register(navigation.NavItem("Action plan", "governance:plan", Cap.USE))
        register_scope(SCOPE, "Read your organisation's actions and report their progress")
        sources.register(
            own_sources.INSPECTION,
            "Inspection recommendation",
            link=own_sources.inspection_link,
            may_view=own_sources.may_view,
        )
        sources.register(
            own_sources.TASK_AND_FINISH,
            "Task-and-finish group",
            link=own_sources.group_link,
            may_view=own_sources.may_view,
        )
        sources.register(
            own_sources.AUDIT,
            "Multi-agency audit",
            link=own_sources.group_link,
            may_view=own_sources.may_view,
        )
        register_deadline_access("governance", deadline_access)
        work.register("governance", "Action plan", home_work)
        register_extension("governance", add_demo_actions)
        labels.register_many(LABELS)
