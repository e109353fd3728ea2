"""Bar, stacked bar and line charts drawn as SVG by hand: pure, fast, and readable without a
script (DESIGN.md 3, "Pictures").

A chart is a picture of the table printed beside it, so it is hidden from screen readers
(``aria-hidden``) and the table carries the figures. It draws with presentation attributes
only (no ``style``), so the page's Content Security Policy needs no exception, and the same
markup serves the page and the PDF. A value of ``None`` (not recorded, or withheld as a small
number in a public report) is simply not drawn.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from html import escape

# GOV.UK colours with enough contrast against white and each other.
PALETTE = ("#1d70b8", "#f47738", "#00703c", "#912b88", "#505a5f", "#d4351c", "#28a197", "#6f72af")
WIDTH, HEIGHT, LEFT, BOTTOM, TOP, RIGHT = 640, 260, 64, 40, 16, 8

Series = Sequence[tuple[str, Sequence[float | None]]]


def _number(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:,.1f}"


def _frame(top: float, legend: int) -> list[str]:
    plot_h = HEIGHT - BOTTOM - TOP
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT + 20 * legend}" '
        'class="sg-chart" aria-hidden="true" focusable="false" role="presentation">',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" '
        'stroke="#0b0c0c"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="#0b0c0c"/>',
        f'<text x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end" font-size="12" '
        f'font-family="Arial, sans-serif">{_number(top)}</text>',
        f'<text x="{LEFT - 6}" y="{TOP + plot_h}" text-anchor="end" font-size="12" '
        'font-family="Arial, sans-serif">0</text>',
    ]


def _legend(names: list[str]) -> list[str]:
    parts = []
    for j, name in enumerate(names):
        y = HEIGHT + 20 * j
        colour = PALETTE[j % len(PALETTE)]
        parts.append(f'<rect x="{LEFT}" y="{y - 10}" width="12" height="12" fill="{colour}"/>')
        parts.append(
            f'<text x="{LEFT + 18}" y="{y}" font-size="12" '
            f'font-family="Arial, sans-serif">{escape(name[:90])}</text>'
        )
    return parts


def _category_labels(categories: Sequence[str], group_w: float) -> list[str]:
    plot_h = HEIGHT - BOTTOM - TOP
    return [
        f'<text x="{LEFT + (i + 0.5) * group_w:.1f}" y="{TOP + plot_h + 18}" '
        f'text-anchor="middle" font-size="12" font-family="Arial, sans-serif">'
        f"{escape(str(category)[:24])}</text>"
        for i, category in enumerate(categories)
    ]


def bar_chart(*, categories: Sequence[str], series: Series, stacked: bool = False) -> str:
    """One group of bars per category (a year, say), one colour per series; stacked puts a
    category's series on top of each other. Empty when there is nothing to draw."""
    if not categories or not series:
        return ""
    shown = list(series)
    if stacked:
        top = max(
            (
                sum(v or 0 for _, values in shown for v in [values[i]])
                for i in range(len(categories))
            ),
            default=0,
        )
    else:
        top = max((v or 0 for _, values in shown for v in values), default=0)
    if top <= 0:
        return ""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - BOTTOM - TOP
    group_w = plot_w / len(categories)
    bar_w = group_w * 0.8 if stacked else max(group_w * 0.8 / len(shown), 1)
    parts = _frame(top, len(shown))
    for i in range(len(categories)):
        x0 = LEFT + i * group_w + group_w * 0.1
        base = 0.0
        for j, (_, values) in enumerate(shown):
            value = values[i] if i < len(values) else None
            if value is None or value <= 0:
                continue
            h = plot_h * value / top
            x = x0 if stacked else x0 + j * bar_w
            y = TOP + plot_h - h - (plot_h * base / top if stacked else 0)
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[j % len(PALETTE)]}"/>'
            )
            if stacked:
                base += value
    parts += _category_labels(categories, group_w)
    parts += _legend([name for name, _ in shown])
    parts.append("</svg>")
    return "".join(parts)


def line_chart(*, categories: Sequence[str], series: Series) -> str:
    """One line per series across the categories; a missing value breaks the line."""
    if not categories or not series:
        return ""
    top = max((v or 0 for _, values in series for v in values), default=0)
    if top <= 0:
        return ""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - BOTTOM - TOP
    group_w = plot_w / len(categories)
    parts = _frame(top, len(series))
    for j, (_, values) in enumerate(series):
        colour = PALETTE[j % len(PALETTE)]
        run: list[str] = []
        for i, value in enumerate(values):
            if value is None:
                if len(run) > 1:
                    parts.append(_polyline(run, colour))
                run = []
                continue
            x = LEFT + (i + 0.5) * group_w
            y = TOP + plot_h - plot_h * value / top
            run.append(f"{x:.1f},{y:.1f}")
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>')
        if len(run) > 1:
            parts.append(_polyline(run, colour))
    parts += _category_labels(categories, group_w)
    parts += _legend([name for name, _ in series])
    parts.append("</svg>")
    return "".join(parts)


def _polyline(points: list[str], colour: str) -> str:
    return f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" stroke-width="2"/>'


# --- Labelled bars: one horizontal bar per (label, count), shown as an image with alt text ---
# (child deaths' analysis and assurance's figures; the image's alt text and the table beside it
# carry the numbers).
BAR = PALETTE[0]
ROW = 26
LABEL_WIDTH = 300
BAR_WIDTH = 340


def labelled_bars(*, rows: Sequence[tuple[str, int]], title: str) -> str:
    """One bar per row (label, count), the longest scaled to the width; counts at the end."""
    height = 30 + ROW * max(len(rows), 1)
    top = max((count for _, count in rows), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{LABEL_WIDTH + BAR_WIDTH + 60}" '
        f'height="{height}" role="img" font-family="Arial, sans-serif" font-size="13">',
        f'<text x="0" y="16" font-weight="bold">{escape(title)}</text>',
    ]
    for index, (label, count) in enumerate(rows):
        y = 28 + index * ROW
        width = round(BAR_WIDTH * count / top)
        parts.append(f'<text x="0" y="{y + 15}">{escape(label[:44])}</text>')
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{width}" height="{ROW - 8}" fill="{BAR}"/>'
        )
        parts.append(f'<text x="{LABEL_WIDTH + width + 6}" y="{y + 15}">{count}</text>')
    parts.append("</svg>")
    return "".join(parts)


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def describe_bars(*, rows: Sequence[tuple[str, int]], title: str, empty: str) -> str:
    """The alt text of ``labelled_bars``: every figure, or ``empty`` when there are none."""
    if not rows:
        return f"{title}: {empty}"
    figures = "; ".join(f"{label}: {count}" for label, count in rows)
    return f"Bar chart, {title}. {figures}. The same figures are in the table."
