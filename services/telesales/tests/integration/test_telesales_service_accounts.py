"""The telephony system's door: an administrator creates a scoped service account; the gateway's
check accepts its credentials; its intake-limited token posts a batch for the agents of its scope;
intake refuses at once a batch with an agent outside it, or from a revoked account; the workers
refuse what only they can see (a revocation inside intake's cache lifetime), and it reads those back.
Its token opens nothing but intake, the do-not-call check and its refusals."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import text
from telesales_world import Tokens, announce, at, hired

from shared.auth import Principal, Role, TokenCodec
from shared.clock import FixedClock
from shared.errors import Forbidden
from shared.runtime import ServiceRuntime
from telesales.entrypoints.intake.schemas import parse_batch
from telesales.service_layer.intake import submit_calls

DEPARTMENT, OTHER_DEPARTMENT = uuid.uuid4(), uuid.uuid4()


class FakePublisher:
    """Keeps what intake would have put on the topic, for the worker's handler."""

    def __init__(self) -> None:
        self.published: list = []

    async def publish(self, records) -> None:
        self.published.extend(records)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 12, 2, 4, 0, tzinfo=UTC))


def scoped_token(tokens: Tokens, account_id: uuid.UUID, settings) -> dict[str, str]:
    """The token the gateway's /auth/token signs for a verified account."""
    codec = TokenCodec(settings.jwt_secret, settings.jwt_issuer)
    token, _ = codec.issue(Principal(employee_id=account_id, roles=frozenset({Role.SYSTEM}), name="dialler"),
                           ttl_seconds=300, scope="telesales.intake")
    return {"Authorization": f"Bearer {token}"}


async def create(client: httpx.AsyncClient, tokens: Tokens, **body) -> httpx.Response:
    return await client.post("/service-accounts", json={"name": "dialler", **body},
                             headers=tokens.headers(Role.ADMIN))


async def verify(client: httpx.AsyncClient, tokens: Tokens, client_id: str, secret: str) -> httpx.Response:
    return await client.post("/internal/service-accounts/verify", json={"client_id": client_id,
                                                                        "client_secret": secret},
                             headers=tokens.headers(Role.SYSTEM))


async def test_an_account_posts_for_its_scope_and_nothing_once_revoked(
        runtime: ServiceRuntime, store, client, intake_client, tokens: Tokens, telesales_settings,
        clock: FixedClock) -> None:
    ours = hired("Sun Li", "telesales_agent", DEPARTMENT, on=clock.today())
    theirs = hired("Wu Fei", "telesales_agent", OTHER_DEPARTMENT, on=clock.today())
    await announce(runtime, ours, theirs)

    created = await create(client, tokens, department_ids=[str(DEPARTMENT)])
    assert created.status_code == 201, created.text
    account = created.json()
    assert (await verify(client, tokens, account["client_id"], account["client_secret"])).status_code == 200
    headers = scoped_token(tokens, uuid.UUID(account["id"]), telesales_settings)

    def record(call_id: str, agent_id: uuid.UUID) -> dict:
        return {"call_id": call_id, "agent_id": str(agent_id), "number_dialled": "13800138000",
                "started_at": at(clock, clock.today(), 11).isoformat(), "duration_seconds": 75,
                "connected": True, "disposition": "intent"}

    # Through the intake app: the scoped token is accepted there (the broker takes the records).
    over_http = await intake_client.post("/calls/batch", json={"calls": [record("http-1", ours.employee_id)]},
                                         headers=headers)
    assert over_http.status_code == 202, over_http.text

    # An agent outside the account's scope refuses the whole batch at the door, by record.
    outside = await intake_client.post("/calls/batch", headers=headers, json={"calls": [
        record("http-2", ours.employee_id), record("http-3", theirs.employee_id)]})
    assert outside.status_code == 403, outside.text
    assert outside.headers["content-type"].startswith("application/problem+json")
    assert [(r["index"], r["call_id"], r["agent_id"], r["problem"]) for r in outside.json()["records"]] == [
        (1, "http-3", str(theirs.employee_id), "out_of_scope")]
    unknown = uuid.uuid4()
    not_yet = await intake_client.post("/calls", json=record("http-4", unknown), headers=headers)
    assert not_yet.status_code == 422, not_yet.text
    assert "unknown to telesales" in not_yet.json()["errors"][0]["reason"]

    # The same path with a publisher in hand, to give the worker exactly what intake published.
    publisher = FakePublisher()
    who = TokenCodec(telesales_settings.jwt_secret, telesales_settings.jwt_issuer).verify(
        headers["Authorization"].removeprefix("Bearer "))
    parsed, _ = parse_batch([record("sa-1", ours.employee_id), record("sa-2", theirs.employee_id)])
    with pytest.raises(Forbidden):
        await submit_calls(runtime.bus, parsed, submitter=who, publisher=publisher)
    assert publisher.published == [], "nothing of a refused batch is published"
    parsed, _ = parse_batch([record("sa-1", ours.employee_id)])
    result = await submit_calls(runtime.bus, parsed, submitter=who, publisher=publisher)
    assert result.accepted == ["sa-1"]
    assert {m.service_account_id for m in publisher.published} == {uuid.UUID(account["id"])}
    await store(*publisher.published)

    async with runtime.engine.connect() as connection:
        stored = list(await connection.execute(text("SELECT call_id, submitted_by, service_account_id FROM calls")))
    assert [(row.call_id, row.submitted_by, row.service_account_id) for row in stored] == [
        ("sa-1", uuid.UUID(account["id"]), uuid.UUID(account["id"]))]

    revoked = await client.post(f"/service-accounts/{account['id']}/revocation",
                                json={"reason": "dialler replaced"}, headers=tokens.headers(Role.ADMIN))
    assert revoked.status_code == 204
    assert (await verify(client, tokens, account["client_id"], account["client_secret"])).status_code == 401

    # An intake that read the account a moment before the revocation trusts it for the rest of its
    # cache's lifetime: only the worker sees that race, refuses the record, and the dialler reads
    # the refusal back.
    clock.advance(timedelta(seconds=5))
    late = FakePublisher()
    parsed, _ = parse_batch([record("sa-3", ours.employee_id)])
    assert (await submit_calls(runtime.bus, parsed, submitter=who, publisher=late)).accepted == ["sa-3"]
    clock.advance(timedelta(minutes=1))
    await store(*late.published)
    async with runtime.engine.connect() as connection:
        assert (await connection.execute(text("SELECT count(*) FROM calls WHERE call_id = 'sa-3'"))).scalar() == 0
    kinds = [(r["call_id"], r["kind"]) for r in (await client.get("/intake/refusals", headers=headers)).json()]
    assert kinds == [("sa-3", "revoked")]

    # A token issued before the revocation still reaches intake, which refuses it once its cache of
    # the account (TELESALES_INTAKE_DIRECTORY_CACHE_SECONDS) ran out.
    refused = await intake_client.post("/calls/batch", json={"calls": [record("late", ours.employee_id)]},
                                       headers=headers)
    assert refused.status_code == 403, refused.text
    assert "revoked" in refused.json()["detail"]


