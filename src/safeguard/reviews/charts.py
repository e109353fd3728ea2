"""The oversight chart, drawn on the server as SVG (as ``performance.charts`` draws its own).

Grouped bars, one group per reporting year: referrals, notifications, decisions not to notify and
CSPRs commissioned. matplotlib's object interface (no pyplot, no global state) with the SVG
canvas; the page shows the picture as an image with alt text and the same figures as a table.
Pure: takes numbers, returns text.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")

from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

matplotlib.rcParams["svg.hashsalt"] = "safeguard"  # the same figures, the same SVG
matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text

# GOV.UK colours that stay distinct for the common colour-vision deficiencies.
SERIES_COLOURS = ("#1d70b8", "#f47738", "#505a5f", "#4c2c92")


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


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
