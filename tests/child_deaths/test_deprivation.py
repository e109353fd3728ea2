"""The IoD file and the postcode lookup: official column names, all or nothing, and the
deciles of deaths worked out again."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from safeguard.child_deaths.demo import synthetic_imd_csv, synthetic_postcodes_csv
from safeguard.child_deaths.importers.deprivation import FileRefused, read_areas, read_postcodes
from safeguard.child_deaths.models import DeprivationArea
from safeguard.child_deaths.services.notifications import NotifiedDeath, notification_receive
from tests.child_deaths.helpers import partnership

HEADER = (
    '"LSOA code (2011)","LSOA name (2011)","Local Authority District code (2019)",'
    '"Local Authority District name (2019)","Index of Multiple Deprivation (IMD) Score",'
    '"Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)",'
    '"Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)"'
)


def test_the_official_layout_is_read() -> None:
    rows = read_areas(HEADER + "\nE01999001,Synthetic 001A,E06000999,Synthetic,40.1,12,1\n")
    assert rows == [
        {"lsoa_code": "E01999001", "lsoa_name": "Synthetic 001A", "imd_rank": 12, "imd_decile": 1}
    ]


def test_every_bad_row_is_listed_and_nothing_is_kept() -> None:
    text = HEADER + "\nE01999001,A,E,S,1,12,11\nW01000001,B,E,S,1,3,2\nE01999003,C,E,S,1,x,2\n"
    with pytest.raises(FileRefused) as refused:
        read_areas(text)
    assert [(e.line, e.reason) for e in refused.value.errors] == [
        (2, "not a decile from 1 to 10"),
        (3, "not an English LSOA code"),
        (4, "not a whole number from 1"),
    ]


def test_a_missing_column_is_named() -> None:
    with pytest.raises(FileRefused) as refused:
        read_areas("LSOA code (2011),Something\nE01999001,1\n")
    assert {e.column for e in refused.value.errors} >= {"LSOA name (2011)"}


def test_postcodes_normalised() -> None:
    assert read_postcodes("pcds,lsoa11\nwm1 1ab,E01999001\nWM11AC,\n") == [("WM1 1AB", "E01999001")]
    with pytest.raises(FileRefused):
        read_postcodes("pcds,lsoa11\nnot a postcode,E01999001\n")


@pytest.mark.django_db
def test_the_command_imports_and_recomputes_deciles(tmp_path: Path) -> None:
    import random

    p = partnership()
    notification, _ = notification_receive(
        actor=p.nurse,
        organisation=p.hospital,
        details=NotifiedDeath(
            full_name="Decile Child",
            born_on=timezone.localdate() - timedelta(days=400),
            died_at=timezone.now() - timedelta(hours=2),
            place="home",
            expected=True,
            home_postcode="WM1 1AB",
        ),
    )
    assert notification.death.deprivation_decile is None
    areas, postcodes = tmp_path / "imd.csv", tmp_path / "nspl.csv"
    areas.write_text(synthetic_imd_csv(random.Random(1)))
    postcodes.write_text(synthetic_postcodes_csv())
    call_command("child_deaths", "import-deprivation", "--areas", areas, "--postcodes", postcodes)
    assert DeprivationArea.objects.count() == 40
    notification.death.refresh_from_db()
    assert notification.death.deprivation_decile == 1  # WM1 1AB is area 1: decile 1
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "\nE01999001,A,E,S,1,12,0\n")
    with pytest.raises(CommandError):
        call_command("child_deaths", "import-deprivation", "--areas", bad)
    assert DeprivationArea.objects.count() == 40
