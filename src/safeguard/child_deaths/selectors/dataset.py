"""The record-level export in the shape of the national child death dataset: one row per death,
pseudonymised (no name, date of birth, NHS number or postcode; the month of death only), for the
panel's submission to the national database by its own secure route (no network call here).
Columns are documented in docs/child-deaths.md; the header is ``COLUMNS``.
"""

from __future__ import annotations

from typing import Any

from safeguard.child_deaths import policies, rules
from safeguard.child_deaths.models import Death, JointAgencyResponse, Review
from safeguard.core import audit
from safeguard.core.clock import london_date
from safeguard.core.models.audit import AuditAction

COLUMNS = (
    "reference",
    "panel",
    "month_of_death",
    "age_group",
    "sex",
    "ethnicity",
    "deprivation_decile",
    "place_of_death",
    "expected",
    # The notification form's question since April 2021 (NCMD, "CDR statutory form changes").
    "suspected_stillbirth_at_home",
    "joint_agency_response",
    "home_visit_within_48_hours",
    "agencies_notifying",
    "reporting_forms_asked",
    "reporting_forms_returned",
    "category",
    # The NCMD numbers the categories of the analysis form (its guidance speaks of "Category 5,
    # Acute medical or surgical condition"): the number beside the words (docs/child-deaths.md).
    "category_number",
    *(f"factors_{code}" for code, _ in rules.DOMAINS),
    *(f"modifiable_{code}" for code, _ in rules.DOMAINS),
    "modifiable_conclusion",
    # The reporting form's questions since April 2021, as the panel answered them at its review.
    "lived_in_poverty",
    "barriers_to_services",
    "barrier_kinds",
    "days_death_to_review",
    "status",
)


def _yes(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _answer(code: str) -> str:
    """yes, no, not known; blank where the question was not answered."""
    return rules.ANSWER_LABELS[code].lower() if code else ""


def dataset_rows(*, actor: Any) -> list[list[str]]:
    """Every death as a row of ``COLUMNS``, in words (labels, never codes); empty unless the
    actor is of the team. The export is audited as one row naming how many deaths left."""
    if not policies.is_team(actor):
        return []
    deaths = list(Death.objects.order_by("died_at", "pk"))
    jars = {j.death_id: j for j in JointAgencyResponse.objects.all()}
    reviews = {r.death_id: r for r in Review.objects.all()}
    rows = []
    for death in deaths:
        died_on = london_date(death.died_at)
        jar, review = jars.get(death.pk), reviews.get(death.pk)
        forms = list(death.reporting_forms.all())
        visit_on_time = None
        if jar is not None and jar.home_visit_at is not None:
            due = rules.due_after_hours(jar.started_at, rules.HOME_VISIT_HOURS)
            visit_on_time = jar.home_visit_at <= due
        findings = (review.findings if review else {}) or {}
        done = review is not None and review.completed_at is not None
        rows.append(
            [
                death.reference,
                rules.PANEL_LABELS[death.panel],
                f"{died_on:%B %Y}",
                rules.AGE_GROUP_LABELS[rules.age_group(death.born_on, died_on)],
                death.get_gender_display(),
                death.get_ethnicity_display(),
                str(death.deprivation_decile or ""),
                death.get_place_display(),
                _yes(death.expected),
                _answer(death.suspected_home_stillbirth),
                _yes(jar is not None),
                _yes(visit_on_time),
                str(death.notifications.count()),
                str(len(forms)),
                str(sum(1 for f in forms if f.returned_at)),
                rules.CATEGORY_LABELS.get(review.category, "") if review else "",
                str(rules.CATEGORY_RANK.get(review.category, "")) if review else "",
                *(
                    rules.LEVEL_LABELS.get(findings.get(code, {}).get("level", ""), "")
                    for code, _ in rules.DOMAINS
                ),
                *(
                    _yes(findings[code]["modifiable"]) if code in findings else ""
                    for code, _ in rules.DOMAINS
                ),
                rules.CONCLUSION_LABELS.get(review.conclusion, "") if review else "",
                _answer(review.poverty) if review else "",
                _answer(review.barriers) if review else "",
                "; ".join(rules.BARRIER_LABELS[k] for k in review.barrier_kinds) if review else "",
                str(rules.days_between(died_on, london_date(review.completed_at)))
                if done and review is not None and review.completed_at
                else "",
                death.get_status_display(),
            ]
        )
    audit.record(
        action=AuditAction.EXPORT,
        record_type="child_deaths.dataset",
        actor=actor,
        detail=f"national dataset csv, {len(rows)} deaths",
    )
    return rows
