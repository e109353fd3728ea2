from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "safeguard.core"
    label = "core"
    verbose_name = "Safeguard kernel"

    def ready(self) -> None:
        from safeguard.core import reminders, signals  # noqa: F401  (signals: sign-in audit)

        reminders.register()

        from safeguard.core.outbox import register_secret_link_reason
        from safeguard.core.services.invitations import LINK_REASONS

        for reason in LINK_REASONS:
            register_secret_link_reason(reason)
