import asyncio
import json
import time

import httpx
import pytest

from gateway.config import GatewaySettings
from gateway.proxy import HOP_BY_HOP, end_to_end_headers, is_internal

PROBLEM = "application/problem+json"


def test_hop_by_hop_headers_and_those_named_by_connection_are_dropped():
    raw = [
        (b"Connection", b"keep-alive, X-Trace-Hop"), (b"Keep-Alive", b"timeout=5"), (b"TE", b"trailers"),
        (b"Transfer-Encoding", b"chunked"), (b"Upgrade", b"h2c"), (b"X-Trace-Hop", b"1"),
        (b"Authorization", b"Bearer abc"), (b"Set-Cookie", b"a=1"), (b"Set-Cookie", b"b=2"), (b"Host", b"gw"),
    ]

    kept = end_to_end_headers(raw, also_drop={"host"})

    assert kept == [(b"authorization", b"Bearer abc"), (b"set-cookie", b"a=1"), (b"set-cookie", b"b=2")]
    assert "transfer-encoding" in HOP_BY_HOP


async def test_request_reaches_the_service_with_method_path_query_body_and_end_to_end_headers(gateway, network):
    network.reply = lambda request: httpx.Response(201, json={"created": True})

    async with gateway() as client:
        response = await client.post(
            "/api/crm/leads/a%2Fb", params={"q": "x y", "page": "2"}, content=b'{"name": "Wang"}',
            headers={"Authorization": "Bearer user-token", "Content-Type": "application/json",
                     "Connection": "X-Hop", "X-Hop": "secret", "Keep-Alive": "timeout=5",
                     "X-Forwarded-For": "10.0.0.9"},
        )

    assert response.status_code == 201
    assert response.json() == {"created": True}
    [sent] = network.requests
    assert sent.method == "POST"
    assert sent.url.host == "crm.test"
    assert sent.url.raw_path == b"/leads/a%2Fb?q=x+y&page=2"
    assert sent.content == b'{"name": "Wang"}'
    assert sent.headers["authorization"] == "Bearer user-token"
    assert sent.headers["content-type"] == "application/json"
    assert sent.headers["content-length"] == str(len(b'{"name": "Wang"}'))
    assert sent.headers["host"] == "crm.test"
    assert "x-hop" not in sent.headers
    assert "keep-alive" not in sent.headers
    assert sent.headers["x-forwarded-for"] == "10.0.0.9, 127.0.0.1"
    assert sent.headers["x-forwarded-proto"] == "http"


async def test_the_callers_request_id_is_passed_on(gateway, network):
    async with gateway() as client:
        response = await client.get("/api/crm/leads", headers={"X-Request-ID": "req-42"})

    assert network.requests[0].headers["x-request-id"] == "req-42"
    assert response.headers["x-request-id"] == "req-42"


async def test_a_request_without_an_id_gets_one_and_the_service_sees_the_same(gateway, network):
    async with gateway() as client:
        response = await client.get("/api/crm/leads")

    generated = response.headers["x-request-id"]
    assert generated
    assert network.requests[0].headers["x-request-id"] == generated


async def test_unknown_service_is_a_404_problem_listing_the_known_services(gateway, network):
    async with gateway() as client:
        response = await client.get("/api/nosuch/things")

    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["services"] == ["crm", "org", "telesales"]
    assert network.requests == []


@pytest.mark.parametrize(("path", "internal"), [
    ("/internal/credentials/verify", True),
    ("/internal", True),
    ("/employees/../internal/credentials/verify", True),
    ("/%2e%2e/internal/x", True),
    ("/%69nternal/x", True),
    ("/internals/x", False),
    ("/employees/internal", False),
])
def test_internal_paths_are_recognised_however_spelled(path, internal):
    assert is_internal(path) is internal


@pytest.mark.parametrize("path", [
    "/api/org/internal/credentials/verify",
    "/api/org/%2e%2e/internal/credentials/verify",
    "/api/org/x/../internal/credentials/verify",
    "/api/org/%69nternal/credentials/verify",
])
async def test_internal_routes_are_not_reachable_through_the_gateway(gateway, network, path):
    async with gateway() as client:
        response = await client.post(path, json={"login": "a", "password": "b"})

    assert response.status_code == 404
    assert network.requests == []


@pytest.mark.parametrize(("failure", "status"), [
    (httpx.ConnectTimeout, 504),
    (httpx.ReadTimeout, 504),
    (httpx.ConnectError, 502),
    (httpx.RemoteProtocolError, 502),
])
async def test_upstream_failures_become_problems_naming_the_service(gateway, network, failure, status):
    def fail(request):
        raise failure("simulated", request=request)

    network.reply = fail

    async with gateway() as client:
        response = await client.get("/api/telesales/calls")

    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert body["service"] == "telesales"
    assert "telesales" in body["detail"]


