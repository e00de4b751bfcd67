"""FastAPI dependencies of the gateway, read from ``app.state`` (set up by :func:`gateway.app.create_app`)."""

from __future__ import annotations

import uuid
from typing import Annotated

import httpx
from fastapi import Depends, Request

from gateway.config import GatewaySettings
from shared.auth import TokenCodec
from shared.logs import request_id_var
from shared.web import REQUEST_ID_HEADER


def _settings(request: Request) -> GatewaySettings:
    return request.app.state.settings


def _client(request: Request) -> httpx.AsyncClient:
    return request.app.state.http_client


def _codec(request: Request) -> TokenCodec:
    return request.app.state.token_codec


def _request_id(request: Request) -> str:
    # The shared request middleware has set it; the fallbacks keep the gateway honest without it.
    return request_id_var.get() or request.headers.get(REQUEST_ID_HEADER) or uuid.uuid4().hex


SettingsDep = Annotated[GatewaySettings, Depends(_settings)]
ClientDep = Annotated[httpx.AsyncClient, Depends(_client)]
CodecDep = Annotated[TokenCodec, Depends(_codec)]
RequestIdDep = Annotated[str, Depends(_request_id)]
