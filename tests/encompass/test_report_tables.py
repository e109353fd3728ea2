"""Operation Encompass's annual report tables: the timeliness percentage carries the counts it is
made of, so the public version can withhold a share made of a few notifications (ADR 0024)."""

from __future__ import annotations

from datetime import date

import pytest

from safeguard.core.report_tables import Year
from safeguard.encompass.report import encompass_tables

pytestmark = pytest.mark.django_db

YEARS = [
    Year(date(2024, 4, 1), date(2025, 4, 1), "2024/25"),
    Year(date(2025, 4, 1), date(2026, 4, 1), "2025/26"),
]


def test_the_share_told_on_time_carries_its_numerator_and_denominator():
    volumes, timeliness = encompass_tables(YEARS)
    share = timeliness.rows[0]
    assert "(%)" in str(share[0].value)
    assert [(cell.numerator, cell.denominator) for cell in share[1:]] == [(0, 0), (0, 0)]
    # The median hours row is not a share of anything and carries no counts.
    assert all(cell.numerator is None for cell in timeliness.rows[1][1:])
    assert volumes.key == "encompass_volumes"
