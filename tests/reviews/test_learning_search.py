"""Issue 10 point 6: full-text search over published learning, ranked, on either database.

Run on SQLite (FTS5) by default and on PostgreSQL (tsvector with a GIN index) with
``DATABASE_URL``; the same tests hold on both. Themes year on year as a chart with its table.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from safeguard.reviews import charts, search_terms
from safeguard.reviews.models import LearningSheet, Theme
from safeguard.reviews.selectors.learning import search_sheets
from safeguard.reviews.selectors.learning_search import ranked_sheet_ids
from safeguard.reviews.services.learning import learning_sheet_publish, learning_sheet_save
from tests.reviews.helpers import Partnership, notified_case, partnership, signed_in


def _sheet(p: Partnership, *, publish: bool = True, themes: Any = (), **text: str) -> LearningSheet:
    incident = notified_case(p)
    fields = {
        "title": "A learning sheet",
        "what_happened": "A child was hurt.",
        "good_practice": "",
        "learning": "Share information.",
        "do_differently": "",
    }
    fields.update(text)
    sheet = learning_sheet_save(actor=p.bu_officer, incident=incident, themes=themes, **fields)
    if publish:
        learning_sheet_publish(actor=p.bu_officer, sheet=sheet)
    return sheet


@pytest.mark.django_db
def test_search_is_stemmed_ranked_and_answers_only_published_learning() -> None:
    p = partnership()
    in_title = _sheet(p, title="Escalation between agencies", learning="Use the protocol.")
    in_text = _sheet(p, title="Bruising in a baby", learning="Escalate concerns early.")
    unrelated = _sheet(p, title="School attendance", learning="Notice absence.")
    unpublished = _sheet(p, publish=False, title="Escalation draft", learning="Not yet shared.")
    # The index holds every sheet; the selector answers only published ones, title first.
    assert set(ranked_sheet_ids("escalating")) == {in_title.pk, in_text.pk, unpublished.pk}
    found = list(search_sheets(words="escalating"))
    assert found == [in_title, in_text]
    assert unrelated not in found and unpublished not in found
    # Every word must match.
    assert list(search_sheets(words="escalation baby")) == [in_text]
    assert list(search_sheets(words="escalation giraffe")) == []


@pytest.mark.django_db
def test_the_index_follows_every_save_and_the_themes() -> None:
    p = partnership()
    curiosity = Theme.objects.get(name="Professional curiosity")
    sheet = _sheet(p, title="Neglect", learning="Look at the home.", themes=[curiosity])
    assert list(search_sheets(words="curiosity")) == [sheet]
    learning_sheet_save(
        actor=p.bu_officer,
        incident=sheet.incident,
        title="Neglect",
        what_happened="A child was hungry.",
        good_practice="",
        learning="Weigh the child at each visit.",
        do_differently="",
        themes=[],
    )
    assert list(search_sheets(words="curiosity")) == []
    assert list(search_sheets(words="weigh")) == [sheet]
    assert list(search_sheets(words="home")) == []


@pytest.mark.django_db
def test_a_theme_and_words_together() -> None:
    p = partnership()
    abuse = Theme.objects.get(name="Domestic abuse")
    on_theme = _sheet(p, title="Refuge", learning="Ask about the home.", themes=[abuse])
    _sheet(p, title="Home visits", learning="Ask about the home.")
    assert list(search_sheets(theme_id=abuse.pk, words="home")) == [on_theme]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed", ['NOT "', "*", "title:x", "a OR", "(", "' OR 1=1 --", "NEAR(a b)", "!!!", "é"]
)
def test_query_syntax_typed_as_words_never_fails(typed: str) -> None:
    p = partnership()
    _sheet(p, title="Anything", learning="Share information.")
    assert list(search_sheets(words=typed)) in ([], list(LearningSheet.objects.all()))


@given(st.text(max_size=60))
def test_only_words_reach_the_fts5_query(text: str) -> None:
    query = search_terms.fts5_query(text)
    words = search_terms.words_of(text)
    assert len(words) <= search_terms.MAX_WORDS
    assert query == " ".join(f'"{w}"' for w in words)
    assert all(ch.isalnum() for w in words for ch in w)


@pytest.mark.django_db
def test_the_learning_page_searches_and_charts_the_themes_year_on_year() -> None:
    p = partnership()
    curiosity = Theme.objects.get(name="Professional curiosity")
    _sheet(p, title="Escalation between agencies", learning="x", themes=[curiosity])
    dsl = signed_in(p.school_dsl)
    url = reverse("reviews:learning")
    page = dsl.get(url, {"words": "escalate"}).content.decode()
    assert "Escalation between agencies" in page
    assert 'id="theme-chart"' in page and "Professional curiosity" in page
    assert "No published learning matches" in dsl.get(url, {"words": "giraffe"}).content.decode()


def test_the_theme_chart_is_svg_with_every_theme_named() -> None:
    svg = charts.theme_chart(
        themes=["Professional curiosity", "Domestic abuse"],
        years=[2022, 2023],
        counts=[[1, 2], [0, 3]],
    )
    assert svg.startswith("<?xml") and "Professional curiosity" in svg and "2023" in svg
    alt = charts.describe_themes(themes=["Domestic abuse"], years=[2022, 2023], counts=[[0, 3]])
    assert "Domestic abuse: 0 in 2022, 3 in 2023" in alt


def test_the_same_figures_are_drawn_once_and_other_figures_afresh() -> None:
    figures = {"themes": ["Neglect"], "years": [2024, 2025], "counts": [[2, 5]]}
    first = charts.theme_chart(**figures)
    again = charts.theme_chart(themes=["Neglect"], years=[2024, 2025], counts=[[2, 5]])
    assert again is first  # not drawn again
    other = charts.theme_chart(themes=["Neglect"], years=[2024, 2025], counts=[[2, 6]])
    assert other != first
