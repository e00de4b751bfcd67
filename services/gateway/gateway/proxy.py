"""``/api/<service>/<path>``: forward the request to the service and pass its answer back as it is."""

from __future__ import annotations

import asyncio
import posixpath
from collections.abc import Iterable
from urllib.parse import quote, unquote

import httpx
from fastapi import APIRouter, Request, Response

from gateway.deps import ClientDep, RequestIdDep, SettingsDep
from gateway.errors import BadGateway, GatewayTimeout
from shared.errors import NotFound
from shared.web import REQUEST_ID_HEADER

router = APIRouter()

RawHeaders = list[tuple[bytes, bytes]]

# RFC 9110 §7.6.1: meant for one connection only, never forwarded.
HOP_BY_HOP = frozenset({
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
    "te", "trailer", "trailers", "transfer-encoding", "upgrade",
})
# Recomputed for the next hop: httpx sets host and content-length for the upstream request,
# the gateway's server sets content-length, date and server on the response.
NOT_FORWARDED_REQUEST = frozenset({"host", "content-length"})
NOT_PASSED_BACK_RESPONSE = frozenset({"content-length", "date", "server"})

PROXIED_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"]
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})  # RFC 9110 §9.2.1: no effect on the service
STALE_CONNECTION_ERRORS = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)


def end_to_end_headers(raw: Iterable[tuple[bytes, bytes]], also_drop: Iterable[str] = ()) -> RawHeaders:
    """The headers of ``raw`` that may go on to the next hop (hop-by-hop ones and ``also_drop`` removed)."""
    raw = list(raw)
    # A Connection header names further headers that are hop-by-hop for this connection.
    named = {
        token.strip().lower()
        for name, value in raw if name.lower() == b"connection"
        for token in value.decode("latin-1").split(",")
    }
    drop = HOP_BY_HOP | named | set(also_drop)
    return [(name.lower(), value) for name, value in raw if name.decode("latin-1").lower() not in drop]


def upstream_path(request: Request, service: str, path: str) -> str:
    """The path to ask the service for, percent-encoding kept as the client sent it."""
    raw = request.scope.get("raw_path")
    prefix = f"/api/{service}/".encode()
    if raw and raw.startswith(prefix):
        return raw[len(prefix) - 1:].decode("latin-1")
    return "/" + quote(path)


def is_internal(path: str) -> bool:
    """``/internal/…`` is for calls between services; people never reach it through the gateway."""
    normalised = posixpath.normpath("/" + unquote(path).lstrip("/"))
    return normalised == "/internal" or normalised.startswith("/internal/")


def base_url(services: dict[str, str], service: str) -> str:
    try:
        return services[service]
    except KeyError:
        raise NotFound(f"there is no service named {service!r}", services=sorted(services)) from None


async def forward(service: str, path: str, request: Request, settings: SettingsDep, client: ClientDep,
                  request_id: RequestIdDep) -> Response:
    """Forward the request to the named service; its status, headers and body come back as they are."""
    base = base_url(settings.services, service)
    target = upstream_path(request, service, path)
    if is_internal(target):
        raise NotFound(f"no route {target!r} on {service}")
    if request.url.query:
        target = f"{target}?{request.url.query}"

    headers = httpx.Headers(end_to_end_headers(request.headers.raw, also_drop=NOT_FORWARDED_REQUEST))
    headers[REQUEST_ID_HEADER] = request_id
    client_host = request.client.host if request.client else "unknown"
    headers["X-Forwarded-For"] = ", ".join(filter(None, [headers.get("X-Forwarded-For"), client_host]))
    headers["X-Forwarded-Proto"] = request.url.scheme
    # The body goes back still encoded; without this, httpx would ask for gzip the client may not read.
    headers.setdefault("Accept-Encoding", "identity")

    content = await request.body()
    # A safe request may go twice: the first try can meet a pooled connection the service has just
    # closed. Anything else is never resent, as the service may have acted on it.
    tries = 2 if request.method in SAFE_METHODS else 1
    within_seconds = settings.timeout_for(service, path)
    try:
        async with asyncio.timeout(within_seconds):
            for attempt in range(1, tries + 1):
                outgoing = client.build_request(request.method, base + target, headers=headers, content=content)
                try:
                    upstream = await client.send(outgoing, stream=True)
                    try:
                        body = b"".join([chunk async for chunk in upstream.aiter_raw()])
                    finally:
                        await upstream.aclose()
                    break
                except STALE_CONNECTION_ERRORS:
                    if attempt == tries:
                        raise
    except (httpx.TimeoutException, TimeoutError) as error:
        raise GatewayTimeout(f"{service} did not answer within {within_seconds:g}s",
                             service=service) from error
    except httpx.TransportError as error:
        raise BadGateway(f"the exchange with {service} failed ({type(error).__name__})", service=service) from error

    response = Response(content=body, status_code=upstream.status_code)
    # Starlette has set content-length for the body as sent; every other header is the upstream's.
    response.raw_headers = [
        *end_to_end_headers(upstream.headers.raw, also_drop=NOT_PASSED_BACK_RESPONSE),
        *response.raw_headers,
    ]
    return response


# One route per method, so that each has its own operation in the gateway's OpenAPI document.
for _method in PROXIED_METHODS:
    router.add_api_route("/api/{service}/{path:path}", forward, methods=[_method], tags=["routing"],
                         name=f"forward_{_method.lower()}", operation_id=f"forward_{_method.lower()}")


@router.get("/openapi/services", tags=["documentation"])
async def service_documents(settings: SettingsDep) -> list[dict[str, str]]:
    """Where each service's OpenAPI document can be read through the gateway."""
    return [
        {"service": name, "openapi_url": f"/api/{name}/openapi.json"}
        for name in sorted(settings.services)
    ]
