"""Training's part of the annual report (``core.report_tables``, section "training"): bookings,
completions, evaluations and the trainer pool, year on year (the figures page's own counts,
``selectors.figures``). The counts are of practitioners, not children, so none is withheld in
the public version. Each figure links to the figures page, for those who may see it.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse

from safeguard.core import report_tables
from safeguard.core.report_tables import Table, Year, year_table
from safeguard.training import policies, selectors


def training_tables(years: Sequence[Year]) -> list[Table]:
    found = selectors.figures()
    labels = [year.label for year in years]
    link = reverse("training:figures")

    def table(
        key: str, caption: str, first: str, rows: list[tuple[str, list[int]]], **kw: object
    ) -> Table:
        return year_table(
            key=key,
            caption=caption,
            first_heading=first,
            years=years,
            rows=rows,
            link=lambda year: link,
            small_number=False,
            **kw,  # type: ignore[arg-type]
        )

    def by_year(series: list[tuple[str, dict[str, int]]]) -> list[tuple[str, list[int]]]:
        return [
            (name, [values.get(label, 0) for label in labels])
            for name, values in series
            if any(values.get(label, 0) for label in labels)
        ]

    evaluation = [found.evaluation.get(label) for label in labels]
    return [
        table(
            "training_bookings",
            "Bookings on multi-agency training by course",
            "Course",
            by_year(found.bookings_by_course),
            total=True,
            chart="stacked_bar",
        ),
        table(
            "training_agencies",
            "Bookings by agency",
            "Agency",
            by_year(found.bookings_by_agency),
            total=True,
            chart="stacked_bar",
        ),
        table(
            "training_completions",
            "Completions by course (every part attended)",
            "Course",
            by_year(found.completions_by_course),
            total=True,
            chart="",
        ),
        table(
            "training_evaluations",
            "Evaluations returned after training",
            "",
            [
                ("Evaluations returned", [e.answers if e else 0 for e in evaluation]),
                ("Training met expectations", [e.met_expectations if e else 0 for e in evaluation]),
                ("Confidence increased", [e.confidence_increased if e else 0 for e in evaluation]),
            ],
        ),
        table(
            "training_trainers",
            "The trainer pool",
            "",
            [
                (
                    "Trainers who delivered sessions",
                    [found.trainers_delivering.get(label, 0) for label in labels],
                ),
            ],
            chart="",
            note=f"Trainers in the pool today: {found.trainers_in_pool}.",
        ),
    ]


def register() -> None:
    report_tables.register(
        section="training",
        module="training",
        build=training_tables,
        opens=lambda actor: policies.can(actor, policies.Cap.VIEW_FIGURES),
    )
