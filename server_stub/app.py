"""The HTTP face of the central service: ``create_app(settings) -> FastAPI``.

Endpoints (all JSON; every error is an :class:`~sync.protocol.ErrorBody`):

=======  ==============================  ==========================================
POST     /v1/sync                        push then pull in one round trip
POST     /v1/push                        push only
GET      /v1/pull?since=&limit=&replica_id=   one page of the change feed
GET      /v1/records/{id}/history        who changed what (404 outside the token's reach)
GET      /v1/offices                     every office's sync status (headquarters only)
GET      /v1/whoami                      the token's office and role
GET      /v1/health                      liveness, server id and time (no token)
=======  ==============================  ==========================================

Request bodies are read by :class:`~server_stub.limits.BodyLimitMiddleware` (bounded, gzip
undone), parsed here with orjson, checked for ``schema_version`` *before* validation (an old
client gets 426 "please upgrade", not a 422 about fields it cannot know), validated with the
protocol models and handled in a worker thread.  Responses are built as bytes by the service.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import orjson
import pydantic
from fastapi import Depends, FastAPI, Path, Query, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.security import HTTPBearer
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from domain.errors import SotayError
from domain.i18n import load_catalogues
from server_stub import __version__, wire
from server_stub.auth import Principal, bearer
from server_stub.compression import CompressionMiddleware
from server_stub.db import Database
from server_stub.errors import HttpError, Invalid, NotFoundError
from server_stub.limits import BodyLimitMiddleware, Limiter, RateLimitMiddleware
from server_stub.logs import AccessLogMiddleware
from server_stub.service import Service
from server_stub.settings import ServerSettings
from sync.protocol import (
    MAX_ID_LENGTH,
    MAX_PULL_LIMIT,
    MAX_SEQ,
    SCHEMA_VERSION,
    ErrorBody,
    Health,
    HistoryEntry,
    OfficeStatus,
    PullResponse,
    PushRequest,
    PushResponse,
    SyncRequest,
    SyncResponse,
    Whoami,
)

JSON = "application/json"
_DESCRIPTION = (
    "The central service of Sổ tay: offices push their changes and pull what they may read. "
    "Authenticate with `Authorization: Bearer st_…`; every error is an `ErrorBody` with a "
    "Vietnamese `message` and an English `message_en`. Request bodies may be gzip-compressed."
)
_bearer = HTTPBearer(auto_error=False, description="Bearer st_… (from `sotay-server token create`)")
_MAX_DETAIL_ERRORS = 20
_Body = TypeVar("_Body", SyncRequest, PushRequest)


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


_COMMON: dict[int | str, dict[str, Any]] = {
    401: _error("No token, or an unknown, revoked or expired one"),
    422: _error("The request does not match the protocol"),
    429: {
        **_error(
            "This token (or address) has spent its request, op or byte budget, or "
            "has too many requests in flight"
        ),
        "headers": {
            "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}
        },
    },
    500: _error("Unexpected server error (no details leak)"),
}
_BODY: dict[int | str, dict[str, Any]] = {
    **_COMMON,
    400: _error("Malformed JSON or gzip"),
    413: _error("Request body too large (on the wire or decompressed)"),
    426: _error("schema_version mismatch: please upgrade Sổ tay"),
}
_FEED: dict[int | str, dict[str, Any]] = {
    409: _error("since_tag does not match this server's feed (restored from a backup)")
}


def _body_spec(model: str) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {JSON: {"schema": {"$ref": f"#/components/schemas/{model}"}}},
        }
    }


def _json(data: bytes, status: int = 200) -> Response:
    return Response(content=data, status_code=status, media_type=JSON)


def _detail(exc: pydantic.ValidationError | RequestValidationError) -> list[dict[str, Any]]:
    errors = exc.errors()
    return [
        {
            "loc": [str(p) for p in e.get("loc", ())],
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in errors[:_MAX_DETAIL_ERRORS]
    ]


def _enter(request: Request, service: Service, limiter: Limiter) -> Principal:
    """Authenticate the request (in the worker thread) and label its log line.

    A push was authenticated by the rate-limit layer before its body was read; any other
    request is here, and a token that works is remembered so that its next requests count
    against its own budget, not its address's."""
    known = getattr(request.state, "principal", None)
    if isinstance(known, Principal):
        return known
    header = request.headers.get("authorization")
    token = bearer(header)
    try:
        principal = service.principal(header)
    except HttpError:
        if token:
            limiter.forget(token)
        raise
    if token:
        limiter.remember(token, principal.token_id)
    request.state.office = principal.office
    request.state.token_id = principal.token_id
    return principal


