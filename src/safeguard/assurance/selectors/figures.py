"""The module's answers to the kernel's registries: the annual report's tables
(``core.report_tables``) and the scorecard's measures (``core.measures``). Figures only: no
child is identifiable, counts of people are marked as small numbers for the public version."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal

from django.db.models import Count

from safeguard.assurance import rules
from safeguard.assurance.models import (
    AuditCase,
    CaseAudit,
    Escalation,
    Finding,
    GradingScale,
    MonthlyReturn,
    Rating,
    SelfAssessment,
)
from safeguard.assurance.rules import Scale
from safeguard.assurance.selectors.escalations import escalation_facts
from safeguard.assurance.selectors.secure import figure_total, restraints_by_month
from safeguard.core.measures import Measure
from safeguard.core.report_tables import Cell, Table, Year

ESCALATIONS_LIST = "/assurance/escalations"
ASSESSMENTS_LIST = "/assurance/self-assessments"
SETTINGS_LIST = "/assurance/secure-settings"
AUDITS_LIST = "/assurance/audits"


def _in_sentence(label: str) -> str:
    """A grade's label inside a sentence: "Good" -> "good", an initialism ("RAG green") kept."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def _scales_used(years: Sequence[Year]) -> list[tuple[int | None, str, Scale]]:
    """The grading scales (each version) the years' audits were graded on, Ofsted's first; with
    no audit at all, Ofsted's four grades, so the table keeps its shape."""
    used = GradingScale.objects.filter(
        pk__in=CaseAudit.objects.filter(year__in=[year.start.year for year in years]).values(
            "tool__scale"
        )
    ).order_by("name", "version")
    found: list[tuple[int | None, str, Scale]] = [
        (scale.pk, str(scale), scale.rule()) for scale in used
    ]
    found.sort(key=lambda row: not row[1].startswith(rules.OFSTED_SCALE_NAME))
    return found or [(None, rules.OFSTED_SCALE_NAME, rules.OFSTED)]


def audit_tables(years: Sequence[Year]) -> list[Table]:
    """Audits of each year's programme (by the calendar year the financial year starts in):
    audits, cases audited, the cases' agreed grades and the findings' grades, in the labels of
    the scale each audit was graded on (named when the years used more than one), and the cases
    good enough on their own audit's scale. No child."""
    headings = ("", *(year.label for year in years))
    audits = [CaseAudit.objects.filter(year=year.start.year) for year in years]
    scales = _scales_used(years)
    several = len(scales) > 1
    rows = [
        (Cell("Audits in the programme"), *(Cell(a.count(), AUDITS_LIST) for a in audits)),
        (
            Cell("Cases audited"),
            *(
                Cell(AuditCase.objects.filter(audit__in=a).count(), small_number=True)
                for a in audits
            ),
        ),
    ]
    findings = []
    good_enough = [0 for _ in audits]
    for scale_id, name, scale in scales:
        on_scale = {} if scale_id is None else {"audit__tool__scale_id": scale_id}
        suffix = f" ({name})" if several else ""
        for key, label in scale.labels.items():
            cases = [
                AuditCase.objects.filter(audit__in=a, agreed_grade=key, **on_scale).count()
                for a in audits
            ]
            if scale.is_good_enough(key):
                good_enough = [total + n for total, n in zip(good_enough, cases, strict=True)]
            rows.append(
                (
                    Cell(f"Cases graded {_in_sentence(label)}{suffix}"),
                    *(Cell(n, small_number=True) for n in cases),
                )
            )
            findings.append(
                (
                    Cell(f"Findings: {_in_sentence(label)}{suffix}"),
                    *(
                        Cell(Finding.objects.filter(audit__in=a, grade=key, **on_scale).count())
                        for a in audits
                    ),
                )
            )
    rows.append(
        (
            Cell("Cases good enough on their audit's scale"),
            *(Cell(n, small_number=True) for n in good_enough),
        )
    )
    return [
        Table(
            "audit_cases",
            "Multi-agency case audits and the agreed grades of the cases",
            headings,
            tuple(tuple(r) for r in rows),
            chart="stacked_bar",
        ),
        Table(
            "audit_findings",
            "Findings of the audits, by grade",
            headings,
            tuple(tuple(r) for r in findings),
        ),
    ]


