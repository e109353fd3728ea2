from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "safeguard.reports"
    label = "reports"
    verbose_name = "Reports: the annual report built from live records"

    def ready(self) -> None:
        from safeguard.core import labels, navigation, roles
        from safeguard.core.demo import register_extension
        from safeguard.reports.demo import add_demo_report
        from safeguard.reports.policies import GRANTS, Cap

        for role, capabilities in GRANTS.items():
            roles.grant(role, capabilities)
        navigation.register(
            navigation.NavItem(
                "Annual report", "reports:list", Cap.READ_PUBLISHED, group=navigation.PERFORMANCE
            )
        )
        labels.register_many(
            {
                "reports.report": "Annual report",
                "reports.narrative": "Annual report section",
                "reports.sign_off": "Annual report sign-off",
                "reports.report_pdf": "Annual report PDF",
            }
        )
        # After every module: its demo publishes a report read from the others' demo records.
        register_extension("reports", add_demo_report, reads_every_module=True)
