"""The kernel's part of the API: the error shape, its handlers, ``/whoami``, the organisations.

Every error, whoever raises it, leaves as
``{"error": {"code": ..., "message": ..., "fields": [{"field": ..., "message": ...}]}}``,
so a partner system needs one parser. Bad input is a 4xx with the field named, never a 500.
API keys, their scopes and the bearer authentication are in ``safeguard.core.api.auth``.
"""

import contextvars
import functools
import json
import logging
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any, get_args

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.http.response import HttpResponseBase
from django.urls import URLPattern, URLResolver, re_path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Query, Router, Schema
from ninja.errors import AuthenticationError, ConfigError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.operation import Operation
from pydantic import BaseModel

from safeguard.core import audit
from safeguard.core.api.auth import KeyRejected, ScopeMissing, require_scope, scope_required
from safeguard.core.api.pages import Limit, Offset, Page, page_of
from safeguard.core.clock import HolidayDataExhausted
from safeguard.core.context import current_route
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
    413: "too_large",
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


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


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

    def too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        message = f"The request body is larger than the limit of {limit:,} bytes."
        fields = [{"field": "body", "message": message}]
        return respond(request, 413, error_body("too_large", message, fields))

    def out_of_range(request: HttpRequest, exc: OverflowError) -> HttpResponse:
        # A date or number the schema allows but the calendar or the database cannot hold
        # (a deadline counted on from 31 December 9999, an id past 64 bits).
        message = "A date or number is out of range."
        return respond(request, 422, error_body("validation_error", message))

    def outside_calendar(request: HttpRequest, exc: HolidayDataExhausted) -> HttpResponse:
        # A date sent that a working-day deadline cannot be counted from (the bank holiday
        # data has limits): the caller's date is out of range, not the server broken.
        logger.warning("API: a date outside the bank holiday data on %s", request.path)
        message = (
            f"Dates must be between {_day(exc.covers_from)} and {_day(exc.covers_until)}, "
            "the years whose bank holidays are known."
        )
        return respond(request, 422, error_body("validation_error", message))

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
        RequestDataTooBig: too_large,
        OverflowError: out_of_range,
        HolidayDataExhausted: outside_calendar,
        Exception: server_error,
    }


JSON = "application/json; charset=utf-8"  # what Ninja's own answers carry


@csrf_exempt  # a partner system sends no CSRF token; without this a POST got Django's HTML 403
def json_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Any method, any path under ``/api/`` that names no route: 404 in the error shape."""
    body = error_body("not_found", "There is no such API route.")
    return JsonResponse(body, status=404, content_type=JSON)


class SafeguardAPI(NinjaAPI):
    """NinjaAPI with the guarantees the kernel relies on, given to every route of every module.

    Each view runs in its own copy of the context, so the API key id set by authentication
    ends with the request instead of leaking into the next one served by the same thread.
    Each operation is audited under its own name (``api:incident_statuses`` for the GET, not the
    name of the POST that shares its path, which is all the URL resolver knows). A route's
    scope (``scope_required``) is checked straight after the key, before its body or query is
    read, so a key without the scope learns nothing of the fields and leaves an audit row. And
    unknown paths under the API answer in the JSON error shape, not an HTML page.
    """

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                if pattern.name == "api-root":
                    pattern.callback = json_not_found
                else:
                    pattern.callback = _isolated(pattern.callback)
        for route, operation in self.operations():
            _guard(self, operation, route=route)
        clashes = schema_name_clashes(self)
        if clashes:
            # The OpenAPI document keys schemas by class name: a second class of the same name
            # silently replaces the first, and partners then build bodies the API refuses.
            raise ConfigError(f"Two API schemas share a name; rename one: {clashes}")
        urls.append(re_path(r"^.*$", json_not_found))
        return urls

    def operations(self) -> list[tuple[str, Operation]]:
        """Every operation with the route name its audit rows carry (``namespace:url_name``)."""
        found = []
        for bound in self._get_bound_routers():
            for path_view in bound.path_operations.values():
                for operation in path_view.operations:
                    name = getattr(operation, "url_name", "") or self.get_operation_url_name(
                        operation, router=bound.template
                    )
                    if bound.url_name_prefix:
                        name = f"{bound.url_name_prefix}_{name}"
                    found.append((f"{self.urls_namespace}:{name}", operation))
        return found


def schema_name_clashes(api: SafeguardAPI) -> dict[str, list[str]]:
    """Schema names used by more than one class in ``api``'s operations, with the classes."""
    seen: dict[type[BaseModel], None] = {}
    for _, operation in api.operations():
        # Ninja wraps each operation's parameters and responses in models of its own, with the
        # same names in every operation and never in the document: start from their fields.
        wrappers = [*operation.models, *operation.response_models.values()]
        for wrapper in wrappers:
            if isinstance(wrapper, type) and issubclass(wrapper, BaseModel):
                for field in wrapper.model_fields.values():
                    _collect(field.annotation, seen)
    by_name: dict[str, list[str]] = {}
    for model in seen:
        by_name.setdefault(model.__name__, []).append(f"{model.__module__}.{model.__qualname__}")
    return {name: sorted(found) for name, found in by_name.items() if len(found) > 1}


