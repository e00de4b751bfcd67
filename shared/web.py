"""The app factory every HTTP service uses: health, readiness, metrics, request ids, and
RFC 9457 problem+json for every error."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from shared.errors import AppError
from shared.logs import request_id_var

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
REQUEST_ID_HEADER = "X-Request-ID"

ReadinessCheck = Callable[[], Awaitable[None]]


def problem(status: int, title: str, detail: str | None = None, *, type_: str = "about:blank",
            instance: str | None = None, headers: dict | None = None, **extra: Any) -> JSONResponse:
    body: dict[str, Any] = {"type": type_, "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if instance:
        body["instance"] = instance
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _field_path(location: Sequence[Any]) -> str:
    parts = [str(part) for part in location]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie"}:
        parts = parts[1:] or parts
    return ".".join(parts)


DEFAULT_PROBLEM_TYPE_BASE = "https://errors.salesteam.internal/"


def install_problem_handlers(app: FastAPI, type_base: str = DEFAULT_PROBLEM_TYPE_BASE) -> None:
    @app.exception_handler(AppError)
    async def app_error(request: Request, error: AppError) -> JSONResponse:
        return problem(error.status, error.title, error.detail, type_=error.type_uri(type_base),
                       instance=request.url.path, **error.extra)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": _field_path(item.get("loc", ())), "reason": item.get("msg", "invalid"),
             "location": str(item.get("loc", ("body",))[0])}
            for item in error.errors()
        ]
        names = ", ".join(sorted({e["field"] for e in errors}))
        return problem(422, "Invalid request", f"invalid fields: {names}",
                       type_=f"{type_base}validation", instance=request.url.path,
                       errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        headers = getattr(error, "headers", None)
        if error.status_code == 405:
            headers = {**(headers or {}), "Allow": ", ".join(allowed_methods(request))}
        return problem(error.status_code, _reason(error.status_code), str(error.detail),
                       instance=request.url.path, headers=headers)

    @app.exception_handler(DBAPIError)
    async def database_error(request: Request, error: DBAPIError) -> JSONResponse:
        if getattr(error.orig, "sqlstate", None) in UNSTORABLE_TEXT:
            # Text the database cannot hold (a NUL byte) that no schema refused: the client's input.
            return problem(422, "Invalid input", "a text value holds a character that cannot be stored (NUL)",
                           type_=f"{type_base}invalid-input", instance=request.url.path,
                           errors=[{"field": "body", "reason": "contains a NUL character"}])
        return await unexpected(request, error)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        # A bug, not a client mistake: log it whole and say no more than that.
        log.exception("unhandled error")
        return problem(500, "Internal error", "an unexpected error occurred; it has been logged",
                       instance=request.url.path, request_id=request_id_var.get())


HTTP_METHODS = ("DELETE", "GET", "HEAD", "PATCH", "POST", "PUT")


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path. Starlette's 405 names only the first route
    that matched the path, and one path often has a route per method; asking each route whether
    it fully matches each method also sees through included routers."""
    return [method for method in HTTP_METHODS
            if any(route.matches({**request.scope, "method": method})[0] == Match.FULL
                   for route in request.app.router.routes)]


# PostgreSQL's character_not_in_repertoire and untranslatable_character: a NUL byte in text.
UNSTORABLE_TEXT = {"22021", "22P05"}


def nul_in_address(request: Request, type_base: str) -> JSONResponse | None:
    """422 for a NUL byte in the path or the query: no identifier or filter holds one, and the
    database would refuse it with an error that is not the client's to read."""
    location = ("path" if "\x00" in request.url.path
                else "query" if b"%00" in request.scope.get("query_string", b"") else None)
    if location is None:
        return None
    return problem(422, "Invalid input", f"the {location} holds a NUL character", type_=f"{type_base}invalid-input",
                   instance=request.url.path.replace("\x00", "%00"),
                   errors=[{"field": location, "reason": "contains a NUL character", "location": location}])


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


class Metrics:
    def __init__(self, service: str) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("http_requests_total", "HTTP requests", ["service", "method", "route", "status"],
                                registry=self.registry)
        self.latency = Histogram("http_request_duration_seconds", "HTTP request latency",
                                 ["service", "method", "route"], registry=self.registry)
        self.service = service


def create_app(
    *,
    title: str,
    service: str,
    routers: Sequence[APIRouter] = (),
    readiness_checks: dict[str, ReadinessCheck] | None = None,
    lifespan: Callable[[FastAPI], Any] | None = None,
    version: str = "1.0.0",
    description: str = "",
    own_readiness: bool = False,
    problem_type_base: str = DEFAULT_PROBLEM_TYPE_BASE,
) -> FastAPI:
    """``own_readiness``: the caller serves its own ``/readyz`` (the gateway's is its services')."""
    metrics = Metrics(service)

    @asynccontextmanager
    async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
        if lifespan is None:
            yield
        else:
            async with lifespan(app):
                yield

    app = FastAPI(title=title, version=version, description=description, lifespan=_lifespan)
    app.state.metrics = metrics
    app.state.readiness_checks = dict(readiness_checks or {})
    install_problem_handlers(app, problem_type_base)

    @app.middleware("http")
    async def request_context(request: Request, call_next):
        request_id = request.headers.get(REQUEST_ID_HEADER) or uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            refused = nul_in_address(request, problem_type_base)
            response = refused or await call_next(request)
        finally:
            request_id_var.reset(token)
        route = request.scope.get("route")
        route_path = getattr(route, "path", "unmatched")
        metrics.requests.labels(service, request.method, route_path, str(response.status_code)).inc()
        metrics.latency.labels(service, request.method, route_path).observe(time.perf_counter() - started)
        response.headers[REQUEST_ID_HEADER] = request_id
        return response

    @app.get("/healthz", tags=["operations"])
    async def healthz() -> dict:
        """Liveness: the process answers."""
        return {"status": "ok", "service": service}

    if not own_readiness:

        @app.get("/readyz", tags=["operations"],
                 responses={503: {"description": "A dependency (database, broker) does not answer"}})
        async def readyz(request: Request) -> Response:
            """Readiness: every dependency (database, broker) is reachable."""
            results = await run_checks(request.app.state.readiness_checks)
            ready = all(result == "ok" for result in results.values())
            return JSONResponse({"status": "ready" if ready else "not ready", "service": service,
                                 "checks": results}, status_code=200 if ready else 503)

    @app.get("/metrics", tags=["operations"], include_in_schema=False)
    async def metrics_endpoint() -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    for router in routers:
        app.include_router(router)
    from shared.openapi import install_problem_documentation  # it builds on this module

    install_problem_documentation(app)
    return app


async def run_checks(checks: dict[str, ReadinessCheck], limit_seconds: float = 2.0) -> dict[str, str]:
    async def one(check: ReadinessCheck) -> str:
        try:
            await asyncio.wait_for(check(), limit_seconds)
            return "ok"
        except Exception as error:  # a readiness probe reports any failure, it never raises
            return f"failed: {type(error).__name__}: {error}"[:300]

    names = list(checks)
    outcomes = await asyncio.gather(*(one(checks[name]) for name in names))
    return dict(zip(names, outcomes, strict=True))


def database_check(engine) -> ReadinessCheck:
    async def check() -> None:
        from sqlalchemy import text

        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    return check


def broker_check(bootstrap_servers: str) -> ReadinessCheck:
    async def check() -> None:
        host, _, port = bootstrap_servers.split(",")[0].rpartition(":")
        _, writer = await asyncio.open_connection(host or "127.0.0.1", int(port))
        writer.close()
        await writer.wait_closed()

    return check
