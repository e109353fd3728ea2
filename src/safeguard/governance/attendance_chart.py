"""Statutory partners' attendance at the Executive as a horizontal bar chart, drawn as SVG.

The chart is a picture of the table printed beside it (DESIGN.md section 3, "Pictures"), so it
is hidden from screen readers (``aria-hidden``) and the table carries the figures.
"""

from __future__ import annotations

from html import escape

BAR = "#1d70b8"
WIDTH, LEFT, ROW, TOP = 640, 300, 34, 24


def bar_chart(rows: list[tuple[str, int]]) -> str:
    """One bar per organisation: the percentage of the year's meetings it attended."""
    if not rows:
        return ""
    plot_w = WIDTH - LEFT - 60
    height = TOP + ROW * len(rows) + 24
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        'class="sg-chart" aria-hidden="true" focusable="false">',
        f'<line x1="{LEFT}" y1="{TOP - 6}" x2="{LEFT}" y2="{height - 20}" stroke="#0b0c0c"/>',
    ]
    for tick in (0, 50, 100):
        x = LEFT + plot_w * tick / 100
        parts.append(
            f'<text x="{x:.1f}" y="{TOP - 10}" text-anchor="middle" font-size="12">{tick}%</text>'
        )
    for index, (name, percent) in enumerate(rows):
        y = TOP + index * ROW
        width = plot_w * max(0, min(percent, 100)) / 100
        label = name if len(name) <= 40 else name[:39] + "…"
        parts.append(
            f'<text x="{LEFT - 8}" y="{y + 18}" text-anchor="end" font-size="12">'
            f"{escape(label)}</text>"
        )
        parts.append(f'<rect x="{LEFT}" y="{y + 4}" width="{width:.1f}" height="20" fill="{BAR}"/>')
        parts.append(
            f'<text x="{LEFT + width + 6:.1f}" y="{y + 18}" font-size="12">{percent}%</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
