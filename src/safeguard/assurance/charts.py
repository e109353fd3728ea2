"""Charts drawn as SVG text on the server: pure, no Django, no fonts to embed.

Each chart goes on the page as an image with alt text, beside a table of the same figures, so a
screen reader and a printout get the numbers either way (DESIGN.md 3, "Pictures").
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from safeguard.core.svg_charts import BAR_WIDTH, ROW, data_uri, describe_bars
from safeguard.core.svg_charts import labelled_bars as bar_chart

__all__ = ["bar_chart", "data_uri", "describe", "describe_rag", "rag_chart"]

RAG_COLOURS = {"red": "#d4351c", "amber": "#f47738", "green": "#00703c"}


def rag_chart(*, rows: Sequence[tuple[str, dict[str, int]]], title: str) -> str:
    """One bar per year, split into the shares of red, amber and green ratings."""
    height = 50 + ROW * max(len(rows), 1)
    width = 120 + BAR_WIDTH + 20
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        'font-family="Arial, sans-serif" font-size="13">',
        f'<text x="0" y="16" font-weight="bold">{escape(title)}</text>',
    ]
    for index, (label, counts) in enumerate(rows):
        y = 28 + index * ROW
        total = sum(counts.values()) or 1
        x = 120.0
        parts.append(f'<text x="0" y="{y + 15}">{escape(label[:16])}</text>')
        for rag, colour in RAG_COLOURS.items():
            part = BAR_WIDTH * counts.get(rag, 0) / total
            parts.append(
                f'<rect x="{x:.1f}" y="{y + 3}" width="{part:.1f}" height="{ROW - 8}" '
                f'fill="{colour}"/>'
            )
            x += part
    legend_y = 36 + ROW * max(len(rows), 1)
    for n, (rag, colour) in enumerate(RAG_COLOURS.items()):
        parts.append(
            f'<rect x="{120 + n * 90}" y="{legend_y - 10}" width="12" height="12" fill="{colour}"/>'
        )
        parts.append(f'<text x="{136 + n * 90}" y="{legend_y}">{rag.title()}</text>')
    parts.append("</svg>")
    return "".join(parts)


def describe(*, rows: Sequence[tuple[str, int]], title: str) -> str:
    return describe_bars(rows=rows, title=title, empty="nothing to show")


def describe_rag(*, rows: Sequence[tuple[str, dict[str, int]]], title: str) -> str:
    if not rows:
        return f"{title}: nothing to show"
    figures = "; ".join(
        f"{label}: {c.get('red', 0)} red, {c.get('amber', 0)} amber, {c.get('green', 0)} green"
        for label, c in rows
    )
    return f"Stacked bar chart, {title}. {figures}. The same figures are in the table."
