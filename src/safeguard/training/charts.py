"""Grouped bar charts drawn as SVG by hand: small, fast, and readable without a script.

The chart is a picture of the table printed beside it (DESIGN.md section 3, "Pictures"), so it
is hidden from screen readers (``aria-hidden``) and the table carries the figures.
"""

from __future__ import annotations

from html import escape

# GOV.UK colours with enough contrast against white and each other.
PALETTE = ("#1d70b8", "#f47738", "#00703c", "#912b88", "#505a5f", "#d4351c")
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 260, 48, 40, 16


def bar_chart(*, series: list[tuple[str, dict[str, int]]], years: list[str]) -> str:
    """Bars per year, one colour per series (course or agency), with a legend below."""
    if not series or not years:
        return ""
    top = max((v for _, values in series for v in values.values()), default=0) or 1
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - BOTTOM - TOP
    group_w = plot_w / len(years)
    shown = series[: len(PALETTE)]
    bar_w = max(group_w * 0.8 / len(shown), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} '
        f'{HEIGHT + 20 * len(shown)}" class="sg-chart" aria-hidden="true" focusable="false">',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - 8}" y2="{TOP + plot_h}" '
        'stroke="#0b0c0c"/>',
        f'<text x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end" font-size="12">{top}</text>',
        f'<text x="{LEFT - 6}" y="{TOP + plot_h}" text-anchor="end" font-size="12">0</text>',
    ]
    for i, year in enumerate(years):
        x0 = LEFT + i * group_w + group_w * 0.1
        for j, (_, values) in enumerate(shown):
            value = values.get(year, 0)
            h = plot_h * value / top
            parts.append(
                f'<rect x="{x0 + j * bar_w:.1f}" y="{TOP + plot_h - h:.1f}" '
                f'width="{bar_w:.1f}" height="{h:.1f}" fill="{PALETTE[j]}"/>'
            )
        parts.append(
            f'<text x="{LEFT + (i + 0.5) * group_w:.1f}" y="{TOP + plot_h + 18}" '
            f'text-anchor="middle" font-size="12">{escape(year)}</text>'
        )
    for j, (name, _) in enumerate(shown):
        y = HEIGHT + 20 * j
        parts.append(f'<rect x="{LEFT}" y="{y - 10}" width="12" height="12" fill="{PALETTE[j]}"/>')
        parts.append(f'<text x="{LEFT + 18}" y="{y}" font-size="12">{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)
