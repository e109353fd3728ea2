"""The shared GOV.UK pagination: filters kept on every link, the page number replaced."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.template import Context, Template
from django.test import RequestFactory


def _render(path: str, page_number: int, count: int = 500) -> str:
    request = RequestFactory().get(path)
    page = Paginator(range(count), 10).get_page(page_number)
    template = Template("{% load govuk %}{% govuk_pagination page %}")
    return template.render(Context({"request": request, "page": page}))


def test_links_keep_the_filters_and_replace_the_page() -> None:
    html = _render("/deadlines?state=overdue&page=7&group=3", 7)
    assert 'href="?state=overdue&amp;group=3&amp;page=6" rel="prev"' in html
    assert 'href="?state=overdue&amp;group=3&amp;page=8" rel="next"' in html
    assert 'aria-current="page">7<' in html
    assert "page=7&amp;page" not in html


def test_long_ranges_are_elided() -> None:
    html = _render("/x", 25)
    assert html.count("govuk-pagination__item--ellipses") == 2
    assert 'aria-label="Page 1"' in html and 'aria-label="Page 50"' in html
    assert 'aria-label="Page 10"' not in html


def test_one_page_shows_no_pagination() -> None:
    assert "govuk-pagination" not in _render("/x", 1, count=5)
