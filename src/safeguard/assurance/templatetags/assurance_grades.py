"""``{{ code|grade_label:scale }}``: a grade as the audit's own scale words it, never its code."""

from __future__ import annotations

from django import template

from safeguard.assurance.rules import Scale

register = template.Library()


@register.filter
def grade_label(code: str, scale: Scale) -> str:
    return scale.label(code) if code else ""
