from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "safeguard.core"
    label = "core"
    verbose_name = "Safeguard kernel"

    def ready(self) -> None:
        from safeguard.core import reminders, signals  # noqa: F401  (signals: sign-in audit)

        reminders.register()

        from safeguard.core import worker
        from safeguard.core.services import jobs

        # Every worker fails the jobs whose worker was lost (ADR 0007): none stays "Running".
        worker.register_periodic("jobs_expire_lost", jobs.jobs_expire_lost, 60)

        from safeguard.core import retention

        # Checked hourly, applied once a day (the first worker to look each day does it).
        worker.register_periodic("retention", retention.retention_daily, 3600)

        from safeguard.core.outbox import register_secret_link_reason
        from safeguard.core.services.invitations import LINK_REASONS

        for reason in LINK_REASONS:
            register_secret_link_reason(reason)
