from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "safeguard.training"
    label = "training"
    verbose_name = "Learning and development"

    def ready(self) -> None:
        from django.urls import reverse

        from safeguard.core import labels, navigation, outbox, roles, themes, work
        from safeguard.core.demo import register_extension
        from safeguard.core.selectors.deadlines import register_deadline_access
        from safeguard.core.worker import register_periodic
        from safeguard.training import invitations, policies, rules, selectors, tasks
        from safeguard.training.demo import add_demo_training
        from safeguard.training.policies import GRANTS, Cap
        from safeguard.training.work import deadline_access, home_work

        # Every role may book (any practitioner of any partner); the Business Unit runs it.
        for role, capabilities in GRANTS.items():
            roles.grant(role, capabilities)
        navigation.register(
            navigation.NavItem(
                "Training",
                "training:catalogue",
                Cap.BOOK,
                "/training/",
                group=navigation.TRAINING,
            )
        )
        register_extension("training", add_demo_training)
        register_periodic("training_reminders", tasks.send_reminders, 3600)
        register_deadline_access("training", deadline_access)
        work.register("training", "Training", home_work)
        for reason in invitations.REASONS:
            outbox.register_attachments(reason, invitations.attachments)
        labels.register_many(rules.PAGE_LABELS)
        labels.register_many(rules.RECORD_LABELS)
        labels.register_many(rules.REASON_LABELS)
        from safeguard.training import measures  # noqa: F401 (registers its measures)

        # The approval setting is reached from the partnership's organisation page too (core
        # imports no module: the kernel's organisation-link registry).
        navigation.register_organisation_link(
            navigation.OrganisationLink(
                "Training: booking approval",
                lambda organisation: reverse("training:approval_setting", args=[organisation.pk]),
                lambda person, organisation: policies.can(person, Cap.MANAGE),
                hint_for=selectors.approval_in_words,
            )
        )
        # Reviews shows, for a theme of learning, the courses that address it (issue 15 h):
        # through the kernel, so neither module imports the other.
        themes.register_offers("training", selectors.courses_for_theme)
        from safeguard.training.report import register as register_report_tables

        register_report_tables()
        # Self-registration (issue 15 g): offered on the sign-in page; requests to decide.
        navigation.register_sign_in_link(
            "No account? Ask for one to book training", "training:request_account"
        )
        navigation.register(
            navigation.NavItem(
                "Account requests",
                "training:account_requests",
                Cap.BOOK,
                may_open=policies.may_see_account_requests,
                group=navigation.TRAINING,
            )
        )
        labels.register_many(
            {
                "training.account_request": "Request for an account to book training",
                "training.account_request_decision": "Account request not approved",
                "training.account_request_existing": "Account request for an existing account",
            }
        )
