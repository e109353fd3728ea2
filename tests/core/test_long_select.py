"""``LongSelect`` draws the same select as Django's, in one pass (issue 18: a roll of thousands)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st

from safeguard.core.forms.govuk import LongSelect


class _Select(HTMLParser):
    """The select's attributes and each option's (value, selected, text), as a browser reads."""

    def __init__(self) -> None:
        super().__init__()
        self.attrs: dict[str, str | None] = {}
        self.options: list[tuple[str | None, bool, str]] = []
        self._open: tuple[str | None, bool] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "select":
            self.attrs = dict(attrs)
        elif tag == "option":
            found = dict(attrs)
            self._open, self._text = (found.get("value"), "selected" in found), []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self._open is not None:
            self.options.append((*self._open, "".join(self._text)))
            self._open = None


def _read(html: str) -> _Select:
    parsed = _Select()
    parsed.feed(html)
    return parsed


labels = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)


@given(
    choices=st.lists(st.tuples(st.text(max_size=6), labels), max_size=8, unique_by=lambda c: c[0]),
    value=st.one_of(st.none(), st.text(max_size=6)),
)
def test_it_draws_what_djangos_select_draws(choices: list[tuple[str, str]], value: str | None):
    attrs = {"id": "id_pupil", "class": "govuk-select", "aria-describedby": "a b", "required": True}
    ours = _read(LongSelect(choices=choices).render("pupil", value, attrs=attrs))
    django = _read(forms.Select(choices=choices).render("pupil", value, attrs=attrs))
    assert ours.attrs == django.attrs
    assert ours.options == django.options


def test_a_label_cannot_break_out_of_its_option() -> None:
    html = LongSelect(choices=[("1", '</option><script>alert("x")</script>')]).render("p", None)
    assert "<script>" not in html
    assert re.search(r"&lt;script&gt;", html)


def test_groups_are_refused_rather_than_drawn_wrongly() -> None:
    with pytest.raises(TypeError, match="flat choices"):
        LongSelect(choices=[("Group", [("1", "One")])]).render("p", None)
