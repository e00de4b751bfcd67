"""Scoped tokens: a token with a scope claim (a service account's) reaches only the routes that
accept its scope; every ordinary route refuses it, even though it carries the ``system`` role."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends

from devstack.pytest_plugin import asgi_client
from shared.auth import CurrentUser, Principal, Role, TokenCodec, principal_accepting, token_scope
from shared.web import create_app

CODEC = TokenCodec("x" * 40, "issuer")
router = APIRouter()


@router.get("/ordinary")
async def ordinary(user: CurrentUser) -> dict:
    return {"scope": token_scope(user)}


@router.get("/intake")
async def intake(user: Annotated[Principal, Depends(principal_accepting("telesales.intake"))]) -> dict:
    return {"scope": token_scope(user)}


def bearer(scope: str | None) -> dict[str, str]:
    system = Principal(employee_id=uuid.uuid4(), roles=frozenset({Role.SYSTEM}), name="dialler")
    return {"Authorization": f"Bearer {CODEC.issue(system, 60, scope=scope)[0]}"}


def test_the_scope_survives_the_round_trip_and_an_unscoped_token_has_none() -> None:
    system = Principal(employee_id=uuid.uuid4(), roles=frozenset({Role.SYSTEM}))
    assert token_scope(CODEC.verify(CODEC.issue(system, scope="telesales.intake")[0])) == "telesales.intake"
    assert token_scope(CODEC.verify(CODEC.issue(system)[0])) is None


async def test_a_scoped_token_reaches_only_the_routes_of_its_scope() -> None:
    app = create_app(title="t", service="t", routers=[router])
    app.state.token_codec = CODEC
    async with asgi_client(app) as client:
        scoped_ordinary = await client.get("/ordinary", headers=bearer("telesales.intake"))
        scoped_intake = await client.get("/intake", headers=bearer("telesales.intake"))
        other_scope = await client.get("/intake", headers=bearer("crm.import"))
        unscoped = await client.get("/ordinary", headers=bearer(None))
        unscoped_intake = await client.get("/intake", headers=bearer(None))
    assert (scoped_ordinary.status_code, other_scope.status_code) == (403, 403)
    assert "limited to 'telesales.intake'" in scoped_ordinary.text
    assert (scoped_intake.status_code, scoped_intake.json()) == (200, {"scope": "telesales.intake"})
    assert (unscoped.status_code, unscoped_intake.status_code) == (200, 200)
