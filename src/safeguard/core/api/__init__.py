"""The kernel's part of the API: the error shape, its handlers, ``/whoami``, the organisations.

Every error, whoever raises it, leaves as
``{"error": {"code": ..., "message": ..., "fields": [{"field": ..., "message": ...}]}}``,
so a partner system needs one parser. Bad input is a 4xx with the field named, never a 500.
API keys, their scopes and the bearer authentication are in ``safeguard.core.api.auth``.
"""

import contextvars
import functools
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.urls import URLPattern, URLResolver, re_path
from ninja import NinjaAPI, Query, Router, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from safeguard.core import audit
from safeguard.core.api.auth import KeyRejected, ScopeMissing, scope_required
from safeguard.core.models import ApiKey
from safeguard.core.models.audit import AuditAction
from safeguard.core.models.organisations import OrganisationKind
from safeguard.core.selectors import apikeys as selectors

logger = logging.getLogger(__name__)


# --- the error shape ----------------------------------------------------------------------


class FieldError(Schema):
    field: str
    message: str


class ErrorBody(Schema):
    code: str
    message: str
    fields: list[FieldError] = []


class ErrorOut(Schema):
    """Every error response of the API."""

    error: ErrorBody


# Merge into a route's ``response=`` so the OpenAPI document describes its errors.
ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 422: ErrorOut}
# Routes that read a body can also answer 400 (a body that is not JSON).
WRITE_ERRORS: dict[int, type[Schema]] = {400: ErrorOut, **ERRORS}

_CODES = {
    400: "validation_error",
    401: "unauthorised",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    422: "validation_error",
    429: "too_many_requests",
}


def error_body(
    code: str, message: str, fields: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or []}}


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"query", "path", "header", "cookie", "form", "file"}:
        parts = parts[1:]
    elif parts and parts[0] == "body":
        # ("body", "<parameter>", "field", ...): the parameter's name means nothing to a caller.
        parts = parts[2:] if len(parts) > 2 else parts[1:]
    return ".".join(parts) or "body"


# --- handlers -----------------------------------------------------------------------------


def _handlers(api: NinjaAPI) -> dict[type[Exception], Callable[[HttpRequest, Any], HttpResponse]]:
    def respond(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
        return api.create_response(request, body, status=status)

    def ninja_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        fields = [
            {"field": _field_name(e.get("loc", ())), "message": str(e.get("msg", "Invalid"))}
            for e in exc.errors
        ]
        return respond(request, 422, error_body("validation_error", "Check the fields.", fields))

    def django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            fields = [
                {"field": "" if name == "__all__" else name, "message": message}
                for name, messages in exc.message_dict.items()
                for message in messages
            ]
        else:
            fields = [{"field": "", "message": message} for message in exc.messages]
        return respond(request, 422, error_body("validation_error", "Check the fields.", fields))

    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        detail = f"needs scope {exc.scope}" if isinstance(exc, ScopeMissing) else "forbidden"
        audit.record(action=AuditAction.DENIED, record_type="api", detail=detail)
        message = str(exc) if isinstance(exc, ScopeMissing) else "This API key may not do that."
        return respond(request, 403, error_body("forbidden", message))

    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, error_body("not_found", "There is no such record."))

    def unauthorised(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        if not isinstance(exc, KeyRejected):
            exc = KeyRejected("missing")  # not reached: ApiKeyAuth always raises its own
        response = respond(request, 401, error_body("unauthorised", exc.message))
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = _CODES.get(exc.status_code, "error")
        if exc.status_code == 400 and exc.message.startswith("Cannot parse request body"):
            # Ninja's own 400 for a body that is not JSON; other 400s keep their message.
            message = "The request body could not be read as JSON."
            fields = [{"field": "body", "message": message}]
            return respond(request, 400, error_body(code, message, fields))
        return respond(request, exc.status_code, error_body(code, exc.message))

    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error on %s", request.path)
        return respond(request, 500, error_body("server_error", "Something went wrong."))

    return {
        NinjaValidationError: ninja_validation,
        DjangoValidationError: django_validation,
        PermissionDenied: forbidden,
        Http404: not_found,
        AuthenticationError: unauthorised,
        HttpError: http_error,
        Exception: server_error,
    }


def _json_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return JsonResponse(error_body("not_found", "There is no such API route."), status=404)


class SafeguardAPI(NinjaAPI):
    """NinjaAPI with two guarantees the kernel relies on.

    Each view runs in its own copy of the context, so the API key id set by authentication
    ends with the request instead of leaking into the next one served by the same thread; and
    unknown paths under the API answer in the JSON error shape, not an HTML page.
    """

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                if pattern.name == "api-root":
                    pattern.callback = _json_not_found
                else:
                    pattern.callback = _isolated(pattern.callback)
        urls.append(re_path(r"^.*$", _json_not_found))
        return urls


def _isolated(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = contextvars.copy_context().run(view, request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            # Ninja answers a wrong method itself, in plain text; keep the one error shape.
            allowed = response["Allow"]
            response = JsonResponse(error_body("method_not_allowed", f"Use {allowed}."), status=405)
            response["Allow"] = allowed
        return response

    return wrapped


# --- kernel routes ------------------------------------------------------------------------

router = Router(tags=["kernel"])


class OrganisationRef(Schema):
    id: int
    name: str


class WhoAmIOut(Schema):
    organisation: OrganisationRef
    key_name: str
    key_prefix: str
    scopes: list[str]
    expires_at: datetime | None


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    urn: str
    statutory_partner: bool
    active: bool


class OrganisationPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[OrganisationOut]


@router.get("/whoami", response={200: WhoAmIOut, **ERRORS}, summary="The calling key")
def whoami(request: HttpRequest) -> dict[str, Any]:
    """Which organisation and key the request authenticated as, and the key's scopes."""
    key: ApiKey = request.auth  # type: ignore[attr-defined]
    return {
        "organisation": {"id": key.organisation_id, "name": key.organisation.name},
        "key_name": key.name,
        "key_prefix": key.prefix,
        "scopes": sorted(key.scopes),
        "expires_at": key.expires_at,
    }


MAX_LIMIT = 200


@router.get("/organisations", response={200: OrganisationPage, **ERRORS}, summary="Organisations")
@scope_required("partnership:read")
def organisations(
    request: HttpRequest,
    kind: Annotated[
        OrganisationKind | None, Query(description="Only organisations of this kind")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size")] = 50,
    offset: Annotated[int, Query(ge=0, description="Rows to skip")] = 0,
) -> dict[str, Any]:
    """The partnership's organisations, by name, a page at a time (``count`` is the total)."""
    rows = selectors.organisations_for_key(key=request.auth, kind=kind)  # type: ignore[attr-defined]
    return {
        "count": rows.count(),
        "limit": limit,
        "offset": offset,
        "items": list(rows[offset : offset + limit]),
    }


@router.get(
    "/organisations/{organisation_id}",
    response={200: OrganisationOut, 404: ErrorOut, **ERRORS},
    summary="One organisation",
)
@scope_required("partnership:read")
def organisation(request: HttpRequest, organisation_id: int) -> Any:
    rows = selectors.organisations_for_key(key=request.auth)  # type: ignore[attr-defined]
    found = rows.filter(pk=organisation_id).first()
    if found is None:
        raise Http404
    return found


def install(api: NinjaAPI) -> None:
    for exc_class, handler in _handlers(api).items():
        api.add_exception_handler(exc_class, handler)
    api.add_router("/", router)
