"""Charts drawn on the server as SVG, so the page, the PDF and a screen reader share them.

The XmR chart uses matplotlib's object interface (no pyplot: no global state, safe in threads)
with the Agg-free SVG canvas. Sparklines are a few dozen bytes of hand-written SVG: drawing
twenty of them through matplotlib would cost the scorecard a second for no gain. Every picture
is shown with its data as a table beside it; the alt text says what the picture shows.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

from safeguard.performance import analysis, rules, spc

matplotlib.rcParams["svg.hashsalt"] = "safeguard"  # stable ids: the same data, the same SVG
matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: smaller and searchable

COLOURS = {
    spc.Variation.COMMON_CAUSE: "#505a5f",
    spc.Variation.IMPROVEMENT: "#1d70b8",
    spc.Variation.CONCERN: "#d4351c",
    spc.Variation.NEUTRAL_HIGH: "#4c2c92",
    spc.Variation.NEUTRAL_LOW: "#4c2c92",
}


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def xmr_chart(
    reading: analysis.Reading,
    *,
    title: str,
    target: Decimal | None,
    width: float = 8.0,
    unit: str = "",
) -> str | None:
    """The XmR chart as SVG text, or None when there are too few values for limits."""
    result = reading.result
    if result is None:
        return None
    xs: list[Any] = list(reading.starts)  # matplotlib plots dates; its stubs say numbers
    figure = Figure(figsize=(width, 3.6), dpi=96)
    FigureCanvasSVG(figure)
    axes = figure.add_subplot()
    values = [p.value for p in result.points]
    for run in runs(reading.starts, reading.gaps):  # a gap is a gap: no line across it
        axes.plot(
            xs[run.start : run.stop],
            values[run.start : run.stop],
            color="#505a5f",
            linewidth=1.2,
            zorder=2,
        )
    for period in result.periods:
        span = xs[period.start : period.stop]
        for level, style in (
            (float(period.mean), "-"),
            (rules.clip(float(period.upper_limit), unit), "--"),
            (rules.clip(float(period.lower_limit), unit), "--"),
        ):
            axes.plot(span, [level] * len(span), style, color="#0b0c0c", linewidth=0.8, zorder=1)
    for point in result.points:
        axes.scatter(
            [xs[point.index]],
            [point.value],
            color=COLOURS[point.variation],
            s=28 if point.variation != spc.Variation.COMMON_CAUSE else 12,
            zorder=3,
        )
    if target is not None:
        axes.axhline(float(target), color="#00703c", linestyle=":", linewidth=1.2)
    label = f"{title} (trial limits)" if result.trial_limits else title
    axes.set_title(label, fontsize=10, loc="left")
    axes.spines["top"].set_visible(False)
    axes.spines["right"].set_visible(False)
    figure.autofmt_xdate()
    figure.tight_layout()
    out = io.StringIO()
    figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    return out.getvalue()


def runs(starts: Sequence[date], gaps: Sequence[date]) -> list[slice]:
    """The unbroken runs of ``starts``: a new run begins after each missing period."""
    found: list[slice] = []
    begin = 0
    missing = sorted(gaps)
    for index in range(1, len(starts)):
        if any(starts[index - 1] < gap < starts[index] for gap in missing):
            found.append(slice(begin, index))
            begin = index
    if starts:
        found.append(slice(begin, len(starts)))
    return found


def describe(reading: analysis.Reading, *, title: str) -> str:
    """Alt text: what the chart shows, in words."""
    result = reading.result
    if result is None or reading.latest is None:
        return f"{title}: not enough values for a chart"
    flagged = sum(1 for p in result.points if p.special_cause != spc.SpecialCause.NONE)
    latest = analysis.VARIATION_LABELS[reading.latest.variation].lower()
    return (
        f"XmR chart of {title}: {len(result.points)} values with mean and process limits;"
        f" {flagged} flagged as special cause; the latest shows {latest}."
        " The same data is in the table."
    )


def sparkline(
    values: Sequence[Decimal | float], *, title: str, width: int = 120, height: int = 28
) -> str:
    """A small line of the series (SVG with a title), the last point marked."""
    numbers = [float(v) for v in values]
    if len(numbers) < 2:
        return ""
    low, high = min(numbers), max(numbers)
    spread = (high - low) or 1.0
    pad = 3
    step = (width - 2 * pad) / (len(numbers) - 1)

    def y(v: float) -> float:
        return round(height - pad - (v - low) / spread * (height - 2 * pad), 2)

    points = " ".join(f"{round(pad + i * step, 2)},{y(v)}" for i, v in enumerate(numbers))
    last_x, last_y = round(pad + (len(numbers) - 1) * step, 2), y(numbers[-1])
    safe_title = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" role="img"><title>{safe_title}</title>'
        f'<polyline fill="none" stroke="#505a5f" stroke-width="1.5" points="{points}"/>'
        f'<circle cx="{last_x}" cy="{last_y}" r="2.5" fill="#0b0c0c"/></svg>'
    )


def first_and_last(starts: Sequence[date]) -> str:
    return f"{starts[0]:%b %Y} to {starts[-1]:%b %Y}" if starts else ""
