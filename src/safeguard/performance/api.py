"""The scorecard in the API: read the indicators and their early warning; send returns.

``GET /performance/indicators`` and ``GET /performance/indicators/{code}`` need the scope
``performance:read`` (values are aggregates: any partner system with the scope may read them).
``POST /performance/returns`` needs ``performance:submit`` and takes a batch of values for
indicators the key's organisation owns: all or nothing, every bad value named, and idempotent on
the sender's natural reference (indicator code and period): a batch sent again changes nothing.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, NinjaAPI, Router, Schema

from safeguard.core import audit
from safeguard.core.api import ERRORS, WRITE_ERRORS, ErrorOut
from safeguard.core.api.auth import scope_required
from safeguard.core.api.pages import Limit, Offset, Page, page_of
from safeguard.core.models import ApiKey
from safeguard.core.models.audit import AuditAction
from safeguard.performance import analysis, periods
from safeguard.performance.models import Indicator
from safeguard.performance.selectors import ScorecardRow, reading_of, scorecard_rows_for_key
from safeguard.performance.services.returns import (
    NOT_YOURS,
    ImportRefused,
    ReturnRow,
    observations_import,
)

READ, SUBMIT = "performance:read", "performance:submit"


class LatestOut(Schema):
    period: str
    value: float


class IndicatorOut(Schema):
    code: str
    name: str
    theme: str
    unit: str
    polarity: str
    frequency: str
    owner_organisation_id: int
    target: float | None
    latest: LatestOut | None
    variation: str | None = Field(None, description="The latest point's variation")
    assurance: str | None = Field(None, description="pass, fail or inconsistent; null without")


class PointOut(Schema):
    period: str
    value: float
    mean: float | None
    lower_limit: float | None
    upper_limit: float | None
    special_cause: str | None
    variation: str | None


class SeriesOut(IndicatorOut):
    trial_limits: bool
    notes: list[str]
    points: list[PointOut]


class ValueIn(Schema):
    indicator: str = Field(..., max_length=60, description="The indicator's code")
    period: str = Field(..., max_length=7, description="The month the period starts: 2026-10")
    value: str = Field(..., max_length=30, description="As written, e.g. 87.5")
    narrative: str = Field(..., max_length=5000)


class ReturnIn(Schema):
    values: list[ValueIn] = Field(..., min_length=1, max_length=1000)


class IndicatorPage(Page):
    items: list[IndicatorOut]


class ReturnOut(Schema):
    saved: int


def _summary(indicator: Indicator, reading: analysis.Reading) -> dict[str, Any]:
    latest_index = len(reading.values) - 1
    point = reading.latest
    return {
        "code": indicator.code,
        "name": indicator.name,
        "theme": indicator.theme,
        "unit": indicator.unit,
        "polarity": indicator.polarity,
        "frequency": indicator.frequency,
        "owner_organisation_id": indicator.owner_organisation_id,
        "target": float(indicator.target) if indicator.target is not None else None,
        "latest": {
            "period": periods.short(reading.starts[latest_index]),
            "value": float(reading.values[latest_index]),
        }
        if latest_index >= 0
        else None,
        "variation": str(point.variation) if point else None,
        "assurance": str(point.assurance) if point and point.assurance else None,
    }


def build_router() -> Router:
    """A fresh router each time, so tests can mount the module on an API of their own."""
    router = Router(tags=["performance"])

    @router.get("/indicators", response={200: IndicatorPage, **ERRORS}, summary="Scorecard")
    @scope_required(READ)
    def indicators(request: HttpRequest, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
        """Every active indicator with its latest value and early-warning reading."""
        rows: list[ScorecardRow] = scorecard_rows_for_key()
        return page_of(
            rows, limit=limit, offset=offset, item=lambda row: _summary(row.indicator, row.reading)
        )

    @router.get(
        "/indicators/{code}",
        response={200: SeriesOut, 404: ErrorOut, **ERRORS},
        summary="One series",
    )
    @scope_required(READ)
    def indicator(request: HttpRequest, code: str) -> dict[str, Any]:
        """One indicator's series, point by point, read as an XmR chart."""
        found = Indicator.objects.filter(code=code, active=True).first()
        if found is None:
            raise Http404
        observations = list(found.observations.order_by("period_start"))
        reading = reading_of(found, observations)
        result = reading.result
        points = []
        for index, observation in enumerate(observations):
            point = result.points[index] if result else None
            points.append(
                {
                    "period": periods.short(observation.period_start),
                    "value": float(observation.value),
                    "mean": point.mean if point else None,
                    "lower_limit": point.lower_limit if point else None,
                    "upper_limit": point.upper_limit if point else None,
                    "special_cause": str(point.special_cause) if point else None,
                    "variation": str(point.variation) if point else None,
                }
            )
        return {
            **_summary(found, reading),
            "trial_limits": bool(result and result.trial_limits),
            "notes": list(reading.notes),
            "points": points,
        }

    @router.post("/returns", response={200: ReturnOut, **WRITE_ERRORS}, summary="Send values")
    @scope_required(SUBMIT)
    def send_returns(request: HttpRequest, payload: ReturnIn) -> dict[str, Any]:
        """Values with their narratives, for indicators the key's organisation owns."""
        key: ApiKey = request.auth  # type: ignore[attr-defined]
        rows = [
            ReturnRow(i, v.indicator, v.period, v.value, v.narrative)
            for i, v in enumerate(payload.values)
        ]
        try:
            saved = observations_import(actor=None, rows=rows, api_key=key)
        except ImportRefused as refused:
            # Someone else's indicator is a refused attempt, audited like a read (DESIGN.md 3);
            # recorded here, after the import's transaction has rolled back.
            for error in refused.errors:
                if error.reason == NOT_YOURS and 0 <= error.line < len(payload.values):
                    audit.record(
                        action=AuditAction.DENIED,
                        record_type="performance.indicator",
                        record_id=payload.values[error.line].indicator,
                        actor=None,
                    )
            fields: dict[str, list[str]] = {}
            for error in refused.errors:
                fields.setdefault(f"values.{error.line}.{error.column}", []).append(error.reason)
            raise ValidationError(fields) from None
        return {"saved": saved}

    return router


def install(api: NinjaAPI) -> None:
    api.add_router("/performance/", build_router())
