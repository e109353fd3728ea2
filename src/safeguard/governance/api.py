"""The action plan through the API: a partner system reads its organisation's actions and
reports their progress. A key acts as its organisation, on that organisation's actions only;
another organisation's action answers 404 and the attempt is audited.

Writes are idempotent: a progress update on the sender's reference (the same reference again
answers 200 with the first update), completion by being recordable once.
"""

from datetime import date
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, NinjaAPI, Router, Schema

from safeguard.core.api import ERRORS, WRITE_ERRORS, ErrorOut
from safeguard.core.api.auth import scope_required
from safeguard.core.api.pages import Limit, Offset, Page, page_of
from safeguard.core.clock import london_date
from safeguard.core.models import ApiKey
from safeguard.governance import rules, sources
from safeguard.governance.models import Action
from safeguard.governance.policies import SCOPE
from safeguard.governance.selectors import actions as selectors
from safeguard.governance.services import actions as services

router = Router(tags=["governance"])


class PlanProgressOut(Schema):
    on: date
    status: str
    text: str


class PlanActionOut(Schema):
    id: int
    title: str
    description: str
    source: str = Field(description="The kind of source, in words")
    source_title: str
    due_on: date
    status: Literal["not_started", "in_progress", "completed", "withdrawn"]
    overdue: bool
    completed_on: date | None
    withdrawn_on: date | None
    progress: list[PlanProgressOut]


class PlanActionPage(Page):
    items: list[PlanActionOut]


class PlanProgressIn(Schema):
    sender_reference: Annotated[
        str, Field(min_length=1, max_length=100, description="Your system's reference")
    ]
    text: Annotated[str, Field(min_length=1, description="The progress made")]
    status: Literal["not_started", "in_progress"] = "in_progress"
    on: date | None = Field(default=None, description="Today if not given")


class PlanCompletionIn(Schema):
    evidence: Annotated[str, Field(min_length=1, description="Evidence that it is complete")]
    evidence_of_impact: str = ""
    completed_on: date | None = Field(default=None, description="Today if not given")


def _key(request: HttpRequest) -> ApiKey:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _out(action: Action) -> dict[str, Any]:
    return {
        "id": action.pk,
        "title": action.title,
        "description": action.description,
        "source": sources.label(action.source_kind),
        "source_title": action.source_title,
        "due_on": action.due_on,
        "status": action.status,
        "overdue": rules.is_overdue(
            status=action.status, due_on=action.due_on, today=london_date(timezone.now())
        ),
        "completed_on": action.completed_on,
        "withdrawn_on": action.withdrawn_on,
        "progress": [
            {"on": p.on, "status": p.status, "text": p.text} for p in action.progress.all()
        ],
    }


def _own(request: HttpRequest, action_id: int) -> Action:
    return selectors.action_for(actor=_key(request), pk=action_id)


@router.get(
    "/actions",
    response={200: PlanActionPage, **ERRORS},
    summary="Your organisation's actions",
)
@scope_required(SCOPE)
def action_list(
    request: HttpRequest,
    limit: Limit = 50,
    offset: Offset = 0,
    status: Literal["open", "not_started", "in_progress", "completed", "withdrawn"] | None = None,
) -> dict[str, Any]:
    """Soonest due first; ``status=open`` for those not started or in progress."""
    found = selectors.visible_actions(_key(request)).prefetch_related("progress")
    if status == "open":
        found = found.filter(status__in=rules.OPEN_STATUSES)
    elif status:
        found = found.filter(status=status)
    return page_of(found.order_by("due_on", "pk"), limit=limit, offset=offset, item=_out)


@router.get(
    "/actions/{action_id}",
    response={200: PlanActionOut, 404: ErrorOut, **ERRORS},
    summary="One of your organisation's actions",
)
@scope_required(SCOPE)
def action_get(request: HttpRequest, action_id: int) -> dict[str, Any]:
    return _out(_own(request, action_id))


@router.post(
    "/actions/{action_id}/progress",
    response={200: PlanActionOut, 404: ErrorOut, **WRITE_ERRORS},
    summary="Report progress on one of your organisation's actions",
)
@scope_required(SCOPE)
def action_progress(
    request: HttpRequest, action_id: int, payload: PlanProgressIn
) -> dict[str, Any]:
    """Adds a dated note of progress and answers with the action; the same
    ``sender_reference`` again changes nothing. A completed or withdrawn action takes no more
    progress (422)."""
    action = _own(request, action_id)
    try:
        services.action_progress_add(actor=_key(request), action=action, **payload.dict())
    except PermissionDenied as error:
        raise Http404 from error
    return _out(Action.objects.get(pk=action.pk))


@router.post(
    "/actions/{action_id}/completion",
    response={200: PlanActionOut, 404: ErrorOut, **WRITE_ERRORS},
    summary="Complete one of your organisation's actions, with its evidence",
)
@scope_required(SCOPE)
def action_completion(
    request: HttpRequest, action_id: int, payload: PlanCompletionIn
) -> dict[str, Any]:
    """Completing an action again changes nothing and answers 200."""
    action = _own(request, action_id)
    if action.status != rules.COMPLETED:
        try:
            action = services.action_complete(actor=_key(request), action=action, **payload.dict())
        except PermissionDenied as error:
            raise Http404 from error
    return _out(Action.objects.get(pk=action.pk))


def install(api: NinjaAPI) -> None:
    api.add_router("/governance/", router)
