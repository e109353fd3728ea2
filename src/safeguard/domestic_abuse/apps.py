from django.apps import AppConfig


class DomesticAbuseConfig(AppConfig):
    name = "safeguard.domestic_abuse"
    label = "domestic_abuse"
    verbose_name = "Domestic abuse triage (DRAMM and MARAC)"

    def ready(self) -> None:
        from safeguard.core import demo, labels, navigation, roles, work
        from safeguard.core.api.auth import register_scope
        from safeguard.core.models.organisations import OrganisationKind
        from safeguard.core.worker import register_periodic
        from safeguard.domestic_abuse import agenda as marac_agenda
        from safeguard.domestic_abuse import policies
        from safeguard.domestic_abuse.demo import add_demo_domestic_abuse
        from safeguard.domestic_abuse.policies import GRANTS, Cap
        from safeguard.domestic_abuse.selectors.work import home_work
        from safeguard.domestic_abuse.services.marac import ACTION_SOURCE
        from safeguard.domestic_abuse.tasks import run_encompass_pull, run_model_linkage
        from safeguard.governance import agenda, sources

        # DRAMM and MARAC members: the capability comes with the role, membership with the
        # person's organisation being one of the agencies (``Agency``).
        for role, capabilities in GRANTS.items():
            roles.grant(role, capabilities)
        navigation.register(
            navigation.NavItem(
                "DRAMM board",
                "domestic_abuse:board_today",
                Cap.BOARD,
                may_open=policies.is_dramm_member,
                group=navigation.CASES,
            )
        )
        navigation.register(
            navigation.NavItem(
                "MARAC",
                "domestic_abuse:marac",
                Cap.MARAC,
                may_open=policies.is_marac_member,
                group=navigation.CASES,
            )
        )
        navigation.register(
            navigation.NavItem(
                "Leaving for home education",
                "domestic_abuse:home_education_new",
                Cap.NOTICE_SEND,
                group=navigation.SCHOOLS,
            )
        )
        navigation.register(
            navigation.NavItem(
                "Home education notices",
                "domestic_abuse:home_education",
                Cap.NOTICE_READ,
                group=navigation.SCHOOLS,
            )
        )
        navigation.register(
            navigation.NavItem(
                "Adult women for the MARAC rate",
                "domestic_abuse:adult_women",
                Cap.MANAGE,
                group=navigation.PERFORMANCE,
            )
        )
        register_scope(
            "domestic_abuse:incidents:write",
            "Send domestic abuse incidents and DASH results (police, domestic violence service)",
            kinds=[OrganisationKind.POLICE, OrganisationKind.THIRD_SECTOR],
        )
        register_periodic("domestic_abuse_encompass", run_encompass_pull, 60)
        register_periodic("domestic_abuse_model_linkage", run_model_linkage, 3600)
        # MARAC actions live on the shared action plan; MARAC members see and manage them.
        sources.register(
            ACTION_SOURCE,
            "MARAC referral",
            link=lambda source_id: f"/domestic-abuse/marac/referrals/{source_id}/",
            may_view=lambda actor, source_id: policies.is_marac_member(actor),
            may_manage=lambda actor, source_id: policies.is_marac_member(actor),
            visible=policies.visible_referral_actions,
        )
        # The MARAC's case list on its governance meetings' agendas, by referral number only.
        agenda.register(
            marac_agenda.KIND,
            "MARAC case list",
            marac_agenda.items_for,
            may_open=marac_agenda.may_open,
        )
        agenda.register(
            marac_agenda.DRAMM_KIND,
            "DRAMM board",
            marac_agenda.dramm_items_for,
            may_open=marac_agenda.may_open,
        )
        work.register("domestic_abuse", "Domestic abuse triage", home_work)
        demo.register_extension("domestic_abuse", add_demo_domestic_abuse)
        labels.register_many(
            {
                "domestic_abuse.incident": "Domestic abuse incident",
                "domestic_abuse.adult": "Adult in a domestic abuse incident",
                "domestic_abuse.dash": "DASH checklist",
                "domestic_abuse.board": "DRAMM board",
                "domestic_abuse.decision": "DRAMM decision",
                "domestic_abuse.referral": "MARAC referral",
                "domestic_abuse.research": "MARAC research",
                "domestic_abuse.link": "Link between adult records",
                "domestic_abuse.home_education_notice": "Elective home education notice",
                "domestic_abuse.adult_women": "Women aged 16 and over in the area",
            }
        )
        from safeguard.domestic_abuse import measures  # noqa: F401 (registers its measures)
        from safeguard.domestic_abuse.report import register as register_report_tables

        register_report_tables()
