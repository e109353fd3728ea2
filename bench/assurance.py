"""Assurance figures over five years of a large partnership (goal: each under 1 s).

Generated here with bulk inserts, independently of the services measured: 20,000 concerns
(Concerns Resolution) over five years across every theme and stage, and ten years of monthly
returns from three secure settings. Measured, median of 5 runs: the concerns figures page
through Django's test client as the Business Unit (the whole request: selector, pure figures,
charts, template); the annual report's `escalations` and `secure_settings` builders for five
financial years; and one scorecard measure counted for 120 months.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import connection
from django.test import Client
from django.urls import reverse

CONCERNS = int(os.environ.get("ASSURANCE_CONCERNS", "20000"))
UNUSABLE = "!"


def _generate(rng: random.Random) -> Any:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from safeguard.assurance import rules
    from safeguard.assurance.models import Escalation, MonthlyReturn
    from safeguard.children.models import Pupil
    from safeguard.core.models import Organisation, Person, RoleAssignment

    unit = Organisation.objects.create(name="Bench unit", kind="partnership")
    admin = Person.objects.create(
        email="bench-admin@bench.invalid", full_name="Admin", organisation=unit, password=UNUSABLE
    )
    RoleAssignment.objects.create(person=admin, role="business_unit_admin")
    TOTPDevice.objects.create(user=admin, name="Authenticator app", confirmed=True)
    agencies = Organisation.objects.bulk_create(
        Organisation(name=f"Bench agency {i}", kind="local_authority") for i in range(10)
    )
    school = Organisation.objects.create(name="Bench school", kind="school", urn="999001")
    pupils = Pupil.objects.bulk_create(
        Pupil(upn=f"B{i:012d}", forename="Bench", surname=f"Child{i}", school=school)
        for i in range(2000)
    )
    start = datetime(2021, 4, 1, 9, tzinfo=UTC)
    themes = list(rules.THEMES)
    rows = []
    for i in range(CONCERNS):
        resolved = rng.random() < 0.8
        raised_at = start + timedelta(minutes=rng.randint(0, 5 * 365 * 24 * 60))
        rows.append(
            Escalation(
                reference=f"CR-B-{i:06d}",
                pupil=pupils[i % len(pupils)],
                raised_by=admin,
                raised_by_organisation=agencies[i % 10],
                other_organisation=agencies[(i + 1) % 10],
                theme=themes[i % len(themes)],
                decision="x",
                concern="x",
                raised_at=raised_at,
                stage=rng.choice([1, 1, 1, 2, 2, 3, 4]),
                status="resolved" if resolved else "open",
                resolved_at=raised_at + timedelta(days=3) if resolved else None,
            )
        )
    Escalation.objects.bulk_create(rows, batch_size=2000)
    settings = Organisation.objects.bulk_create(
        Organisation(name=f"Bench secure setting {i}", kind="secure_setting") for i in range(3)
    )
    months = rules.months_between(date(2016, 4, 1), date(2026, 3, 1))
    MonthlyReturn.objects.bulk_create(
        MonthlyReturn(
            organisation=setting,
            month=month,
            restraints_main_site=rng.randint(40, 110),
            restraints_specialist_unit=rng.randint(5, 40),
            custody_arrests=rng.randint(60, 120),
            submitted_at=start,
        )
        for setting in settings
        for month in months
    )
    return admin


def _median(call: Callable[[], object]) -> float:
    times = []
    for _ in range(5):
        t = time.perf_counter()
        call()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _verdict(seconds: float) -> str:
    return "met" if seconds < 1 else "NOT met"


def run() -> list[str]:
    from tests import factories

    from safeguard.assurance import rules
    from safeguard.assurance.selectors import figures
    from safeguard.core import measures
    from safeguard.core.report_tables import Year

    started = time.perf_counter()
    admin = _generate(random.Random(16))
    made = time.perf_counter() - started
    client = factories.signed_in(Client(), admin)
    url = reverse("assurance:escalation_figures")

    def page() -> None:
        assert client.get(url).status_code == 200

    years = [
        Year(date(y, 4, 1), date(y + 1, 4, 1), f"{y}/{str(y + 1)[2:]}") for y in range(2021, 2026)
    ]
    measure = measures.get("assurance.restraints_main_site")
    assert measure is not None
    months = rules.months_between(date(2016, 4, 1), date(2026, 3, 1))

    def series() -> None:
        for month in months:
            measure.count(month, rules.next_month(month))

    timings = {
        "concerns figures page": _median(page),
        "report section escalations, 5 years": _median(lambda: figures.escalation_tables(years)),
        "report section secure_settings, 5 years": _median(
            lambda: figures.secure_settings_tables(years)
        ),
        "measure restraints_main_site, 120 months": _median(series),
    }
    lines = [
        f"generated {CONCERNS:,} concerns and 360 returns in {made:.1f} s ({connection.vendor})"
    ]
    lines += [
        f"{name}: median {seconds:.3f} s over 5 runs (goal < 1 s: {_verdict(seconds)})"
        for name, seconds in timings.items()
    ]
    return lines
