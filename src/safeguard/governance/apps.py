from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "safeguard.governance"
    label = "governance"
    verbose_name = "Governance: the partnership action plan"

    def ready(self) -> None:
        from safeguard.core import labels, navigation, roles, work
        from safeguard.core.api.auth import register_scope
        from safeguard.core.demo import register_extension
        from safeguard.core.models.organisations import OrganisationKind
        from safeguard.core.selectors.deadlines import register_deadline_access
        from safeguard.core.worker import register_periodic
        from safeguard.governance import sources, tasks
        from safeguard.governance.demo import add_demo_actions
        from safeguard.governance.policies import GRANTS, SCOPE, Cap
        from safeguard.governance.selectors import own_sources
        from safeguard.governance.selectors.work import deadline_access, home_work
        from safeguard.governance.texts import LABELS

        for role, capabilities in GRANTS.items():
            roles.grant(role, capabilities)
        navigation.register(
            navigation.NavItem(
                "Action plan", "governance:plan", Cap.USE, group=navigation.PARTNERSHIP
            )
        )
        # Partners' systems report on the actions their organisation owns; the Business Unit
        # runs the plan through its pages.
        register_scope(
            SCOPE,
            "Read your organisation's actions in the action plan and report their progress",
            kinds=[
                kind for kind in OrganisationKind.values if kind != OrganisationKind.PARTNERSHIP
            ],
        )
        sources.register(
            own_sources.INSPECTION,
            "Inspection recommendation",
            link=own_sources.inspection_link,
            may_view=own_sources.may_view,
            visible=own_sources.visible_of(own_sources.INSPECTION),
        )
        sources.register(
            own_sources.TASK_AND_FINISH,
            "Task-and-finish group",
            link=own_sources.group_link,
            may_view=own_sources.may_view,
            visible=own_sources.visible_of(own_sources.TASK_AND_FINISH),
        )
        sources.register(
            own_sources.AUDIT,
            "Multi-agency audit",
            link=own_sources.group_link,
            may_view=own_sources.may_view,
            visible=own_sources.visible_of(own_sources.AUDIT),
        )
        # Overdue actions are chased, at most once a week each.
        register_periodic("governance_chase_overdue", tasks.chase_overdue, 3600)
        register_deadline_access("governance", deadline_access)
        work.register("governance", "Action plan", home_work)
        register_extension("governance", add_demo_actions)
        labels.register_many(LABELS)
        from safeguard.governance import meetings

        meetings.ready()
        # Funding and priorities (issue 17): their grants, menu entries and report section.
        from safeguard.governance import report as governance_report

        governance_report.connect()
