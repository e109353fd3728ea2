"""Horizontal bar charts drawn as SVG text, by hand: pure, no Django, no fonts to embed.

Each chart goes on the page as an image with alt text, beside a table of the same figures, so a
screen reader and a printout get the numbers either way.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from html import escape

BAR = "#1d70b8"
ROW = 26
LABEL_WIDTH = 300
BAR_WIDTH = 340


def bar_chart(*, rows: Sequence[tuple[str, int]], title: str) -> str:
    """One bar per row (label, count), longest scaled to the width; counts written at the end."""
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


def describe(*, rows: Sequence[tuple[str, int]], title: str) -> str:
    if not rows:
        return f"{title}: no deaths in the period"
    figures = "; ".join(f"{label}: {count}" for label, count in rows)
    return f"Bar chart, {title}. {figures}. The same figures are in the table."
