"""Errors of the gateway's own: an upstream that failed to answer."""

from __future__ import annotations

from shared.errors import AppError


class BadGateway(AppError):
    """The upstream could not be reached or broke the exchange."""

    status, title, slug = 502, "Bad gateway", "bad-gateway"


class GatewayTimeout(AppError):
    """The upstream did not answer in time."""

    status, title, slug = 504, "Gateway timeout", "gateway-timeout"
