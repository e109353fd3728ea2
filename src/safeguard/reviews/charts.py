"""The oversight chart, drawn on the server as SVG (as ``performance.charts`` draws its own).

Grouped bars, one group per reporting year: referrals, notifications, decisions not to notify and
CSPRs commissioned. matplotlib's object interface (no pyplot, no global state) with the SVG
canvas; the page shows the picture as an image with alt text and the same figures as a table.
Pure: takes numbers, returns text.
"""

from __future__ import annotations

import base64
import functools
import io
from collections.abc import Callable, Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

matplotlib.rcParams["svg.hashsalt"] = "safeguard"  # the same figures, the same SVG
matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text

# GOV.UK colours that stay distinct for the common colour-vision deficiencies.
SERIES_COLOURS = ("#1d70b8", "#f47738", "#505a5f", "#4c2c92")


def _frozen(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(item) for item in value)
    return value


def _remembered(draw: Callable[..., str]) -> Callable[..., str]:
    """Draw once per set of figures in each process: matplotlib takes about 0.2 s a chart, on
    pages many people open (issue 18's load run), and the same figures give the same SVG. The
    figures are counts and names of themes or years: nothing personal is kept."""
    cached = functools.lru_cache(maxsize=32)(lambda key: draw(**dict(key)))

    @functools.wraps(draw)
    def drawn(**figures: Any) -> str:
        return cached(tuple(sorted((name, _frozen(v)) for name, v in figures.items())))

    return drawn


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


@_remembered
def year_on_year_chart(
    *, years: Sequence[str], series: Sequence[tuple[str, Sequence[int]]], title: str
) -> str:
    """Grouped bars as SVG text: for each year, one bar per series (name, one count a year)."""
    figure = Figure(figsize=(8.0, 3.6), dpi=96)
    FigureCanvasSVG(figure)
    axes = figure.add_subplot()
    width = 0.8 / max(len(series), 1)
    for index, (name, counts) in enumerate(series):
        xs = [year + (index - (len(series) - 1) / 2) * width for year in range(len(years))]
        axes.bar(xs, list(counts), width=width, label=name, color=SERIES_COLOURS[index % 4])
    axes.set_xticks(list(range(len(years))), list(years))
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title(title, fontsize=10, loc="left")
    axes.spines["top"].set_visible(False)
    axes.spines["right"].set_visible(False)
    axes.legend(fontsize=8, frameon=False)
    figure.tight_layout()
    out = io.StringIO()
    figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    return out.getvalue()


def describe(*, years: Sequence[str], series: Sequence[tuple[str, Sequence[int]]]) -> str:
    """Alt text: what the chart shows, in words."""
    if not years:
        return "No reporting years in the period"
    parts = [f"{name}: {', '.join(str(n) for n in counts)}" for name, counts in series]
    return (
        f"Bar chart by reporting year, {years[0]} to {years[-1]}. "
        + "; ".join(parts)
        + ". The same figures are in the table."
    )


@_remembered
def theme_chart(
    *, themes: Sequence[str], years: Sequence[int], counts: Sequence[Sequence[int]]
) -> str:
    """Learning themes year on year as SVG: one row per theme, one bar a year in that row
    (``counts[i][j]`` is theme i in year j). Horizontal, so that long theme names stay read."""
    height = 1.0 + 0.45 * max(len(themes), 1) * max(min(len(years), 4), 1) / 2
    figure = Figure(figsize=(8.0, height), dpi=96)
    FigureCanvasSVG(figure)
    axes = figure.add_subplot()
    width = 0.8 / max(len(years), 1)
    rows = list(range(len(themes)))[::-1]  # the first theme at the top
    for index, year in enumerate(years):
        ys = [row + (index - (len(years) - 1) / 2) * width for row in rows]
        values = [counts[t][index] for t in range(len(themes))]
        axes.barh(
            ys,
            values,
            height=width,
            label=str(year),
            color=SERIES_COLOURS[index % len(SERIES_COLOURS)],
            hatch=None if index < len(SERIES_COLOURS) else "//",
        )
    axes.set_yticks(rows, list(themes), fontsize=8)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title("Learning sheets published on each theme, by year", fontsize=10, loc="left")
    axes.spines["top"].set_visible(False)
    axes.spines["right"].set_visible(False)
    axes.legend(fontsize=8, frameon=False, title="Year published", title_fontsize=8)
    figure.tight_layout()
    out = io.StringIO()
    figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    return out.getvalue()


def describe_themes(
    *, themes: Sequence[str], years: Sequence[int], counts: Sequence[Sequence[int]]
) -> str:
    """Alt text for the theme chart: each theme's counts in words."""
    if not themes:
        return "No learning has been published on any theme"
    lines = [
        f"{name}: " + ", ".join(f"{n} in {year}" for n, year in zip(row, years, strict=True))
        for name, row in zip(themes, counts, strict=True)
    ]
    return "Bar chart of learning sheets published on each theme, by year. " + "; ".join(lines)
