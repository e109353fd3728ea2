from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "safeguard.core"
    label = "core"
    verbose_name = "Safeguard kernel"

    def ready(self) -> None:
        from safeguard.core import signals  # noqa: F401  (connects sign-in audit receivers)
