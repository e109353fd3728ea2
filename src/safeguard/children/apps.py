from django.apps import AppConfig


class ChildrenConfig(AppConfig):
    name = "safeguard.children"
    label = "children"
    verbose_name = "Child index"
