from django.apps import AppConfig


class EncompassConfig(AppConfig):
    name = "safeguard.encompass"
    label = "encompass"
    verbose_name = "Operation Encompass"

    def ready(self) -> None:
        from safeguard.core import demo, labels, navigation, roles, work
        from safeguard.core.api.auth import register_scope
        from safeguard.core.models.organisations import OrganisationKind
        from safeguard.core.outbox import register_secret_link_reason
        from safeguard.core.selectors.deadlines import register_deadline_access
        from safeguard.core.worker import register_periodic
        from safeguard.encompass.demo import add_demo_encompass
        from safeguard.encompass.policies import GRANTS, Cap
        from safeguard.encompass.selectors.work import deadline_access, encompass_work
        from safeguard.encompass.tasks import run_clocks, run_forwards, run_told

        # The e-mailed link to a forwarded notification opens it without signing in.
        register_secret_link_reason("encompass_forward")

        for role, capabilities in GRANTS.items():
            roles.grant(role, capabilities)
        for label, url_name, capability in (
            ("Encompass incidents", "encompass:incidents", Cap.VIEW_INCIDENTS),
            ("Encompass notifications", "encompass:notifications", Cap.VIEW_NOTIFICATIONS),
            ("Matches to review", "encompass:review_queue", Cap.REVIEW_MATCHES),
            ("Children not on a roll", "encompass:unmatched", Cap.MANAGE_UNMATCHED),
            ("Encompass oversight", "encompass:oversight", Cap.VIEW_OVERSIGHT),
            ("School calendars", "encompass:calendar", Cap.MANAGE_CALENDARS),
            ("Key adults", "encompass:key_adults", Cap.MANAGE_CALENDARS),
            ("Cross-border forwards", "encompass:forwards", Cap.VIEW_FORWARDS),
            ("Neighbouring partnerships", "encompass:neighbours", Cap.MANAGE_NEIGHBOURS),
        ):
            navigation.register(
                navigation.NavItem(label, url_name, capability, group=navigation.SCHOOLS)
            )
        register_scope(
            "encompass:incidents:write",
            "Send domestic abuse incidents and the children in them (Operation Encompass)",
            kinds=[OrganisationKind.POLICE],
        )
        register_scope(
            "encompass:incidents:read",
            "See where the force's incidents stand: children matched, schools told",
            kinds=[OrganisationKind.POLICE],
        )
        register_periodic("encompass_clocks", run_clocks, 300)
        register_periodic("encompass_forwards", run_forwards, 60)
        register_periodic("encompass_told", run_told, 60)
        demo.register_extension("encompass", add_demo_encompass)
        register_deadline_access("encompass", deadline_access)
        labels.register_many(
            {
                "encompass.incident": "Encompass incident",
                "encompass.incident_child": "Child in an Encompass incident",
                "encompass.notification": "Encompass notification",
                "encompass.forward": "Cross-border forward",
                "encompass.neighbour": "Neighbouring partnership",
                "encompass.calendar": "School calendar",
                "encompass.term": "School term",
                "encompass.inset_day": "INSET day",
                "encompass.key_adult": "Key adult",
                "encompass.school_help": "Help for schools",
                # The reasons of the module's e-mails, as the outbox pages show them.
                "encompass_first": "Encompass notification to a school",
                "encompass_holiday": "Encompass notification in a school holiday",
                "encompass_school": "Encompass notification at the start of the school day",
                "encompass_escalated": "Encompass escalation to the LA",
                "encompass_resent": "Encompass notification sent again",
                "encompass_withdrawn": "Encompass notification withdrawn",
                "encompass_forward": "Encompass forward to a neighbouring partnership",
                "encompass_forward_code": "Code for an Encompass forward",
                "encompass_forward_failed": "Encompass forward that failed",
            }
        )
        work.register("encompass", "Operation Encompass", encompass_work)
        from safeguard.encompass import measures  # noqa: F401 (registers its measures)
        from safeguard.encompass.report import register as register_report_tables

        register_report_tables()
