"""The annual report's structure, in the seed's order (``context/partnership-annual-report-
2021-23.md``): which parts are written by people (narratives), which are tables that modules
answer for (``core.report_tables.SECTIONS``), and where the priorities go. Pure.

Every section key of the registry appears exactly once here (a test holds it), so a section a
module registers is never left out, and one no module answers for yet is shown saying so.
"""

from __future__ import annotations

from dataclasses import dataclass

NARRATIVE, TABLES, PRIORITIES = "narrative", "tables", "priorities"


@dataclass(frozen=True)
class Part:
    kind: str  # NARRATIVE, TABLES or PRIORITIES
    key: str  # the narrative's key, or the registry's section key
    title: str
    heading: str = ""  # the chapter this part opens, if it opens one


# The narrative sections a new report starts with, and whose part they are (by default the
# Independent Chair owns the introduction; the Business Unit assigns the rest when it starts).
PARTS: tuple[Part, ...] = (
    Part(NARRATIVE, "chair_introduction", "Independent Chair's introduction"),
    Part(NARRATIVE, "system_summary", "Summary of the safeguarding system"),
    Part(NARRATIVE, "key_learning", "Key learning from this report"),
    Part(
        NARRATIVE,
        "arrangements",
        "The partnership's local arrangements",
        heading="Partnership arrangements",
    ),
    Part(TABLES, "funding", "Funding arrangements"),
    Part(TABLES, "training", "Learning and development", heading="Subgroups"),
    Part(TABLES, "child_protection", "Child protection"),
    Part(TABLES, "children_looked_after", "Children looked after"),
    Part(TABLES, "audits", "Multi-agency audits"),
    Part(TABLES, "secure_settings", "Children in secure settings"),
    Part(TABLES, "exploitation", "Child exploitation"),
    Part(TABLES, "section_11", "Section 11 and Section 175 self-assessments"),
    Part(TABLES, "escalations", "Concerns resolution (escalation)"),
    Part(
        TABLES,
        "serious_incidents",
        "Serious incidents and safeguarding practice reviews",
        heading="Learning from reviews",
    ),
    Part(NARRATIVE, "learning_from_reviews", "Themes from learning reviews"),
    Part(
        TABLES,
        "child_deaths",
        "The Child Death Overview Panel (CDOP)",
        heading="Child death reviews",
    ),
    Part(PRIORITIES, "priorities", "The partnership's priorities", heading="Priorities"),
    Part(TABLES, "domestic_abuse", "Domestic abuse"),
    Part(TABLES, "encompass", "Operation Encompass"),
    Part(NARRATIVE, "external_inspections", "External inspections", heading="Inspections"),
)


def narratives() -> list[Part]:
    return [part for part in PARTS if part.kind == NARRATIVE]


def table_keys() -> list[str]:
    return [part.key for part in PARTS if part.kind == TABLES]


def anchor(part: Part) -> str:
    """The part's id on the page, for the contents list."""
    return f"part-{part.key.replace('_', '-')}"
