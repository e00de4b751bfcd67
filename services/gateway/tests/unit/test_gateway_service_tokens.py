"""The client-credentials exchange: a service account's credentials, checked by telesales, become a
short-lived system token limited to intake; wrong or revoked credentials get nothing."""

import json
import uuid

import httpx

from shared.auth import Role, token_scope

ACCOUNT_ID = uuid.uuid4()


def fake_telesales(codec, *, revoked=False):
    def reply(request: httpx.Request) -> httpx.Response:
        caller = codec.verify(request.headers["authorization"].removeprefix("Bearer "))
        assert caller.has_any(Role.SYSTEM) and token_scope(caller) is None
        assert request.url.path == "/internal/service-accounts/verify"
        body = json.loads(request.content)
        if revoked or body != {"client_id": "sa_dialler", "client_secret": "s3cret"}:
            return httpx.Response(401, json={"title": "Unauthorized", "status": 401})
        return httpx.Response(200, json={"account_id": str(ACCOUNT_ID), "name": "dialler",
                                         "scope": "telesales.intake"})

    return reply


async def test_client_credentials_give_a_short_lived_intake_token(gateway, network, codec, settings):
    network.reply = fake_telesales(codec)

    async with gateway() as client:
        response = await client.post("/auth/token", json={"grant_type": "client_credentials",
                                                          "client_id": "sa_dialler", "client_secret": "s3cret"})

    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert (body["expires_in"], body["scope"]) == (settings.service_token_ttl_seconds, "telesales.intake")
    principal = codec.verify(body["access_token"])
    assert principal.employee_id == ACCOUNT_ID
    assert principal.roles == {Role.SYSTEM}
    assert token_scope(principal) == "telesales.intake"


async def test_wrong_or_revoked_credentials_get_no_token(gateway, network, codec):
    async with gateway() as client:
        network.reply = fake_telesales(codec)
        wrong = await client.post("/auth/token", json={"client_id": "sa_dialler", "client_secret": "guess"})
        network.reply = fake_telesales(codec, revoked=True)
        revoked = await client.post("/auth/token", json={"client_id": "sa_dialler", "client_secret": "s3cret"})

    assert (wrong.status_code, revoked.status_code) == (401, 401)
    assert "access_token" not in revoked.text


async def test_a_malformed_request_is_a_422_naming_the_field(gateway, network, codec):
    network.reply = fake_telesales(codec)
    async with gateway() as client:
        response = await client.post("/auth/token", json={"grant_type": "password", "client_id": "sa_dialler",
                                                          "client_secret": "s3cret"})
    assert response.status_code == 422
    assert "grant_type" in response.text
