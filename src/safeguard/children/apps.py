from django.apps import AppConfig


class ChildrenConfig(AppConfig):
    name = "safeguard.children"
    label = "children"
    verbose_name = "Child index"

    def ready(self) -> None:
        from safeguard.children.policies import GRANTS
        from safeguard.core import labels, navigation, roles

        for role, capabilities in GRANTS.items():
            roles.grant(role, capabilities)
        navigation.register(
            navigation.NavItem(
                "Matching model",
                "children:match_model",
                "children.view_match_model",
                group=navigation.ADMINISTRATION,
            )
        )
        labels.register("children.school_roll", "School roll")
