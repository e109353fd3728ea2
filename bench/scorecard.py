"""The scorecard page with 30 indicators of 60 monthly values each, and the PMSG pack for them.

Goal (issue 11): the page a PMSG chair opens answers in well under a second; the number of
database queries does not grow with the indicators (no N+1). The catalogue and the values are
put in through the real services (``indicator_create``, ``observations_import``, which also
opens the exceptions the special causes call for), with values drawn here from a seeded random
walk, independently of the code measured. The page is fetched through Django's test client as a
signed-in PMSG member: seconds (wall and CPU, median of 5) and queries. The pack (30 XmR
charts, the XLSX and the PDF) is built once, as the worker builds it, and timed too.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import date
from decimal import Decimal

INDICATORS = 30
POINTS = 60
REPEATS = 5
THEMES = ["child_protection", "early_help", "looked_after", "training", "secure_settings"]


def _months(count: int, end: date) -> list[date]:
    starts = []
    year, month = end.year, end.month
    for _ in range(count):
        starts.append(date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(starts))


def _seed() -> tuple[object, object]:
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from safeguard.core.models import Organisation, Person, RoleAssignment
    from safeguard.core.roles import Role
    from safeguard.performance.services.catalogue import indicator_create
    from safeguard.performance.services.returns import ReturnRow, observations_import

    org = Organisation.objects.create(name="Bench council", kind="local_authority")
    admin = Person.objects.create_user(
        email="bench-bu@example.invalid", password="x" * 16, organisation=org, full_name="BU"
    )
    RoleAssignment.objects.create(person=admin, role=Role.BUSINESS_UNIT_ADMIN)
    member = Person.objects.create_user(
        email="bench-member@example.invalid", password="x" * 16, organisation=org, full_name="M"
    )
    RoleAssignment.objects.create(person=member, role=Role.SUBGROUP_MEMBER)
    TOTPDevice.objects.create(user=member, name="Authenticator app", confirmed=True)
    now = timezone.now()
    starts = _months(POINTS, date(now.year - 1, 12, 1))
    chance = random.Random(11)
    for number in range(INDICATORS):
        indicator = indicator_create(
            actor=admin,
            code=f"bench-{number}",
            name=f"Bench indicator {number}",
            theme=THEMES[number % len(THEMES)],
            unit="percentage",
            polarity="up" if number % 2 else "down",
            frequency="monthly",
            owner_organisation=org,
            target=Decimal("75"),
        )
        level, rows = 70.0, []
        for line, start in enumerate(starts, start=1):
            level = min(99.0, max(1.0, level + chance.gauss(0, 3)))
            rows.append(
                ReturnRow(
                    line=line,
                    indicator=indicator.code,
                    period=f"{start:%Y-%m}",
                    value=f"{level:.1f}",
                    narrative="Bench value",
                )
            )
        observations_import(actor=admin, rows=rows, now=now)
    return member, now


def _timed(call: object) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    call()  # type: ignore[operator]
    return time.perf_counter() - wall, time.process_time() - cpu


def run() -> list[str]:
    from django.db import connection
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    started = time.perf_counter()
    member, _ = _seed()
    seeded = time.perf_counter() - started
    client = Client()
    client.force_login(member)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=member).persistent_id
    session.save()

    def page() -> None:
        response = client.get("/performance/")
        assert response.status_code == 200, response.status_code
        assert response.content.count(b"Bench indicator") >= INDICATORS, response.content[:300]

    page()  # warm: templates compiled, caches filled
    queries: list[str] = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):  # the client resets Django's own query log
        page()
    walls, cpus = zip(*(_timed(page) for _ in range(REPEATS)), strict=True)
    lines = [
        f"seeded {INDICATORS} indicators x {POINTS} monthly values through the services"
        f" in {seeded:.1f} s",
        f"scorecard page: {statistics.median(walls):.3f} s wall, "
        f"{statistics.median(cpus):.3f} s CPU (median of {REPEATS}); "
        f"{len(queries)} queries",
    ]
    from django.template.loader import render_to_string

    from safeguard.performance import exports
    from safeguard.performance.services import pack

    def build() -> None:
        contents = pack.pack_contents(actor=member)
        exports.pack_xlsx(contents)
        html = render_to_string("performance/pack_pdf.html", {"pack": contents})
        exports.pdf_from_html(html, base_url="http://bench.invalid/")

    wall, cpu = _timed(build)
    lines.append(f"PMSG pack (30 charts, XLSX and PDF): {wall:.1f} s wall, {cpu:.1f} s CPU (once)")
    return lines
