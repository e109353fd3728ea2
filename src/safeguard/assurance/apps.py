import functools

from django.apps import AppConfig


class AssuranceConfig(AppConfig):
    name = "safeguard.assurance"
    label = "assurance"
    verbose_name = "Assurance"

    def ready(self) -> None:
        from safeguard.assurance import policies, rules
        from safeguard.assurance.demo import add_demo_assurance
        from safeguard.assurance.policies import GRANTS, Cap
        from safeguard.assurance.selectors import figures
        from safeguard.assurance.selectors.work import deadline_access, home_work
        from safeguard.assurance.services import assessments, audits, secure
        from safeguard.assurance.views.home import may_open
        from safeguard.core import labels, measures, navigation, report_tables, roles, work
        from safeguard.core.demo import register_extension
        from safeguard.core.roles import Capability
        from safeguard.core.selectors.deadlines import register_deadline_access
        from safeguard.core.worker import register_periodic
        from safeguard.governance import sources

        for role, capabilities in GRANTS.items():
            roles.grant(role, capabilities)
        navigation.register(
            navigation.NavItem(
                "Assurance",
                "assurance:index",
                Capability.USE_SERVICE,
                "/assurance/",
                may_open,
                group=navigation.PERFORMANCE,
            )
        )
        register_deadline_access("assurance", deadline_access)
        work.register("assurance", "Assurance", home_work)
        labels.register_many(rules.LABELS)
        labels.register_many(rules.PAGE_LABELS)
        sources.register(
            assessments.SOURCE_KIND,
            "Self-assessment (Section 11 or 175)",
            link=lambda source_id: f"/assurance/self-assessments/{source_id}",
            may_view=policies.may_see_assessment_actions,
            visible=policies.visible_assessment_actions,
        )
        sources.register(
            secure.SOURCE_KIND,
            "Secure setting incident review",
            link=lambda source_id: f"/assurance/secure-settings/reviews/{source_id}",
            may_view=policies.may_see_review_actions,
            visible=policies.visible_review_actions,
        )
        sources.register(
            audits.SOURCE_KIND,
            "Multi-agency case audit",
            link=lambda source_id: f"/assurance/audits/{source_id}",
            may_view=policies.may_see_audit_actions,
            visible=policies.visible_audit_actions,
        )
        for measure in figures.measures():
            measures.register(measure)
        # The report shows a figure's link to those its list page opens for (the list's own
        # capability; the list then shows each person only what they may see).
        for section, build, capability in (
            ("escalations", figures.escalation_tables, Cap.ESCALATE),
            ("audits", figures.audit_tables, Cap.AUDIT),
            ("section_11", figures.section_11_tables, Cap.SELF_ASSESS),
            ("secure_settings", figures.secure_settings_tables, Cap.SECURE_RETURN),
        ):
            report_tables.register(
                section=section,
                module="assurance",
                build=build,
                opens=functools.partial(policies.can, capability=capability),
            )
        # Last month's returns are due from each secure setting: the clocks open once a day.
        register_periodic("assurance_monthly_returns", secure.open_last_month, 86400)
        register_extension("assurance", add_demo_assurance)
