from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "safeguard.performance"
    label = "performance"
    verbose_name = "Performance"

    def ready(self) -> None:
        from safeguard.core import navigation, work
        from safeguard.core.api.auth import register_scope
        from safeguard.core.demo import register_extension
        from safeguard.core.roles import Role, grant
        from safeguard.core.selectors.deadlines import register_deadline_access
        from safeguard.core.worker import register_periodic
        from safeguard.performance import policies, selectors, tasks
        from safeguard.performance.demo import add_demo_counted_indicators, add_demo_indicators

        for role in (
            Role.SUBGROUP_MEMBER,
            Role.BUSINESS_UNIT_ADMIN,
            Role.BUSINESS_UNIT_OFFICER,
            Role.INDEPENDENT_CHAIR,
            Role.STATUTORY_PARTNER_LEAD,
            Role.LA_DATA_TEAM,
        ):
            grant(role, {policies.VIEW})
        for role in (Role.BUSINESS_UNIT_ADMIN, Role.BUSINESS_UNIT_OFFICER):
            grant(role, {policies.MANAGE, policies.SUBMIT_RETURN})
        for role in (Role.STATUTORY_PARTNER_LEAD, Role.LA_DATA_TEAM):
            grant(role, {policies.SUBMIT_RETURN})
        grant(Role.LA_DATA_TEAM, {policies.IMPORT_RECORDS})
        register_scope("performance:read", "Read the scorecard's indicators and early warning")
        register_scope("performance:submit", "Send values for the organisation's indicators")
        navigation.register(
            navigation.NavItem(
                "Scorecard", "performance:scorecard", policies.VIEW, group=navigation.PERFORMANCE
            )
        )
        navigation.register(
            navigation.NavItem(
                "Census imports",
                "performance:records",
                policies.IMPORT_RECORDS,
                group=navigation.PERFORMANCE,
            )
        )
        register_periodic("performance_returns", tasks.returns_due_and_chase, 3600)
        register_periodic("performance_measures", tasks.measures_count, 3600)
        register_extension("performance", add_demo_indicators)
        register_extension("performance_counted", add_demo_counted_indicators)
        register_deadline_access("performance", policies.deadline_access)
        work.register("performance", "The scorecard", selectors.performance_work)
        from safeguard.governance import agenda
        from safeguard.performance import agenda as pmsg_agenda

        agenda.register(
            pmsg_agenda.KIND,
            "Exceptions for the PMSG",
            pmsg_agenda.items_for,
            may_open=pmsg_agenda.may_open,
        )
        from safeguard.performance.report import register as register_report_tables

        register_report_tables()
