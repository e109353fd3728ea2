"""The scorecard's pages in the permission walk (tests/test_permission_walk.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone

VIEW, MANAGE, SUBMIT = "performance.view", "performance.manage", "performance.submit_return"
IMPORT_RECORDS = "performance.import_records"


def pages(Route: Any, _pk: Any) -> dict[str, Any]:
    return all_pages(Route, _pk)


def all_pages(Route: Any, _pk: Any) -> dict[str, Any]:
    indicator, exception = _pk("indicator"), _pk("indicator_exception")
    return {
        "performance:scorecard": Route(VIEW),
        "performance:scorecard_xlsx": Route(VIEW),
        "performance:scorecard_pdf": Route(VIEW),
        "performance:indicator_detail": Route(VIEW, kwargs=indicator),
        "performance:indicators": Route(MANAGE),
        "performance:indicator_create": Route(MANAGE),
        "performance:indicator_edit": Route(MANAGE, kwargs=indicator),
        "performance:comparator_add": Route(MANAGE, kwargs=indicator),
        "performance:returns": Route(SUBMIT),
        "performance:return_submit": Route(SUBMIT),
        "performance:return_upload": Route(SUBMIT),
        "performance:exceptions": Route(VIEW),
        "performance:exception_detail": Route(VIEW, kwargs=exception),
        "performance:exception_explain": Route(SUBMIT, kwargs=exception, ok_status=405),
        "performance:exception_close": Route(MANAGE, kwargs=exception, ok_status=405),
        "performance:records": Route(IMPORT_RECORDS),
        "performance:pack_start": Route(VIEW, ok_status=405),
        # A pack is its maker's alone: the walk's administrator made this one.
        "performance:pack_file": Route(
            VIEW,
            kwargs=lambda objects: {"pk": objects["pack_job"].pk, "fmt": "xlsx"},
            ok_status=404,
        ),
        "performance:census_findings": Route(IMPORT_RECORDS, kwargs=_pk("census_job")),
        # Indicators counted from Safeguard's records (ADR 0014): the Business Unit's.
        "performance:measures": Route(MANAGE),
        "performance:measures_count": Route(MANAGE, ok_status=405),
        "performance:measure_indicator_create": Route(MANAGE, kwargs=_measure),
        "performance:measure_link": Route(MANAGE, kwargs=_measure),
        "performance:indicator_count": Route(
            MANAGE, kwargs=_pk("counted_indicator"), ok_status=405
        ),
    }


def _measure(objects: dict[str, Any]) -> dict[str, str]:
    return {"key": WALK_MEASURE}


WALK_MEASURE = "training.places_booked"


# Downloads that carry a child's details: they ask for the second factor again when it lapsed.
SENSITIVE_READS = {"performance:census_findings"}


API: dict[str, str | None] = {
    "GET /api/v1/performance/indicators": "performance:read",
    "GET /api/v1/performance/indicators/{code}": "performance:read",
    "POST /api/v1/performance/returns": "performance:submit",
}
API_PATH_PARAMETERS = {"code": lambda objects: objects["indicator"].code}


def make_objects(*, admin: Any, organisation: Any) -> dict[str, Any]:
    from safeguard.performance.models import Indicator, IndicatorException, Observation

    indicator = Indicator.objects.create(
        code="walk-indicator",
        name="Walk indicator",
        unit="percentage",
        polarity="up",
        frequency="monthly",
        owner_organisation=organisation,
        target=Decimal("90"),
    )
    now = timezone.now()
    for month in range(1, 7):
        Observation.objects.create(
            indicator=indicator,
            period_start=date(2025, month, 1),
            value=Decimal(80 + month),
            narrative="Walk value",
            source="demo",
            submitted_at=now,
        )
    exception = IndicatorException.objects.create(
        indicator=indicator,
        period_start=date(2025, 6, 1),
        special_cause="below_lower_limit",
        owner_organisation=organisation,
        opened_at=now,
        due_at=now,
    )
    from safeguard.core.models import Job

    pack_job = Job.objects.create(
        kind="PMSG pack", started_by=admin, state="succeeded", created_at=now, finished_at=now
    )
    census_job = Job.objects.create(
        kind="Census import",
        started_by=admin,
        view_capability=IMPORT_RECORDS,
        state="succeeded",
        result={"findings": []},
        created_at=now,
        finished_at=now,
    )
    counted = Indicator.objects.create(
        code="walk-counted",
        name="Walk counted indicator",
        unit="count",
        polarity="up",
        frequency="monthly",
        owner_organisation=organisation,
        measure_key=WALK_MEASURE,
    )
    return {
        "indicator": indicator,
        "counted_indicator": counted,
        "indicator_exception": exception,
        "pack_job": pack_job,
        "census_job": census_job,
    }


# Each organisation's key sends values for the indicators it owns, never another's.
API_OWNED = ["POST /api/v1/performance/returns"]


def make_owned_api(owned: dict[str, Any]) -> dict[str, dict[str, Any]]:
    from safeguard.performance.models import Indicator
    from tests import factories

    mine, theirs = (
        factories.organisation(kind="health_trust", name=f"Indicator owner {side}")
        for side in ("mine", "theirs")
    )
    for org, code in ((mine, "owned-mine"), (theirs, "owned-theirs")):
        Indicator.objects.create(
            code=code,
            name=f"Owned indicator {code}",
            unit="percentage",
            polarity="up",
            frequency="monthly",
            owner_organisation=org,
            target=Decimal("90"),
        )

    def body(code: str) -> dict[str, Any]:
        values = [{"indicator": code, "period": "2026-01", "value": "80", "narrative": "Owned"}]
        return {"values": values}

    return {
        "POST /api/v1/performance/returns": {
            "organisation": mine,
            "scopes": ["performance:submit"],
            "mine": "/api/v1/performance/returns",
            "theirs": "/api/v1/performance/returns",
            "body": body("owned-mine"),
            "theirs_body": body("owned-theirs"),
            # The module answers a value for an indicator the key does not own as a bad row.
            "theirs_status": 422,
        }
    }


def forms(Form: Any) -> dict[str, Any]:
    """The pages that take a POST (tests/test_permission_walk.py posts to each as every role)."""
    names = (
        "comparator_add",
        "indicator_count",
        "measure_indicator_create",
        "measure_link",
        "measures_count",
        "exception_close",
        "exception_explain",
        "indicator_create",
        "indicator_edit",
        "pack_start",
        "records",
        "return_submit",
        "return_upload",
    )
    return {f"performance:{name}": Form() for name in names}