def _collect(annotation: Any, seen: dict[type[BaseModel], None]) -> None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return
        seen[annotation] = None
        for field in annotation.model_fields.values():
            _collect(field.annotation, seen)
    for argument in get_args(annotation):
        _collect(argument, seen)


def _guard(api: NinjaAPI, operation: Operation, *, route: str) -> None:
    """Name the operation in the audit trail, and check its scope before reading its input."""
    run, checks = operation.run, operation._run_checks
    scope: str | None = getattr(operation.view_func, "required_scope", None)

    def named_run(request: HttpRequest, **kwargs: Any) -> HttpResponseBase:
        token = current_route.set(route)
        try:
            return run(request, **kwargs)
        finally:
            current_route.reset(token)

    def scoped_checks(request: HttpRequest) -> HttpResponse | None:
        refused = checks(request)
        if refused is not None:
            return refused
        try:
            if scope is not None:
                require_scope(request, scope)
            where = _nul_in(request)
        except (ScopeMissing, RequestDataTooBig) as error:
            return api.on_exception(request, error)
        if where is not None:
            fields = [{"field": where, "message": "Must not contain the NUL character (0x00)"}]
            body = error_body("validation_error", "Check the fields.", fields)
            return api.create_response(request, body, status=422)
        return None

    operation.run = named_run  # type: ignore[method-assign]
    operation._run_checks = scoped_checks  # type: ignore[method-assign]


def _nul_in(request: HttpRequest) -> str | None:
    """Where the request carries a NUL character, if it does: PostgreSQL cannot store one in
    text, so it would fail deep in a query as a 500. Checked before any route reads its input."""
    if "\x00" in request.path:
        return "path"
    for name, values in request.GET.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            return name.replace("\x00", "") or "query"
    if request.method in {"POST", "PUT", "PATCH"} and request.body and b"\\u0000" in request.body:
        try:
            data = json.loads(request.body)
        except ValueError:
            return None  # not JSON: the route's parser answers 400
        return _nul_field(data, "")
    return None


def _nul_field(value: Any, where: str) -> str | None:
    if isinstance(value, str):
        return (where or "body") if "\x00" in value else None
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        here = f"{where}.{key}" if where else str(key)
        if "\x00" in str(key):
            return where or "body"
        found = _nul_field(item, here)
        if found is not None:
            return found
    return None


def _isolated(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = contextvars.copy_context().run(view, request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            # Ninja answers a wrong method itself, in plain text; keep the one error shape.
            allowed = response["Allow"]
            body = error_body("method_not_allowed", f"Use {allowed}.")
            response = JsonResponse(body, status=405, content_type=JSON)
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


class OrganisationPage(Page):
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


@router.get("/organisations", response={200: OrganisationPage, **ERRORS}, summary="Organisations")
@scope_required("partnership:read")
def organisations(
    request: HttpRequest,
    kind: Annotated[
        OrganisationKind | None, Query(description="Only organisations of this kind")
    ] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    """The partnership's organisations, by name, a page at a time (``count`` is the total)."""
    rows = selectors.organisations_for_key(key=request.auth, kind=kind)  # type: ignore[attr-defined]
    return page_of(rows, limit=limit, offset=offset)


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
