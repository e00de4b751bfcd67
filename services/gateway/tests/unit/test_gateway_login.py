import json
import uuid

import httpx

from shared.auth import Role

EMPLOYEE_ID = uuid.uuid4()
GROUP_ID = uuid.uuid4()
DEPARTMENT_ID = uuid.uuid4()


def fake_org(codec, password="right-password", roles=(Role.GROUP_LEADER, Role.SALES_REP)):
    """Org's credentials check: only the gateway's system token may ask; one known login."""

    employee = {"employee_id": str(EMPLOYEE_ID), "name": "Li Lei", "roles": list(roles),
                "group_id": str(GROUP_ID), "department_id": str(DEPARTMENT_ID)}
    refused = httpx.Response(401, json={"title": "Unauthorized", "status": 401},
                             headers={"Content-Type": "application/problem+json"})
    sessions = {"first-token": True}  # refresh token → still usable

    def reply(request: httpx.Request) -> httpx.Response:
        caller = codec.verify(request.headers["authorization"].removeprefix("Bearer "))
        if not caller.has_any(Role.SYSTEM):
            return httpx.Response(403, json={"title": "Forbidden", "status": 403})
        body = json.loads(request.content)
        if request.url.path == "/internal/credentials/verify":
            return httpx.Response(200, json=employee) if body == {"login": "li.lei", "password": password} else refused
        if request.url.path == "/internal/sessions":
            assert body == {"employee_id": str(EMPLOYEE_ID)}
            return httpx.Response(201, json={**employee, "refresh_token": "first-token", "refresh_expires_in": 600})
        if request.url.path == "/internal/sessions/refresh":
            if not sessions.get(body["refresh_token"]):
                return refused
            sessions[body["refresh_token"]] = False
            sessions["next-token"] = True
            return httpx.Response(200, json={**employee, "refresh_token": "next-token", "refresh_expires_in": 600})
        assert request.url.path == "/internal/sessions/close"
        sessions[body["refresh_token"]] = False
        return httpx.Response(204)

    return reply


async def test_login_returns_a_token_for_the_employee_org_vouches_for(gateway, network, codec, settings):
    network.reply = fake_org(codec)

    async with gateway() as client:
        response = await client.post("/auth/login", json={"login": "li.lei", "password": "right-password"})

    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == settings.jwt_ttl_seconds
    assert body["employee"]["employee_id"] == str(EMPLOYEE_ID)
    principal = codec.verify(body["access_token"])
    assert principal.employee_id == EMPLOYEE_ID
    assert principal.roles == {Role.GROUP_LEADER, Role.SALES_REP}
    assert principal.group_id == GROUP_ID
    assert principal.department_id == DEPARTMENT_ID
    assert principal.name == "Li Lei"
    assert (body["refresh_token"], body["refresh_expires_in"]) == ("first-token", 600)
    assert [asked.url.path for asked in network.requests] == ["/internal/credentials/verify", "/internal/sessions"]
    assert {asked.url.host for asked in network.requests} == {"org.test"}
    assert {asked.headers["x-request-id"] for asked in network.requests} == {response.headers["x-request-id"]}


async def test_a_person_never_gets_the_system_role_even_if_org_says_so(gateway, network, codec):
    network.reply = fake_org(codec, roles=(Role.SALES_REP, Role.SYSTEM))

    async with gateway() as client:
        response = await client.post("/auth/login", json={"login": "li.lei", "password": "right-password"})

    assert codec.verify(response.json()["access_token"]).roles == {Role.SALES_REP}


async def test_wrong_password_and_unknown_login_get_the_same_401_problem(gateway, network, codec):
    network.reply = fake_org(codec)

    async with gateway() as client:
        wrong_password = await client.post("/auth/login", json={"login": "li.lei", "password": "guess"})
        unknown_login = await client.post("/auth/login", json={"login": "nobody", "password": "guess"})

    assert wrong_password.status_code == unknown_login.status_code == 401
    assert wrong_password.headers["content-type"] == "application/problem+json"
    assert wrong_password.json()["detail"] == unknown_login.json()["detail"]
    assert "access_token" not in wrong_password.json()


async def test_login_while_org_is_down_is_a_503_problem(gateway, network):
    def down(request):
        raise httpx.ConnectError("connection refused", request=request)

    network.reply = down

    async with gateway() as client:
        response = await client.post("/auth/login", json={"login": "li.lei", "password": "right-password"})

    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"


async def test_login_without_a_password_is_a_422_naming_the_field(gateway, network):
    async with gateway() as client:
        response = await client.post("/auth/login", json={"login": "li.lei"})

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["password"]
    assert network.requests == []


async def test_me_describes_the_bearer_of_the_token(gateway, network, codec):
    network.reply = fake_org(codec)

    async with gateway() as client:
        login = await client.post("/auth/login", json={"login": "li.lei", "password": "right-password"})
        token = login.json()["access_token"]
        me = await client.get("/auth/me", headers={"Authorization": f"Bearer {token}"})
        anonymous = await client.get("/auth/me")

    assert me.status_code == 200
    assert me.json() == login.json()["employee"]
    assert anonymous.status_code == 401


async def test_a_login_with_a_nul_byte_is_a_422_and_never_reaches_org(gateway, network):
    async with gateway() as client:
        response = await client.post("/auth/login", json={"login": "li\u0000lei", "password": "right-password"})

    assert response.status_code == 422, response.text
    assert [error["field"] for error in response.json()["errors"]] == ["login"]
    assert network.requests == []


async def test_a_refresh_token_gets_a_new_access_token_once_and_logout_ends_the_session(gateway, network, codec):
    network.reply = fake_org(codec)

    async with gateway() as client:
        login = (await client.post("/auth/login", json={"login": "li.lei", "password": "right-password"})).json()
        refreshed = await client.post("/auth/refresh", json={"refresh_token": login["refresh_token"]})
        replayed = await client.post("/auth/refresh", json={"refresh_token": login["refresh_token"]})
        logged_out = await client.post("/auth/logout", json={"refresh_token": refreshed.json()["refresh_token"]})
        after_logout = await client.post("/auth/refresh", json={"refresh_token": refreshed.json()["refresh_token"]})
        malformed = await client.post("/auth/refresh", json={"refresh_token": "not a token"})

    assert refreshed.status_code == 200 and refreshed.json()["refresh_token"] == "next-token"
    assert codec.verify(refreshed.json()["access_token"]).employee_id == EMPLOYEE_ID
    assert replayed.status_code == 401 and replayed.headers["content-type"].startswith("application/problem+json")
    assert logged_out.status_code == 204
    assert after_logout.status_code == 401 and "log in again" in after_logout.json()["detail"]
    assert malformed.status_code == 422