def _install_handlers(app: FastAPI) -> None:
    async def on_http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HttpError)
        response = _json(orjson.dumps(exc.body()), exc.status)
        response.headers.update(exc.headers)
        return response

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return await on_http_error(request, Invalid(detail=_detail(exc)))

    async def on_starlette(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 404:
            error: HttpError = NotFoundError(detail=request.url.path[:200])
        elif exc.status_code == 405:
            error = HttpError("server.method_not_allowed", method=request.method)
            error.status = 405
        else:
            error = HttpError("server.bad_request", detail=str(exc.detail)[:200])
            error.status = exc.status_code
        error.headers.update(exc.headers or {})
        return await on_http_error(request, error)

    async def on_sotay(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SotayError)
        return await on_http_error(request, Invalid(exc.key, detail=exc.to_dict(), **exc.params))

    async def on_crash(request: Request, exc: Exception) -> Response:
        request_id = getattr(request.state, "request_id", "?")
        return await on_http_error(request, HttpError("server.internal", request_id=request_id))

    app.add_exception_handler(HttpError, on_http_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_starlette)
    app.add_exception_handler(SotayError, on_sotay)
    app.add_exception_handler(Exception, on_crash)


def _install_openapi(app: FastAPI) -> None:
    """Add the request-body models (parsed by hand, so FastAPI does not see them).

    ``schema_version`` is documented as the one value this server accepts; any other number
    is answered with 426, which is the point of sending it.
    """

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = FastAPI.openapi(app)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (SyncRequest, PushRequest):
            body = model.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(body.pop("$defs", {}))
            body["properties"]["schema_version"] = {
                "type": "integer",
                "const": SCHEMA_VERSION,
                "title": "Schema Version",
                "description": "The protocol version; any other value gets 426.",
            }
            components[model.__name__] = body
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _only_query(*allowed: str) -> Any:
    """A dependency refusing unknown or repeated query parameters (422), as bodies refuse
    unknown keys: ``?since=1&since=9`` must not silently mean one of them."""

    async def check(request: Request) -> None:
        names = [name for name, _value in request.query_params.multi_items()]
        unknown = sorted(set(names) - set(allowed))
        repeated = sorted({name for name in names if names.count(name) > 1} - set(unknown))
        if unknown or repeated:
            raise Invalid(
                detail=[
                    *(
                        {
                            "loc": ["query", n],
                            "msg": "Unknown query parameter",
                            "type": "extra_forbidden",
                        }
                        for n in unknown[:20]
                    ),
                    *(
                        {"loc": ["query", n], "msg": "Repeated query parameter", "type": "repeated"}
                        for n in repeated[:20]
                    ),
                ]
            )

    return Depends(check)


def _routes(app: FastAPI, service: Service, limiter: Limiter) -> None:
    strict = _only_query()
    auth = [Security(_bearer), strict]

    def enter(request: Request) -> Principal:
        return _enter(request, service, limiter)

    def parse(body: bytes, who: Principal, *, sync: bool) -> wire.Batch:
        """The request, once its ops are paid for from the token's op budget (429 if not)."""
        batch = wire.parse(body, sync=sync)
        limiter.spend_ops(who, len(batch.ops))
        return batch

    @app.post(
        "/v1/sync",
        response_model=SyncResponse,
        responses={**_BODY, **_FEED},
        dependencies=auth,
        openapi_extra=_body_spec("SyncRequest"),
        summary="Push, then pull",
    )
    async def sync(request: Request) -> Response:
        body = await request.body()

        def work() -> bytes:
            who = enter(request)
            return limiter.spend_bytes(who, service.sync_json(who, parse(body, who, sync=True)))

        return _json(await run_in_threadpool(work))

    @app.post(
        "/v1/push",
        response_model=PushResponse,
        responses=_BODY,
        dependencies=auth,
        openapi_extra=_body_spec("PushRequest"),
        summary="Push ops",
    )
    async def push(request: Request) -> Response:
        body = await request.body()

        def work() -> bytes:
            who = enter(request)
            return service.push_json(who, parse(body, who, sync=False))

        return _json(await run_in_threadpool(work))

    @app.get(
        "/v1/pull",
        response_model=PullResponse,
        responses={**_COMMON, **_FEED},
        dependencies=[
            Security(_bearer),
            _only_query("since", "limit", "replica_id", "include_own", "since_tag"),
        ],
        summary="One page of the change feed",
    )
    def pull(
        request: Request,
        since: int = Query(0, ge=0, le=MAX_SEQ),
        limit: int | None = Query(None, ge=1, le=MAX_PULL_LIMIT),
        replica_id: str | None = Query(None, min_length=1, max_length=MAX_ID_LENGTH),
        include_own: bool = Query(False),
        since_tag: str | None = Query(None, min_length=1, max_length=MAX_ID_LENGTH),
    ) -> Response:
        who = enter(request)
        return _json(
            limiter.spend_bytes(
                who, service.pull_json(who, since, limit, replica_id, include_own, since_tag)
            )
        )

    @app.get(
        "/v1/records/{record_id}/history",
        response_model=list[HistoryEntry],
        responses={**_COMMON, 404: _error("No such record within the token's reach")},
        dependencies=auth,
        summary="A record's history",
    )
    def history(
        request: Request, record_id: str = Path(min_length=1, max_length=MAX_ID_LENGTH)
    ) -> Response:
        who = enter(request)
        return _json(orjson.dumps(service.history(who, record_id)))

    @app.get(
        "/v1/offices",
        response_model=list[OfficeStatus],
        responses={**_COMMON, 403: _error("Only headquarters tokens")},
        dependencies=auth,
        summary="Offices' sync status (headquarters)",
    )
    def offices(request: Request) -> Response:
        who = enter(request)
        return _json(orjson.dumps(service.offices(who)))

    @app.get(
        "/v1/whoami",
        response_model=Whoami,
        responses=_COMMON,
        dependencies=auth,
        summary="The token's office and role",
    )
    def whoami(request: Request) -> Response:
        who = enter(request)
        return _json(orjson.dumps({"office": who.office, "role": who.role}))

    @app.get(
        "/v1/health",
        response_model=Health,
        responses={422: _COMMON[422], 429: _COMMON[429]},
        dependencies=[strict],
        summary="Liveness",
    )
    def health() -> Response:
        return _json(service.health_json(__version__))


def create_app(settings: ServerSettings | None = None, *, db: Database | None = None) -> FastAPI:
    """Build the service: ``settings`` default to ``ServerSettings()`` (environment);
    ``db`` lets a caller share an open :class:`~server_stub.db.Database` (tests, CLI)."""
    load_catalogues("server_stub")
    settings = settings or ServerSettings()
    own_db = db is None
    database = db or Database(
        settings.db, synchronous=settings.synchronous, pool_size=settings.db_pool_size
    )
    service = Service(database, settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if own_db:
            database.close()

    app = FastAPI(
        title="Sổ tay central service",
        version=__version__,
        lifespan=lifespan,
        description=_DESCRIPTION,
        docs_url="/docs",
        redoc_url=None,
    )
    limiter = Limiter(
        rate=settings.rate,
        burst=settings.burst,
        ops_rate=settings.ops_rate,
        ops_burst=settings.ops_burst,
        bytes_rate=settings.bytes_rate,
        bytes_burst=settings.bytes_burst,
        max_inflight=settings.max_inflight,
        trusted_proxies=settings.trusted_proxies,
    )
    app.state.service = service
    app.state.settings = settings
    app.state.limiter = limiter
    _install_handlers(app)
    _routes(app, service, limiter)
    _install_openapi(app)

    async def authenticate(header: str | None) -> Principal:
        return await run_in_threadpool(service.principal, header)

    # Last added = outermost: logs ⟶ rate limit ⟶ body limit ⟶ compression ⟶ routes.
    app.add_middleware(CompressionMiddleware, minimum_size=1024)
    app.add_middleware(
        BodyLimitMiddleware,
        max_body_bytes=settings.max_body_bytes,
        max_decompressed_bytes=settings.max_decompressed_bytes,
        limiter=limiter,
        inflate_seconds=settings.inflate_seconds,
    )
    app.add_middleware(RateLimitMiddleware, limiter=limiter, authenticate=authenticate)
    app.add_middleware(AccessLogMiddleware)
    return app
