"""A project's changes of hands (C7) on the real database: a rep who leaves or moves out of the group
keeps none of its projects — they go to whoever now holds the customer's lead, else the group's leader,
else wait unassigned first in the overdue lists, seen by the leader and managers only; a redelivered or
re-published leaving moves nothing twice; leaders and managers hand projects over within their scope,
refusals writing nothing; every change is a row and a crm.project.reassigned.v1."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
from crm_world import Person, World
from sqlalchemy import text

from crm.entrypoints.consumers import CONSUMERS
from shared.auth import Role
from shared.events import CloudEvent, Event
from shared.events.org import EmployeeLeft, EmployeeTransferred, GroupLeaderChanged


async def events(world: World, event_type: str) -> list[dict]:
    return [envelope["data"] for t, envelope in await world.outbox() if t == event_type]


async def from_org(world: World, event: Event) -> None:
    """Through crm's own consumer table, as the runner would deliver it (a new envelope each time)."""
    [spec] = [spec for spec in CONSUMERS if spec.name == "crm-directory"]
    async with world.runtime.uow_factory() as uow:
        await spec.handlers[event.event_type](CloudEvent.wrap(event, source="/org"), uow, world.runtime.bus)
        await uow.commit()


async def create(client: httpx.AsyncClient, by: Person, **body) -> dict:
    response = await client.post("/projects", headers=by.headers, json={"name": "Hotel lobby", **body})
    assert response.status_code == 201, response.text
    return response.json()


async def get(client: httpx.AsyncClient, project: dict, by: Person, expect: int = 200) -> dict:
    response = await client.get(f"/projects/{project['id']}", headers=by.headers)
    assert response.status_code == expect, response.text
    return response.json()


async def assign(client: httpx.AsyncClient, project: dict, by: Person, rep_id: uuid.UUID, expect: int = 200,
                 **more) -> dict:
    response = await client.post(f"/projects/{project['id']}/assign", headers=by.headers,
                                 json={"rep_id": str(rep_id), **more})
    assert response.status_code == expect, response.text
    return response.json()


def left(world: World, person: Person) -> EmployeeLeft:
    return EmployeeLeft(employee_id=person.id, left_on=world.day(0), department_id=world.sales,
                        group_id=person.group_id)


