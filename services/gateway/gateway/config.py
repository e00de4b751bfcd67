"""Gateway settings: where the services are, how long to wait for them, who may call from a browser."""

from __future__ import annotations

import fnmatch

from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from shared.config import ServiceSettings

DEFAULT_SERVICES = {
    "org": "http://127.0.0.1:8001",
    "crm": "http://127.0.0.1:8002",
    "telesales": "http://127.0.0.1:8003",
    "appraisal": "http://127.0.0.1:8004",
    "payroll": "http://127.0.0.1:8005",
}


class GatewaySettings(ServiceSettings):
    """Env prefix ``GATEWAY_``; ``GATEWAY_SERVICES`` and ``GATEWAY_CORS_ORIGINS`` are JSON."""

    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore")

    service_name: str = "gateway"
    port: int = 8000
    # Access tokens are short-lived: a logout leaves the one in hand working at most this long.
    jwt_ttl_seconds: int = Field(900, ge=60)

    # Service-account tokens (POST /auth/token): short, so that a revoked account's token runs out soon.
    service_token_ttl_seconds: int = Field(300, ge=30, le=3600)
    # The service that keeps the service accounts and checks their credentials.
    service_accounts_service: str = "telesales"

    # Service name (the first path segment after /api/) -> base URL.
    services: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_SERVICES))
    cors_origins: list[str] = ["http://localhost:5173", "http://127.0.0.1:5173"]

    # httpx bounds each network step with these; the whole exchange with an upstream is also
    # bounded by upstream_timeout_seconds, so a slowly trickling upstream cannot hold a request.
    upstream_timeout_seconds: float = Field(10, gt=0)
    # Bulk work (file imports and exports, a period close, a pay run's recompute/what-if) grows with the
    # company, not with the request: it gets this longer bound. Patterns are fnmatch globs over
    # "<service>/<path>" (path without the leading slash; ``*`` also spans slashes), e.g.
    # "org/attendance/records/import".
    bulk_timeout_seconds: float = Field(120, gt=0)
    bulk_routes: list[str] = Field(default_factory=lambda: [
        "*/import", "*/export", "*/export/*", "*/export.*", "appraisal/periods/*/close",
        "payroll/runs/*/recompute", "payroll/what-ifs",
    ])
    connect_timeout_seconds: float = Field(2, gt=0)
    readiness_timeout_seconds: float = Field(2, gt=0)
    # Below uvicorn's 5 s keep-alive: a pooled connection is dropped here before the service can
    # close it under a request in flight (which answers ReadError, i.e. a spurious 502).
    upstream_keepalive_seconds: float = Field(2, gt=0)

    def timeout_for(self, service: str, path: str) -> float:
        route = f"{service}/{path.lstrip('/')}"
        if any(fnmatch.fnmatchcase(route, pattern) for pattern in self.bulk_routes):
            return max(self.bulk_timeout_seconds, self.upstream_timeout_seconds)
        return self.upstream_timeout_seconds

    @field_validator("services")
    @classmethod
    def _services_have_org(cls, services: dict[str, str]) -> dict[str, str]:
        if "org" not in services:
            raise ValueError("services must name the org service: login depends on it")
        return {name: url.rstrip("/") for name, url in services.items()}

    @field_validator("cors_origins")
    @classmethod
    def _no_wildcard_origin(cls, origins: list[str]) -> list[str]:
        # Credentials are allowed, so a wildcard would let any web site call the API as the user.
        if "*" in origins:
            raise ValueError("cors_origins must list origins; '*' is not allowed")
        return origins
