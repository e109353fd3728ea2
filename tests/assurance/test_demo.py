"""The demo partnership gains assurance records: a year of self-assessments, concerns at every
stage, 24 months of secure settings' returns with one special cause, and no overdue clock."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.db.models import F

from safeguard.assurance.models import (
    CaseAudit,
    Escalation,
    GradingScale,
    MonthlyReturn,
    Round,
    SelfAssessment,
)
from safeguard.core.clock import LONDON
from safeguard.core.models import Deadline, Organisation
from safeguard.governance.models import Action
from safeguard.performance import spc
from tests import demo_snapshot

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 17, 10, 30, tzinfo=LONDON)


def test_the_demo_tells_every_assurance_story_without_an_overdue_clock() -> None:
    made = demo_snapshot.demo_partnership(seed=2026, now=NOW).extensions["assurance"]
    assert made > 50
    # Self-assessments: every statutory partner and five schools, last year and this.
    assert Round.objects.count() == 2
    last = Round.objects.get(year=2025)
    statutory = Organisation.objects.filter(statutory_partner=True)
    assert statutory.count() == 3
    asked = SelfAssessment.objects.filter(round=last)
    assert set(statutory) <= {a.organisation for a in asked}
    assert asked.filter(organisation__kind="school").count() == 5
    assert not asked.filter(status="awaiting").exists()
    this_year = SelfAssessment.objects.filter(round__year=2026)
    assert (
        this_year.filter(status="returned").exists()
        and this_year.filter(status="awaiting").exists()
    )
    assert Action.objects.filter(source_kind="assurance.self_assessment").exists()
    # Concerns at different stages.
    stages = {(e.status, e.stage) for e in Escalation.objects.all()}
    assert {("resolved", 1), ("resolved", 2), ("open", 1), ("open", 3), ("resolved", 4)} == stages
    # Returns: 24 months of the YOI, one special cause in its main-site restraints.
    yoi = Organisation.objects.get(kind="secure_setting", name__contains="Offender")
    series = list(
        MonthlyReturn.objects.filter(organisation=yoi)
        .order_by("month")
        .values_list("restraints_main_site", flat=True)
    )
    assert len(series) == 24
    values = [v for v in series if v is not None]
    causes = [
        p for p in spc.analyse(values, improvement="down").points if p.special_cause != "none"
    ]
    assert len(causes) == 1
    assert Organisation.objects.filter(kind="secure_setting", name__contains="Custody").exists()
    # This year's audit with moderation done, findings and actions.
    audit = CaseAudit.objects.get(year=2026)
    assert audit.status == "complete" and audit.moderated_at is not None
    assert audit.cases.count() == 6 and not audit.cases.filter(agreed_grade="").exists()
    assert (
        Action.objects.filter(source_kind="assurance.case_audit", source_id=audit.pk).count() == 2
    )
    # The three years' programmes before it (2023/24 to 2025/26: the annual report's years and
    # the year before), each audit done within its year, its actions done in time.
    earlier = CaseAudit.objects.exclude(pk=audit.pk)
    assert sorted(earlier.values_list("year", flat=True)) == [2023, 2023, 2024, 2024, 2025, 2025]
    for old in earlier:
        assert old.status == "complete" and old.cases.count() == 6
        assert not old.cases.filter(agreed_grade="").exists()
        assert datetime(old.year, 4, 1, tzinfo=LONDON) <= old.created_at
        assert old.moderated_at < datetime(old.year + 1, 4, 1, tzinfo=LONDON)
    done = Action.objects.filter(source_kind="assurance.case_audit").exclude(source_id=audit.pk)
    assert done.count() == 6 and not done.exclude(status="completed").exists()
    # Graded on Ofsted's four grades; the partnership's own scale is written for next year.
    assert audit.tool.scale.name == "Ofsted grades"
    own = GradingScale.objects.get(name="Practice quality scale")
    assert [g["label"] for g in own.grades] == ["Strong", "Adequate", "Weak"]
    assert own.rule().lowest_good_enough.label == "Adequate"
    # A monthly-return clock for each of the 24 months of each setting, every one met in time.
    monthly = Deadline.objects.filter(module="assurance", kind="monthly_return")
    assert monthly.count() == 3 * 24
    assert not monthly.filter(met_at__isnull=True, due_at__lt=NOW).exists()
    assert not monthly.filter(met_at__gt=F("due_at")).exists()
    # Clocks: some running, none overdue, none met in the future.
    running = Deadline.objects.filter(
        module="assurance", met_at__isnull=True, cancelled_at__isnull=True
    )
    assert running.filter(kind="escalation_stage").count() == 2
    assert running.filter(kind="self_assessment_return").exists()
    assert running.filter(kind="challenge_answer").exists()
    assert not running.filter(due_at__lt=NOW).exists()
    assert not Deadline.objects.filter(module="assurance", met_at__gt=NOW).exists()
    for clock in Deadline.objects.filter(module="assurance"):
        assert clock.due_at.astimezone(LONDON).weekday() < 5