class TestLeaversAndMovers:
    async def test_a_leavers_projects_go_to_the_customers_holder_else_the_leader_once_however_delivered(
            self, world: World, client: httpx.AsyncClient) -> None:
        own = await world.owned_lead(world.wang, "13800000001")
        held_by_li = await world.owned_lead(world.li, "13800000002")
        mine = await create(client, world.wang, lead_id=own["id"])
        # Li holds that customer; the leader put Wang on its project.
        on_lis = await create(client, world.east_leader, customer_id=held_by_li["customer"]["customer_id"],
                              rep_id=str(world.wang.id))
        kept = await create(client, world.li, lead_id=held_by_li["id"])

        leaving = left(world, world.wang)
        await from_org(world, leaving)
        await from_org(world, leaving)  # re-published under a new envelope: nothing moves twice

        # Wang's own customer went back to the pool: nobody holds it, so the group's leader has the project.
        to_leader = await get(client, mine, world.east_leader)
        assert (to_leader["rep_id"], to_leader["group_id"], to_leader["unassigned"], to_leader["revision"]) == (
            str(world.east_leader.id), str(world.east), False, 2)
        [change] = to_leader["assignments"]
        assert (change["from_rep_id"], change["to_rep_id"], change["cause"], change["by"]) == (
            str(world.wang.id), str(world.east_leader.id), "holder_left", None)
        assert (await get(client, on_lis, world.li))["rep_id"] == str(world.li.id)
        assert (await get(client, kept, world.li))["assignments"] == []

        announced = await events(world, "crm.project.reassigned.v1")
        assert sorted((e["project_id"], e["from_rep_id"], e["to_rep_id"], e["cause"], e["revision"])
                      for e in announced) == sorted([
            (mine["id"], str(world.wang.id), str(world.east_leader.id), "holder_left", 2),
            (on_lis["id"], str(world.wang.id), str(world.li.id), "holder_left", 2)])
        assert all(e["reassigned_by"] is None and e["stage"] == "early_design" for e in announced)
        assert len(await world.rows("SELECT id FROM project_assignments")) == 2

        # The revision is shared with the stage moves: a subscriber keeping the highest sees them in order.
        moved = await client.post(f"/projects/{mine['id']}/stage", headers=world.east_leader.headers,
                                  json={"stage": "bidding"})
        assert moved.json()["revision"] == 3

    async def test_a_mover_gives_up_the_old_groups_projects_and_with_no_leader_they_wait_unassigned(
            self, world: World, client: httpx.AsyncClient) -> None:
        lead = await world.owned_lead(world.wang, "13800000001")
        project = await create(client, world.wang, lead_id=lead["id"])
        await world.leave(world.east_leader)  # East has no leader at work, and org has named none yet
        await from_org(world, EmployeeTransferred(
            employee_id=world.wang.id, effective_date=world.day(0), from_department_id=world.sales,
            to_department_id=world.sales, from_group_id=world.east, to_group_id=world.west, from_role="sales_rep",
            to_role="sales_rep"))

        waiting = await get(client, project, world.manager)
        assert (waiting["rep_id"], waiting["group_id"], waiting["unassigned"]) == (
            str(world.wang.id), str(world.east), True)
        assert waiting["unassigned_at"] is not None
        assert waiting["assignments"][0]["to_rep_id"] is None
        [announced] = await events(world, "crm.project.reassigned.v1")
        assert (announced["to_rep_id"], announced["cause"], announced["group_id"]) == (
            None, "holder_transferred", str(world.east))
        # Wang, now in West, no longer sees it, nor may he move it or log a visit to it.
        await get(client, project, world.wang, expect=404)
        listed = (await client.get("/projects", headers=world.wang.headers)).json()
        assert project["id"] not in [p["id"] for p in listed]
        assert (await client.post(f"/projects/{project['id']}/stage", headers=world.wang.headers,
                                  json={"stage": "bidding"})).status_code == 404

        # It heads the overdue list of the department's manager, and of East's new leader once named, though
        # not yet due for a visit.
        overdue = (await client.get("/projects/overdue-visits", headers=world.manager.headers)).json()
        assert [(p["id"], p["unassigned"]) for p in overdue] == [(project["id"], True)]
        sun = Person(world.sun.id, world.sun.name, Role.GROUP_LEADER, world.sales, world.east,
                     world.headers(world.sun.id, Role.GROUP_LEADER, world.east, world.sales))
        await world.apply(GroupLeaderChanged(group_id=world.east, previous_leader_id=world.east_leader.id,
                                             leader_id=sun.id, effective_date=world.day()))
        assert [p["id"] for p in (await client.get("/projects/overdue-visits", headers=sun.headers)).json()] == [
            project["id"]]
        assert (await client.get("/projects/overdue-visits", headers=world.wang.headers)).json() == []

        handed = await assign(client, project, sun, world.li.id, reason="Li knows the site")
        assert (handed["rep_id"], handed["unassigned"], handed["unassigned_at"], handed["revision"]) == (
            str(world.li.id), False, None, 3)
        assert (await client.get("/projects/overdue-visits", headers=sun.headers)).json() == []
        assert (await get(client, project, world.li))["rep_id"] == str(world.li.id)

    async def test_the_overdue_list_of_a_rep_leaves_out_the_unassigned_projects_they_held_last(
            self, world: World, client: httpx.AsyncClient) -> None:
        lead = await world.owned_lead(world.wang, "13800000001")
        left_behind = await create(client, world.wang, lead_id=lead["id"])
        await world.leave(world.east_leader)
        await from_org(world, EmployeeTransferred(
            employee_id=world.wang.id, effective_date=world.day(0), from_department_id=world.sales,
            to_department_id=world.sales, from_group_id=world.east, to_group_id=world.west, from_role="sales_rep",
            to_role="sales_rep"))
        wang = Person(world.wang.id, world.wang.name, Role.SALES_REP, world.sales, world.west,
                      world.headers(world.wang.id, Role.SALES_REP, world.west, world.sales))
        west_lead = await world.owned_lead(wang, "13800000002", group_id=world.west)
        current = await create(client, wang, lead_id=west_lead["id"])
        assert (await get(client, left_behind, world.manager))["rep_id"] == str(world.wang.id)  # who had it last
        world.clock.advance(timedelta(days=7, hours=1))

        async def overdue(person: Person, query: str = "") -> list[str]:
            response = await client.get(f"/projects/overdue-visits{query}", headers=person.headers)
            assert response.status_code == 200, response.text
            return [p["id"] for p in response.json()]

        of_wang = f"?rep_id={world.wang.id}"
        # Without the filter the manager still sees the unassigned one first; with it, only what Wang holds now.
        assert await overdue(world.manager) == [left_behind["id"], current["id"]]
        for person in (world.manager, world.west_leader, wang, world.director):
            assert await overdue(person, of_wang) == [current["id"]], person.name
        # Scope still applies: nobody sees more through the filter than without it.
        for person in (world.li, world.zhou, world.other_manager, world.far_leader):
            assert await overdue(person, of_wang) == [], person.name
        assert await overdue(world.manager, f"?rep_id={world.li.id}") == []
        malformed = await client.get("/projects/overdue-visits?rep_id=nobody", headers=world.manager.headers)
        assert malformed.status_code == 422

        # Once handed to Li it is hers, in her list, and still not in Wang's.
        await assign(client, left_behind, world.manager, world.li.id)
        assert await overdue(world.manager, f"?rep_id={world.li.id}") == [left_behind["id"]]
        assert await overdue(world.manager, of_wang) == [current["id"]]

    async def test_a_stale_leaving_of_someone_rehired_moves_nothing(
            self, world: World, client: httpx.AsyncClient) -> None:
        lead = await world.owned_lead(world.wang, "13800000001")
        project = await create(client, world.wang, lead_id=lead["id"])
        [spec] = [spec for spec in CONSUMERS if spec.name == "crm-directory"]
        stale = left(world, world.wang)
        # The directory already holds a newer revision of Wang (at work): the late leaving changes nothing.
        async with world.runtime.uow_factory() as uow:
            await uow.session.execute(text("UPDATE directory_employees SET as_of = :day WHERE employee_id = :id"),
                                      {"day": world.day(5), "id": world.wang.id})
            await uow.commit()
        async with world.runtime.uow_factory() as uow:
            await spec.handlers[stale.event_type](CloudEvent.wrap(stale, source="/org"), uow, world.runtime.bus)
            await uow.commit()
        assert (await get(client, project, world.wang))["rep_id"] == str(world.wang.id)
        assert await events(world, "crm.project.reassigned.v1") == []


