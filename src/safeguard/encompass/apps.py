from django.apps import AppConfig


class EncompassConfig(AppConfig):
    name = "safeguard.encompass"
    label = "encompass"
    verbose_name = "Operation Encompass"
