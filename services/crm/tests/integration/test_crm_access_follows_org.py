"""A token says who the caller is; what they may do is what the organisation says now. crm reads
the caller from its directory replica on each request (at most ``principal_refresh_seconds`` old):
someone who left is refused at once, a demoted leader loses the group's scope at once."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from crm_world import World

from crm.config import CrmSettings
from crm.entrypoints.api.app import create_app
from devstack.pytest_plugin import asgi_client
from shared.auth import Role
from shared.clock import FixedClock
from shared.events.org import EmployeeTransferred, GroupLeaderChanged


@pytest.fixture
async def client(crm_settings: CrmSettings, clock: FixedClock) -> AsyncIterator[httpx.AsyncClient]:
    # Every request re-reads the replica, so that the test sees each change at once.
    settings = crm_settings.model_copy(update={"principal_refresh_seconds": 0})
    async with asgi_client(create_app(settings, clock=clock)) as client:
        yield client


async def test_a_leavers_token_stops_working_as_soon_as_the_leaving_reaches_crm(world: World, client):
    lead = await world.owned_lead(world.wang, phone="13800138001")
    assert (await client.get(f"/leads/{lead['id']}", headers=world.wang.headers)).status_code == 200

    await world.leave(world.wang)

    for method, path, body in (("GET", f"/leads/{lead['id']}", None), ("GET", "/leads", None),
                               ("POST", "/leads", {"name": "Another", "source": "marketing",
                                                   "phone": "13800138002"})):
        refused = await client.request(method, path, json=body, headers=world.wang.headers)
        assert refused.status_code == 401, f"{method} {path}: {refused.text}"
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert "left the company" in refused.json()["detail"]
    assert len(await world.rows("SELECT id FROM leads")) == 1, "the leaver's lead was not written"
    # Colleagues are unaffected.
    assert (await client.get(f"/leads/{lead['id']}", headers=world.east_leader.headers)).status_code == 200


async def test_a_demoted_leader_loses_the_groups_scope_on_the_next_request(world: World, client):
    lead = await world.owned_lead(world.wang, phone="13800138003")
    old_token = world.east_leader.headers
    assert (await client.get(f"/leads/{lead['id']}", headers=old_token)).status_code == 200

    await world.apply(GroupLeaderChanged(group_id=world.east, previous_leader_id=world.east_leader.id,
                                         leader_id=world.li.id, effective_date=world.day()))
    await world.apply(EmployeeTransferred(
        employee_id=world.east_leader.id, effective_date=world.day(), from_department_id=world.sales,
        to_department_id=world.sales, from_group_id=world.east, to_group_id=world.west,
        from_role=Role.GROUP_LEADER, to_role=Role.SALES_REP))

    assert (await client.get(f"/leads/{lead['id']}", headers=old_token)).status_code == 404
    # Li now leads East: the token Li got as a rep carries the group's scope from now on.
    assert (await client.get(f"/leads/{lead['id']}", headers=world.li.headers)).status_code == 200