def escalation_tables(years: Sequence[Year]) -> list[Table]:
    figures = [escalation_facts_figures(year) for year in years]
    headings = ("", *(year.label for year in years))
    rows = [
        (Cell("Concerns raised"), *(Cell(f.raised, ESCALATIONS_LIST) for f in figures)),
        *(
            (
                Cell(f"Resolved at {label[0].lower()}{label[1:]}"),
                *(Cell(f.resolved_at[n]) for f in figures),
            )
            for n, label in rules.STAGES.items()
        ),
        (Cell("Still open"), *(Cell(f.open) for f in figures)),
    ]
    themes = [
        (Cell(label), *(Cell(f.themes.get(key, 0)) for f in figures))
        for key, label in rules.THEMES.items()
    ]
    return [
        Table(
            "escalations_stages",
            "Concerns raised and the stage they were resolved at",
            headings,
            tuple(tuple(r) for r in rows),
            chart="bar",
        ),
        Table(
            "escalations_themes",
            "What concerns were about",
            headings,
            tuple(tuple(r) for r in themes),
            chart="stacked_bar",
        ),
    ]


def escalation_facts_figures(year: Year) -> rules.EscalationFigures:
    return rules.escalation_figures(escalation_facts(start=year.start, end=year.end))


def section_11_tables(years: Sequence[Year]) -> list[Table]:
    """Self-assessments by the year the round was for (the calendar year the year starts in)."""
    headings = ("", *(year.label for year in years))
    asked: list[Cell] = []
    returned: list[Cell] = []
    rag: dict[str, list[Cell]] = {key: [] for key in rules.RAG}
    for year in years:
        found = SelfAssessment.objects.filter(round__year=year.start.year)
        asked.append(Cell(found.count(), ASSESSMENTS_LIST))
        returned.append(Cell(found.filter(status="returned").count()))
        counts = dict(
            Rating.objects.filter(assessment__round__year=year.start.year)
            .values_list("rag")
            .annotate(n=Count("pk"))
        )
        for key in rules.RAG:
            rag[key].append(Cell(counts.get(key, 0)))
    rows = [
        (Cell("Organisations asked"), *asked),
        (Cell("Returned"), *returned),
        *(
            (Cell(f"Standards rated {rules.RAG_SHORT[key].lower()}"), *rag[key])
            for key in rules.RAG
        ),
    ]
    return [
        Table(
            "section_11_ratings",
            "Self-assessments returned and the ratings given",
            headings,
            tuple(tuple(r) for r in rows),
            chart="",
        )
    ]


def secure_settings_tables(years: Sequence[Year]) -> list[Table]:
    tables = []
    for year in years:
        found = restraints_by_month(year.start.year)
        rows = tuple(
            (Cell(label), *(Cell(value, SETTINGS_LIST) for value in values))
            for label, values in found
        )
        tables.append(
            Table(
                f"restraints_{year.start.year}",
                f"Restraints in secure settings by month, {year.label}",
                ("", *rules.MONTH_NAMES),
                rows,
                chart="line",
                note="All restraints, low to high level, planned and unplanned.",
            )
        )
    headings = ("", *(year.label for year in years))
    totals = [
        (Cell(label), *(Cell(figure_total(name, y.start, y.end), small_number=True) for y in years))
        for name, label, _ in rules.FIGURES
        if name.startswith(("force", "soft", "custody", "detained", "voluntary"))
    ]
    tables.append(
        Table("custody", "Children in police custody", headings, tuple(tuple(r) for r in totals))
    )
    return tables


# More arrests or voluntary attendances are neither better nor worse for the children.
NEUTRAL = ("custody_arrests", "voluntary_attendances")


def _figure_count(field: str) -> Callable[[date, date], Decimal | None]:
    def count(start: date, end: date) -> Decimal | None:
        value = figure_total(field, start, end)
        return None if value is None else Decimal(value)

    return count


def measures() -> list[Measure]:
    """One scorecard measure per figure of the monthly return, theme secure settings."""
    return [
        Measure(
            key=f"assurance.{name}",
            name=label,
            definition=f"{definition}, all secure settings' monthly returns summed",
            unit="count",
            polarity="neither" if name in NEUTRAL else "down",
            theme="secure_settings",
            count=_figure_count(name),
        )
        for name, label, definition in rules.FIGURES
    ]


def escalations_raised(start: date, end: date) -> Decimal | None:
    if not Escalation.objects.exists():
        return None
    return Decimal(
        Escalation.objects.filter(raised_at__date__gte=start, raised_at__date__lt=end).count()
    )


def has_returns() -> bool:
    return MonthlyReturn.objects.exists()
