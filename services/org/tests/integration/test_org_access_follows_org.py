"""In org, where leavings and transfers are recorded, a token counts for what the organisation
says from the moment it is committed: a leaver's token is refused, a new role counts."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from org_company import Company, Tokens

from devstack.pytest_plugin import asgi_client
from org.config import OrgSettings
from org.entrypoints.api.app import create_app
from shared.auth import Role
from shared.clock import FixedClock


@pytest.fixture
async def client(org_settings: OrgSettings, clock: FixedClock) -> AsyncIterator[httpx.AsyncClient]:
    settings = org_settings.model_copy(update={"principal_refresh_seconds": 0})
    async with asgi_client(create_app(settings, clock=clock)) as client:
        yield client


async def test_a_leavers_token_is_refused_once_the_leaving_is_recorded(company: Company, tokens: Tokens, client):
    sales = await company.department()
    await company.plan(sales, Role.SALES_REP, 2)
    rep = await company.hire(sales, "Rep Li")
    token = tokens.of(rep)
    assert (await client.get("/me", headers=token)).status_code == 200

    left = await client.post(f"/employees/{rep['id']}/leave", json={"left_on": company.today.isoformat()},
                             headers=company.admin)
    assert left.status_code == 200, left.text

    refused = await client.get("/me", headers=token)
    assert refused.status_code == 401 and "left the company" in refused.json()["detail"]


async def test_hr_demoted_to_a_rep_can_no_longer_hire(company: Company, tokens: Tokens, client):
    sales = await company.department()
    for role in (Role.HR, Role.SALES_REP):
        await company.plan(sales, role, 2)
    hr = await company.hire(sales, "HR Wu", role=Role.HR)
    token = tokens.of(hr)
    body = {"name": "New Rep", "role": Role.SALES_REP, "department_id": sales["id"],
            "hired_on": company.today.isoformat()}
    assert (await client.post("/employees", json=body, headers=token)).status_code == 201

    moved = await client.post(f"/employees/{hr['id']}/transfers", headers=company.admin,
                              json={"to_role": Role.SALES_REP, "effective_date": company.today.isoformat()})
    assert moved.status_code == 200, moved.text

    assert (await client.post("/employees", json={**body, "name": "Another Rep"}, headers=token)).status_code == 403
