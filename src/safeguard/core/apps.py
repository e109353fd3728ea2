from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "safeguard.core"
    label = "core"
    verbose_name = "Safeguard kernel"

    def ready(self) -> None:
        from safeguard.core import reminders, signals  # noqa: F401  (signals: sign-in audit)

        reminders.register()