@pytest.mark.parametrize("stale", [httpx.ReadError, httpx.RemoteProtocolError])
async def test_a_read_meeting_a_closed_pooled_connection_is_sent_once_more(gateway, network, stale):
    def closed_then_fine(request):
        if len(network.requests) == 1:
            raise stale("server closed the connection", request=request)
        return httpx.Response(200, json={"ok": True})

    network.reply = closed_then_fine

    async with gateway() as client:
        response = await client.get("/api/crm/leads")

    assert response.status_code == 200 and response.json() == {"ok": True}
    assert [r.method for r in network.requests] == ["GET", "GET"]


async def test_a_read_failing_twice_is_a_bad_gateway_after_two_tries(gateway, network):
    def always_closed(request):
        raise httpx.ReadError("server closed the connection", request=request)

    network.reply = always_closed

    async with gateway() as client:
        response = await client.get("/api/crm/leads")

    assert response.status_code == 502
    assert len(network.requests) == 2


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
async def test_a_write_is_never_sent_twice(gateway, network, method):
    def closed(request):
        raise httpx.ReadError("server closed the connection", request=request)

    network.reply = closed

    async with gateway() as client:
        response = await client.request(method, "/api/crm/leads/1", json={"name": "x"})

    assert response.status_code == 502
    assert len(network.requests) == 1


async def test_an_upstream_that_never_answers_is_cut_off_at_the_deadline(gateway, network):
    async def never(request):
        await asyncio.sleep(30)

    network.reply = never

    async with gateway(upstream_timeout_seconds=0.2) as client:
        started = time.perf_counter()
        response = await client.get("/api/crm/leads")

    assert response.status_code == 504
    assert time.perf_counter() - started < 5


async def test_bulk_work_gets_the_longer_bound_and_ordinary_requests_keep_the_short_one(gateway, network):
    async def slow(request):
        await asyncio.sleep(0.5)
        return httpx.Response(200, json={"saved": 400})

    network.reply = slow

    async with gateway(upstream_timeout_seconds=0.2, bulk_timeout_seconds=5) as client:
        imported = await client.post("/api/org/attendance/records/import", content=b"employee_id,date\n")
        exported = await client.get("/api/crm/leads/export.xlsx")
        ordinary = await client.get("/api/crm/leads")

    assert (imported.status_code, exported.status_code) == (200, 200)
    assert ordinary.status_code == 504
    assert "0.2s" in ordinary.json()["detail"]


def test_bulk_route_patterns_match_service_and_path():
    settings = GatewaySettings(upstream_timeout_seconds=10, bulk_timeout_seconds=90)
    assert settings.timeout_for("org", "/attendance/records/import") == 90
    assert settings.timeout_for("payroll", "runs/r-1/export/payslips.xlsx") == 90
    assert settings.timeout_for("payroll", "runs/r-1/lock") == 10
    assert settings.timeout_for("appraisal", "periods/2026-11/reviews") == 10


async def test_upstream_problem_is_passed_through_unchanged(gateway, network):
    problem = {"type": "https://errors.salesteam.internal/conflict", "title": "Conflict", "status": 409,
               "detail": "the lead is already assigned", "lead_id": "l-1"}
    problem_bytes = json.dumps(problem).encode()
    network.reply = lambda request: httpx.Response(409, content=problem_bytes, headers={"Content-Type": PROBLEM})

    async with gateway() as client:
        response = await client.post("/api/crm/leads/l-1/assign", json={"rep_id": "r-1"})

    assert response.status_code == 409
    assert response.headers["content-type"] == PROBLEM
    assert response.content == problem_bytes


async def test_upstream_response_headers_come_back_without_hop_by_hop_ones(gateway, network):
    network.reply = lambda request: httpx.Response(
        200, content=b"a,b\n1,2\n",
        headers=[("Content-Type", "text/csv"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"),
                 ("Connection", "X-Upstream-Hop"), ("X-Upstream-Hop", "1"), ("Content-Encoding", "identity")],
    )

    async with gateway() as client:
        response = await client.get("/api/crm/exports/leads.csv")

    assert response.content == b"a,b\n1,2\n"
    assert response.headers["content-type"] == "text/csv"
    assert response.headers.get_list("set-cookie") == ["a=1", "b=2"]
    assert response.headers["content-length"] == "8"
    assert "x-upstream-hop" not in response.headers


async def test_service_documents_are_listed_with_their_gateway_urls(gateway):
    async with gateway() as client:
        response = await client.get("/openapi/services")

    assert response.json() == [
        {"service": "crm", "openapi_url": "/api/crm/openapi.json"},
        {"service": "org", "openapi_url": "/api/org/openapi.json"},
        {"service": "telesales", "openapi_url": "/api/telesales/openapi.json"},
    ]


async def test_the_gateways_own_document_describes_its_routes(gateway):
    async with gateway() as client:
        paths = (await client.get("/openapi.json")).json()["paths"]

    assert {"/auth/login", "/auth/me", "/readyz", "/openapi/services", "/api/{service}/{path}"} <= set(paths)
    assert paths["/auth/login"]["post"]["description"]
