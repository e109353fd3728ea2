from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "safeguard.training"
    label = "training"
    verbose_name = "Learning and development"

    def ready(self) -> None:
        from safeguard.core import labels, navigation, outbox, roles, work
        from safeguard.core.demo import register_extension
        from safeguard.core.selectors.deadlines import register_deadline_access
        from safeguard.core.worker import register_periodic
        from safeguard.training import invitations, rules, tasks
        from safeguard.training.demo import add_demo_training
        from safeguard.training.policies import GRANTS, Cap
        from safeguard.training.work import deadline_access, home_work

        # Every role may book (any practitioner of any partner); the Business Unit runs it.
        for role, capabilities in GRANTS.items():
            roles.grant(role, capabilities)
        navigation.register(
            navigation.NavItem("Training", "training:catalogue", Cap.BOOK, "/training/")
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
        from safeguard.training.report import register as register_report_tables

        register_report_tables()
