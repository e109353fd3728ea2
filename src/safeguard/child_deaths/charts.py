"""The analysis page's bar charts: the kernel's labelled bars (``core.svg_charts``).

Each chart goes on the page as an image with alt text, beside a table of the same figures, so a
screen reader and a printout get the numbers either way.
"""

from __future__ import annotations

from collections.abc import Sequence

from safeguard.core.svg_charts import data_uri, describe_bars
from safeguard.core.svg_charts import labelled_bars as bar_chart

__all__ = ["bar_chart", "data_uri", "describe"]


def describe(*, rows: Sequence[tuple[str, int]], title: str) -> str:
    return describe_bars(rows=rows, title=title, empty="no deaths in the period")
