"""How the partnership action plan's reads grow with the plan: the Business Unit's first page
of overdue actions, an owner's home-page counts, and the plan's CSV rows.

The plan is generated here, in bulk and independently of the services measured: organisations,
actions of four kinds of source with due dates spread over three years (about one in ten open
and past due), and a statutory partner lead and a Business Unit officer to read them.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import date, timedelta
from typing import Any

from django.test import RequestFactory
from django.utils import timezone

from safeguard.core.models import Organisation, Person, RoleAssignment

SIZES = [10_000, 50_000]
KINDS = [
    "reviews.recommendation",
    "governance.inspection",
    "governance.task_and_finish",
    "governance.multi_agency_audit",
]


def _people() -> tuple[Person, Person, Organisation]:
    unit = Organisation.objects.create(name="Bench Business Unit", kind="partnership")
    owner = Organisation.objects.create(name="Bench owner", kind="police", statutory_partner=True)
    officer = Person.objects.create_user(
        email="bench-officer@example.invalid", full_name="Bench Officer", organisation=unit
    )
    RoleAssignment.objects.create(person=officer, role="business_unit_officer")
    lead = Person.objects.create_user(
        email="bench-lead@example.invalid", full_name="Bench Lead", organisation=owner
    )
    RoleAssignment.objects.create(person=lead, role="statutory_partner_lead")
    return officer, lead, owner


def _grow(to: int, organisations: list[Organisation], rng: random.Random) -> None:
    from safeguard.governance.models import Action

    missing = to - Action.objects.count()
    today = date.today()
    now = timezone.now()
    batch = []
    for i in range(missing):
        due = today + timedelta(days=rng.randint(-700, 400))
        status = rng.choices(
            ["not_started", "in_progress", "completed", "withdrawn"], [2, 3, 8, 1]
        )[0]
        if due < today and status in ("not_started", "in_progress") and rng.random() < 0.6:
            status = "completed"
        batch.append(
            Action(
                title=f"Bench action {i}",
                source_kind=rng.choice(KINDS),
                source_id=str(rng.randint(1, 500)),
                owner_organisation=rng.choice(organisations),
                due_on=due,
                status=status,
                completion_evidence="Done" if status == "completed" else "",
                completed_on=due if status == "completed" else None,
                withdrawal_reason="No longer needed" if status == "withdrawn" else "",
                withdrawn_on=due if status == "withdrawn" else None,
                created_at=now,
                changed_at=now,
            )
        )
    Action.objects.bulk_create(batch, batch_size=2000)


def _median(fn: Any, repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run() -> list[str]:
    from safeguard.governance import rules
    from safeguard.governance.selectors.actions import visible_actions
    from safeguard.governance.selectors.work import home_work
    from safeguard.governance.views.plan import plan_csv

    csv_page = plan_csv.__wrapped__.__wrapped__  # type: ignore[attr-defined]

    rng = random.Random(2026)
    officer, lead, owner = _people()
    organisations = [owner] + [
        Organisation.objects.create(name=f"Bench partner {n}", kind="health_trust")
        for n in range(29)
    ]
    today = date.today()
    lines = []
    for size in SIZES:
        _grow(size, organisations, rng)

        def first_page() -> None:
            found = visible_actions(officer).filter(
                status__in=rules.OPEN_STATUSES, due_on__lt=today
            )
            found.count()
            list(found.order_by("due_on", "pk")[:50])

        def owner_counts() -> None:
            home_work(lead)

        def all_rows() -> None:
            # The CSV page's own code, past its sign-in and second-factor wrappers.
            request = RequestFactory().get("/governance/actions.csv")
            request.user = officer
            csv_page(request)

        lines.append(
            f"{size:>6,} actions: overdue first page {_median(first_page) * 1000:.0f} ms, "
            f"owner's home counts {_median(owner_counts) * 1000:.0f} ms, "
            f"the whole plan as CSV {_median(all_rows, 3):.2f} s"
        )
    return lines
