FRONTEND = "http://sales-frontend.test"


def preflight(origin: str) -> dict[str, str]:
    return {"Origin": origin, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type"}


async def test_preflight_from_the_configured_frontend_is_allowed(gateway, network):
    async with gateway(cors_origins=[FRONTEND]) as client:
        response = await client.options("/api/crm/leads", headers=preflight(FRONTEND))

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == FRONTEND
    assert response.headers["access-control-allow-credentials"] == "true"
    assert network.requests == []


async def test_preflight_from_another_origin_is_refused(gateway):
    async with gateway(cors_origins=[FRONTEND]) as client:
        response = await client.options("/api/crm/leads", headers=preflight("http://evil.test"))

    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


async def test_the_frontend_may_read_the_request_id(gateway):
    async with gateway(cors_origins=[FRONTEND]) as client:
        response = await client.get("/api/crm/leads", headers={"Origin": FRONTEND})

    assert response.headers["access-control-allow-origin"] == FRONTEND
    assert "x-request-id" in response.headers["access-control-expose-headers"].lower()
