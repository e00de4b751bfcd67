"""``/readyz``: the gateway is ready when every service it routes to is."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from fastapi import APIRouter
from fastapi.responses import JSONResponse

from gateway.deps import ClientDep, RequestIdDep, SettingsDep
from shared.web import REQUEST_ID_HEADER

router = APIRouter(tags=["operations"])


async def service_readiness(client: httpx.AsyncClient, url: str, within_seconds: float,
                            request_id: str) -> dict[str, Any]:
    """One service's readiness, as reported by its own ``/readyz``; never raises."""
    try:
        async with asyncio.timeout(within_seconds):
            answer = await client.get(f"{url}/readyz", timeout=within_seconds, headers={REQUEST_ID_HEADER: request_id})
    except (httpx.TimeoutException, TimeoutError):
        return {"status": "unreachable", "detail": f"no answer within {within_seconds:g}s"}
    except httpx.TransportError as error:
        return {"status": "unreachable", "detail": f"{type(error).__name__}: {error}"[:300]}
    if answer.status_code == 200:
        return {"status": "ready"}
    try:
        checks = answer.json().get("checks")
    except (ValueError, AttributeError):
        checks = None
    return {"status": "not ready", "http_status": answer.status_code, "checks": checks}


@router.get("/readyz")
async def readyz(settings: SettingsDep, client: ClientDep, request_id: RequestIdDep) -> JSONResponse:
    """Readiness: every service behind the gateway answers its own readiness check."""
    names = sorted(settings.services)
    results = await asyncio.gather(*(
        service_readiness(client, settings.services[name], settings.readiness_timeout_seconds, request_id)
        for name in names
    ))
    services = dict(zip(names, results, strict=True))
    ready = all(result["status"] == "ready" for result in results)
    return JSONResponse({"status": "ready" if ready else "not ready", "service": "gateway", "services": services},
                        status_code=200 if ready else 503)
