"""Figures a module counts from its own records, for the scorecard: a registry modules fill.

The scorecard (``performance``) may not be imported by another domain module (the independence
contract), yet the figures the PMSG watches are kept by those modules: MARAC repeats, child
deaths reviewed in time, training completions, exploitation referrals, secure settings' returns.
So a module that can count an indicator registers a ``Measure`` here when its app loads; the
scorecard links a catalogue indicator to a measure by its key and counts each period from the
records, instead of someone typing the figure into a return.

A measure counts one period at a time, ``count(start, end)`` for the dates ``start <= d < end``,
and answers ``None`` when the records cannot say (the module was not in use then): a gap stays a
gap (DESIGN.md 4, one frequency and one source per series). A measure counts aggregates only: no
child is identifiable from it, so it needs no actor and is not audited as a read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

# The scorecard's own vocabularies (performance.models Unit, Polarity, Frequency, Theme),
# repeated here as plain strings because the kernel may not import performance.
# "rate_per_10000_women": a rate over the area's women aged 16 and over (SafeLives's MARAC
# volume); the measure that counts it says which population it divides by (``population``).
UNITS = ("count", "percentage", "rate_per_10000", "rate_per_10000_women")
POLARITIES = ("up", "down", "neither")
FREQUENCIES = ("monthly", "quarterly", "annual")
THEMES = (
    "child_protection",
    "children_looked_after",
    "secure_settings",
    "exploitation",
    "training",
    "other",
)

Count = Callable[[date, date], Decimal | None]
FirstDay = Callable[[], date | None]


@dataclass(frozen=True)
class Population:
    """The population a rate divides by, as the module that keeps it set it: ``figure`` people,
    ``described`` in words with its source ("women aged 16 and over, ONS mid-2023 estimate")."""

    figure: int
    described: str

    @property
    def figure_text(self) -> str:
        """330,000: as a page shows it."""
        return f"{self.figure:,}"


PopulationOf = Callable[[], Population | None]


@dataclass(frozen=True)
class Measure:
    """What the scorecard needs to create and feed an indicator from records.

    ``key`` is ``<module>.<name>``; ``frequencies`` the period lengths the records can be counted
    for (a monthly count can also be summed by quarter, but say so: a percentage cannot);
    ``numerator`` and ``denominator`` are the wording the catalogue shows for a percentage.
    ``first_day`` (optional) answers the date of the module's first record (None when it has
    none yet), so the scorecard counts from the period containing it rather than looking back
    over years of periods that can only be gaps.
    """

    key: str
    name: str
    definition: str
    unit: str
    polarity: str
    theme: str
    count: Count
    frequencies: tuple[str, ...] = ("monthly", "quarterly", "annual")
    numerator: str = ""
    denominator: str = ""
    first_day: FirstDay | None = None
    # For a rate over a population other than the children's (``rate_per_10000_women``): the
    # population the count divides by, as it stands (None while nobody has set it). The
    # scorecard shows it beside the indicator; the module's own pages use the same figure.
    population: PopulationOf | None = None

    def __post_init__(self) -> None:
        if "." not in self.key:
            raise ValueError(f"A measure key is <module>.<name>: {self.key!r}")
        if self.unit not in UNITS:
            raise ValueError(f"Unknown unit {self.unit!r} for {self.key}")
        if self.polarity not in POLARITIES:
            raise ValueError(f"Unknown polarity {self.polarity!r} for {self.key}")
        if self.theme not in THEMES:
            raise ValueError(f"Unknown theme {self.theme!r} for {self.key}")
        if not self.frequencies or any(f not in FREQUENCIES for f in self.frequencies):
            raise ValueError(f"Unknown frequencies {self.frequencies!r} for {self.key}")
        if self.unit == "rate_per_10000_women" and self.population is None:
            raise ValueError(f"A rate per 10,000 adult women needs its population: {self.key}")


_measures: dict[str, Measure] = {}


def register(measure: Measure) -> None:
    """Declare a measure when the module's app loads. Registering the same key again replaces."""
    _measures[measure.key] = measure


def get(key: str) -> Measure | None:
    return _measures.get(key)


def all_measures() -> list[Measure]:
    """Every registered measure, by name: the catalogue's "count from records" choice."""
    return sorted(_measures.values(), key=lambda measure: measure.name)
