"""Template tags for links that modules register with the kernel (``core.navigation``)."""

from __future__ import annotations

from django import template

from safeguard.core import navigation

register = template.Library()


@register.simple_tag
def sign_in_links() -> list[tuple[str, str]]:
    return navigation.sign_in_links()
