"""Making Data Count icons, drawn by us as small SVGs after the NHS England published design.

Variation: a circle with a short run of points; grey and level for common cause; for a special
cause the last points leave the run upwards (high, with an H) or downwards (low, with an L), blue
when that is an improvement, orange when a concern, purple when neither way is better.
Assurance: a circle with a dashed target line and a letter: P (blue) consistently passing, F
(orange) consistently failing, ? (grey) inconsistent. Each icon is an image with its text
alternative (``aria-label`` and a ``<title>``); the pages show the words beside it as well.
Pure: no Django, so the icons serve the pages, the PDF and the tests alike.
"""

from __future__ import annotations

from html import escape

GREY, BLUE, ORANGE, PURPLE = "#7f7f7f", "#1d70b8", "#f47738", "#4c2c92"
_LEVEL = (22, 22, 22, 22, 22)
_HIGH = (26, 25, 26, 18, 14)
_LOW = (18, 19, 18, 26, 30)


def _svg(label: str, colour: str, body: str) -> str:
    safe = escape(label)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" class="sg-mdc-icon" width="36" height="36"'
        f' viewBox="0 0 40 40" role="img" aria-label="{safe}"><title>{safe}</title>'
        f'<circle cx="20" cy="20" r="18" fill="#ffffff" stroke="{colour}" stroke-width="3"/>'
        f"{body}</svg>"
    )


def _run(heights: tuple[int, ...], colour: str) -> str:
    xs = (9, 14, 19, 24, 29)
    points = " ".join(f"{x},{y}" for x, y in zip(xs, heights, strict=True))
    dots = "".join(
        f'<circle cx="{x}" cy="{y}" r="1.8" fill="{GREY if i < 3 else colour}"/>'
        for i, (x, y) in enumerate(zip(xs, heights, strict=True))
    )
    return f'<polyline points="{points}" fill="none" stroke="{GREY}" stroke-width="1"/>{dots}'


def _letter(text: str, colour: str, y: int, size: int) -> str:
    return (
        f'<text x="20" y="{y}" text-anchor="middle" font-family="Arial, sans-serif"'
        f' font-size="{size}" font-weight="bold" fill="{colour}">{escape(text)}</text>'
    )


def variation_icon(variation: str, *, high: bool, label: str) -> str:
    """The icon of a ``spc.Variation`` value; ``high`` says which way a special cause went."""
    if variation == "common_cause":
        return _svg(label, GREY, _run(_LEVEL, GREY))
    colour = {"improvement": BLUE, "concern": ORANGE}.get(variation, PURPLE)
    letter = _letter("H", colour, 13, 11) if high else _letter("L", colour, 35, 11)
    return _svg(label, colour, _run(_HIGH if high else _LOW, colour) + letter)


def assurance_icon(assurance: str, *, label: str) -> str:
    colour, letter = {"pass": (BLUE, "P"), "fail": (ORANGE, "F")}.get(assurance, (GREY, "?"))
    target = (
        f'<line x1="6" y1="27" x2="34" y2="27" stroke="{GREY}" stroke-width="1.5"'
        ' stroke-dasharray="3 2"/>'
    )
    return _svg(label, colour, target + _letter(letter, colour, 22, 16))