class TestHandingOver:
    async def test_a_leader_hands_a_project_within_the_group_and_a_manager_across_groups(
            self, world: World, client: httpx.AsyncClient) -> None:
        lead = await world.owned_lead(world.wang, "13800000001")
        project = await create(client, world.wang, lead_id=lead["id"])
        handed = await assign(client, project, world.east_leader, world.li.id, reason=" Wang is on leave ")
        assert (handed["rep_id"], handed["group_id"], handed["revision"]) == (str(world.li.id), str(world.east), 2)
        assert [(a["from_rep_id"], a["to_rep_id"], a["cause"], a["reason"], a["by"]) for a in handed["assignments"]
                ] == [(str(world.wang.id), str(world.li.id), "handed_over", "Wang is on leave",
                       str(world.east_leader.id))]
        # Wang no longer sees it; Li does.
        await get(client, project, world.wang, expect=404)
        await get(client, project, world.li)

        across = await assign(client, project, world.manager, world.zhou.id)
        assert (across["rep_id"], across["group_id"]) == (str(world.zhou.id), str(world.west))
        await get(client, project, world.east_leader, expect=404)
        await get(client, project, world.west_leader)
        announced = await events(world, "crm.project.reassigned.v1")
        assert [(e["to_rep_id"], e["reassigned_by"], e["group_id"], e["revision"]) for e in announced] == [
            (str(world.li.id), str(world.east_leader.id), str(world.east), 2),
            (str(world.zhou.id), str(world.manager.id), str(world.west), 3)]

    async def test_refusals_name_the_reason_and_write_nothing(self, world: World, client: httpx.AsyncClient) -> None:
        lead = await world.owned_lead(world.wang, "13800000001")
        project = await create(client, world.wang, lead_id=lead["id"])
        clerk = await world.hire("Tang Yi", Role.HR, world.sales, world.east)

        await assign(client, project, world.wang, world.li.id, expect=403)  # a rep does not hand over
        await assign(client, project, world.li, world.li.id, expect=403)
        await assign(client, project, world.west_leader, world.zhou.id, expect=404)  # not their group's
        await assign(client, project, world.other_manager, world.far_leader.id, expect=404)
        await assign(client, project, world.hr, world.li.id, expect=403)
        out_of_scope = await assign(client, project, world.east_leader, world.zhou.id, expect=403)
        assert "scope" in out_of_scope["detail"]
        unknown = await assign(client, project, world.east_leader, uuid.uuid4(), expect=422)
        assert unknown["errors"][0]["field"] == "rep_id"
        not_sales = await assign(client, project, world.east_leader, clerk.id, expect=422)
        assert not_sales["errors"][0]["field"] == "rep_id"
        await world.leave(world.sun)
        gone = await assign(client, project, world.east_leader, world.sun.id, expect=422)
        assert gone["errors"][0]["field"] == "rep_id"
        already = await assign(client, project, world.east_leader, world.wang.id, expect=409)
        assert "already" in already["detail"]
        malformed = await client.post(f"/projects/{project['id']}/assign", headers=world.east_leader.headers,
                                      json={"rep_id": "nobody"})
        assert malformed.status_code == 422
        await assign(client, {"id": str(uuid.uuid4())}, world.east_leader, world.li.id, expect=404)

        assert await world.rows("SELECT id FROM project_assignments") == []
        assert await events(world, "crm.project.reassigned.v1") == []
        after = await get(client, project, world.wang)
        assert (after["rep_id"], after["revision"]) == (str(world.wang.id), 1)
