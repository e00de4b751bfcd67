"""The gateway's app factory (``uvicorn gateway.app:create_app --factory``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from gateway import login, proxy, readiness, service_tokens
from gateway.config import GatewaySettings
from shared.auth import TokenCodec
from shared.web import REQUEST_ID_HEADER
from shared.web import create_app as create_service_app

DESCRIPTION = (
    "The one door to the sales-team services. Log in at `/auth/login`, then call "
    "`/api/<service>/<path>` with the bearer token; each service's own API is described at "
    "`/api/<service>/openapi.json` (listed at `/openapi/services`). A telephony system exchanges its "
    "service account's client credentials at `/auth/token` for a short-lived token limited to call intake."
)


def create_app(settings: GatewaySettings | None = None, transport: httpx.AsyncBaseTransport | None = None) -> FastAPI:
    """Build the gateway. ``transport`` replaces the network in tests (httpx.MockTransport, ASGITransport)."""
    settings = settings or GatewaySettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        timeout = httpx.Timeout(settings.upstream_timeout_seconds, connect=settings.connect_timeout_seconds)
        # trust_env=False: the services are internal, no proxy from the environment belongs in between.
        limits = httpx.Limits(keepalive_expiry=settings.upstream_keepalive_seconds)
        async with httpx.AsyncClient(transport=transport, timeout=timeout, limits=limits, trust_env=False,
                                     follow_redirects=False) as client:
            app.state.http_client = client
            yield

    app = create_service_app(title="Gateway", service=settings.service_name, description=DESCRIPTION,
                             routers=[login.router, service_tokens.router, proxy.router, readiness.router],
                             lifespan=lifespan,
                             # No database or broker here: the gateway is ready when its services are.
                             own_readiness=True, problem_type_base=settings.problem_type_base)

    app.state.settings = settings
    app.state.token_codec = TokenCodec.for_settings(settings)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_credentials=True,
        allow_methods=proxy.PROXIED_METHODS,
        allow_headers=["*"],
        expose_headers=[REQUEST_ID_HEADER],
    )
    return app
