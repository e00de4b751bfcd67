import asyncio

import httpx


def services_where(down: dict[str, object]):
    """Every service ready except those in ``down``: an exception to raise or a response to give."""

    async def reply(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/readyz"
        failure = down.get(request.url.host.removesuffix(".test"))
        if isinstance(failure, Exception):
            raise failure
        if failure == "slow":
            await asyncio.sleep(30)
        return failure or httpx.Response(200, json={"status": "ready", "checks": {"database": "ok"}})

    return reply


async def test_ready_when_every_service_is_ready(gateway, network):
    network.reply = services_where({})

    async with gateway() as client:
        response = await client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["services"] == {name: {"status": "ready"} for name in ("crm", "org", "telesales")}


async def test_not_ready_when_a_service_is_down_and_says_which(gateway, network):
    network.reply = services_where({
        "crm": httpx.ConnectError("connection refused"),
        "telesales": httpx.Response(503, json={"status": "not ready", "checks": {"broker": "failed: refused"}}),
    })

    async with gateway() as client:
        response = await client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready"
    assert body["services"]["org"] == {"status": "ready"}
    assert body["services"]["crm"]["status"] == "unreachable"
    assert "ConnectError" in body["services"]["crm"]["detail"]
    assert body["services"]["telesales"] == {"status": "not ready", "http_status": 503,
                                             "checks": {"broker": "failed: refused"}}


async def test_a_service_that_does_not_answer_is_reported_within_the_readiness_timeout(gateway, network):
    network.reply = services_where({"org": "slow"})

    async with gateway(readiness_timeout_seconds=0.2) as client:
        response = await asyncio.wait_for(client.get("/readyz"), 5)

    assert response.status_code == 503
    assert response.json()["services"]["org"]["status"] == "unreachable"


async def test_liveness_does_not_depend_on_the_services(gateway, network):
    network.reply = services_where({"org": httpx.ConnectError("refused")})

    async with gateway() as client:
        response = await client.get("/healthz")

    assert response.status_code == 200
    assert network.requests == []