async def test_the_scoped_token_opens_nothing_else(client, tokens: Tokens, telesales_settings) -> None:
    created = (await create(client, tokens, group_ids=[str(uuid.uuid4())])).json()
    headers = scoped_token(tokens, uuid.UUID(created["id"]), telesales_settings)
    check = await client.get("/do-not-call/check", params={"number": "13800138000"}, headers=headers)
    calls = await client.get("/calls", headers=headers)
    figures = await client.get("/figures/daily", headers=headers)
    verify_as_account = await verify(client, tokens, created["client_id"], created["client_secret"])
    self_verify = await client.post("/internal/service-accounts/verify", headers=headers,
                                    json={"client_id": created["client_id"], "client_secret": "x"})
    assert (check.status_code, calls.status_code, figures.status_code) == (200, 403, 403)
    assert (verify_as_account.status_code, self_verify.status_code) == (200, 403)


async def test_rotation_replaces_the_secret_and_only_an_admin_manages_accounts(client, tokens: Tokens) -> None:
    created = (await create(client, tokens, department_ids=[str(DEPARTMENT)])).json()
    rotated = await client.post(f"/service-accounts/{created['id']}/rotation", headers=tokens.headers(Role.ADMIN))
    assert rotated.status_code == 200
    assert rotated.json()["client_id"] == created["client_id"]
    assert (await verify(client, tokens, created["client_id"], created["client_secret"])).status_code == 401
    assert (await verify(client, tokens, created["client_id"], rotated.json()["client_secret"])).status_code == 200

    manager = tokens.headers(Role.DEPARTMENT_MANAGER, department_id=DEPARTMENT)
    assert (await client.post("/service-accounts", json={"name": "x", "department_ids": [str(DEPARTMENT)]},
                              headers=manager)).status_code == 403
    assert (await client.get("/service-accounts", headers=manager)).status_code == 403
    no_scope = await create(client, tokens)
    assert no_scope.status_code == 422 and "department_ids" in no_scope.text
    listed = (await client.get("/service-accounts", headers=tokens.headers(Role.ADMIN))).json()
    assert [a["client_id"] for a in listed] == [created["client_id"]]
    assert "client_secret" not in listed[0] and "secret_hash" not in listed[0]
    unknown = await client.post(f"/service-accounts/{uuid.uuid4()}/revocation", json={"reason": "x"},
                                headers=tokens.headers(Role.ADMIN))
    no_reason = await client.post(f"/service-accounts/{created['id']}/revocation", json={"reason": ""},
                                  headers=tokens.headers(Role.ADMIN))
    assert (unknown.status_code, no_reason.status_code) == (404, 422)
