"""Fixtures for the gateway's tests: its settings, and a fake network standing in for the services."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx
import pytest

from devstack.pytest_plugin import asgi_client
from gateway.app import create_app
from gateway.config import GatewaySettings
from shared.auth import TokenCodec


@pytest.fixture
def settings() -> GatewaySettings:
    return GatewaySettings(
        environment="test",
        jwt_secret="a-test-secret-that-is-long-enough-0123456789",
        services={"org": "http://org.test", "crm": "http://crm.test/", "telesales": "http://telesales.test"},
        cors_origins=["http://frontend.test"],
        upstream_timeout_seconds=2,
        readiness_timeout_seconds=0.5,
    )


@pytest.fixture
def codec(settings: GatewaySettings) -> TokenCodec:
    return TokenCodec(settings.jwt_secret, settings.jwt_issuer, settings.jwt_ttl_seconds)


class FakeNetwork:
    """Every service at once: records what reaches it and answers with ``reply(request)``."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.reply: Callable[[httpx.Request], object] = lambda request: httpx.Response(200, json={})

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.reply(request)
        if hasattr(answer, "__await__"):
            answer = await answer
        # As from a real transport: the body still to be read (httpx reads a Response(content=…) at once).
        return httpx.Response(answer.status_code, headers=answer.headers.raw, stream=httpx.ByteStream(answer.content))

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)


@pytest.fixture
def network() -> FakeNetwork:
    return FakeNetwork()


@pytest.fixture
def gateway(settings: GatewaySettings, network: FakeNetwork
            ) -> Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]:
    """``async with gateway() as client``: a client of a gateway whose services are ``network``."""

    @asynccontextmanager
    async def open_gateway(**overrides) -> AsyncIterator[httpx.AsyncClient]:
        app = create_app(settings.model_copy(update=overrides), transport=network.transport)
        async with asgi_client(app) as client:
            yield client

    return open_gateway
