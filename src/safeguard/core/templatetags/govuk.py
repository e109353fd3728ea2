"""GOV.UK Design System markup for Django forms, so every page's errors look and read the same.

``{% govuk_error_summary form %}`` puts the error summary at the top (each error linking to its
field); ``{% govuk_field form.name %}`` renders a field with its label, hint and error message.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django import forms, template
from django.http import QueryDict
from django.utils import timezone
from django.utils.html import format_html

from safeguard.core import labels

register = template.Library()


def _widget_kind(field: forms.BoundField) -> str:
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.FileInput):
        return "file"
    return "input"


_CLASSES = {
    "input": "govuk-input",
    "select": "govuk-select",
    "textarea": "govuk-textarea",
    "file": "govuk-file-upload",
}


@register.inclusion_tag("core/includes/field.html")
def govuk_field(field: forms.BoundField, width: str = "", label_size: str = "") -> dict[str, Any]:
    kind = _widget_kind(field)
    attrs: dict[str, str | bool] = {}
    css: str = _CLASSES.get(kind, "")
    if css:
        if field.errors:
            css += f" {css}--error"
        if width:
            css += f" govuk-input--width-{width}" if kind == "input" else ""
        attrs["class"] = css
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    if described and kind not in {"radios", "checkboxes"}:
        attrs["aria-describedby"] = " ".join(described)
    return {
        "field": field,
        "kind": kind,
        "widget": field.as_widget(attrs=attrs) if kind not in {"radios", "checkboxes"} else "",
        "label_size": label_size,
        "described": " ".join(described),
    }


@register.inclusion_tag("core/includes/error_summary.html")
def govuk_error_summary(form: forms.BaseForm) -> dict[str, Any]:
    items = []
    for name, errors in form.errors.items():
        anchor = form[name].auto_id if name in form.fields else ""
        for error in errors:
            items.append({"anchor": anchor, "message": error})
    return {"items": items}


@register.inclusion_tag("core/includes/pagination.html", takes_context=True)
def govuk_pagination(context: dict[str, Any], page: Any) -> dict[str, Any]:
    """GOV.UK pagination for a Django ``Page``, keeping the request's other query parameters
    (the filters) on every link."""
    request = context.get("request")
    params = request.GET.copy() if request is not None else QueryDict(mutable=True)
    params.pop("page", None)
    query = params.urlencode()
    paginator = page.paginator
    numbers = (
        list(paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
        if paginator.num_pages > 1
        else []
    )
    return {
        "page": page,
        "numbers": numbers,
        "ellipsis": paginator.ELLIPSIS,
        "prefix": f"?{query}&" if query else "?",
    }


@register.filter
def plain(code: object) -> str:
    """A stored code (route, record type, reason) as the plain-English label a person reads."""
    return labels.label_for(code)


@register.filter
def govuk_time(moment: datetime | time | None) -> str:
    """'10:45am', '3pm', 'midday', 'midnight': GOV.UK's style for times, in local time."""
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        moment = timezone.localtime(moment) if timezone.is_aware(moment) else moment
        moment = moment.time()
    if (moment.hour, moment.minute) == (12, 0):
        return "midday"
    if (moment.hour, moment.minute) == (0, 0):
        return "midnight"
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{hour}{suffix}" if moment.minute == 0 else f"{hour}:{moment.minute:02d}{suffix}"


@register.filter
def govuk_datetime(moment: datetime | None) -> str:
    """'4 December 2026 at 10:45am', in local time."""
    if moment is None:
        return ""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return f"{local.day} {local:%B %Y} at {govuk_time(local)}"


@register.filter
def field_names(names: list[str]) -> str:
    """['full_name', 'organisation'] -> 'full name, organisation': stored keys as words."""
    return ", ".join(labels.humanise(str(name)).lower() for name in names)


@register.filter
def codes_in_words(text: object) -> str:
    """Free text with each stored code in it (a reason, a route) replaced by its label."""
    return labels.in_words(text)


@register.simple_tag
def record_name(record_type: object, record_id: object) -> str:
    """An audited record as a person reads it, never its stored codes."""
    return labels.record_name(record_type, record_id)


class _ScrollingTableNode(template.Node):
    def __init__(self, label: Any, nodelist: template.NodeList) -> None:
        self.label = label
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        return format_html(
            '<div class="sg-table-scroll" role="region" aria-label="{}" tabindex="0">{}</div>',
            self.label.resolve(context),
            self.nodelist.render(context),  # a SafeString: its parts were escaped as rendered
        )


@register.tag("scrolling_table")
def scrolling_table(parser: Any, token: Any) -> _ScrollingTableNode:
    """``{% scrolling_table "API keys" %}<table>…</table>{% end_scrolling_table %}``.

    A wide table scrolls inside its own box instead of widening the page on a phone (375 px).
    The box is a labelled region that takes focus, so a keyboard user can scroll it too.
    """
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("scrolling_table takes one label")
    label = parser.compile_filter(bits[1])
    nodelist = parser.parse(("end_scrolling_table",))
    parser.delete_first_token()
    return _ScrollingTableNode(label, nodelist)
