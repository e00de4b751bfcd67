"""Templates for every role on the real database (issue 10 item 1): the group leader scored on
their group's results, the manager on the department's, each under the preset HR installed;
and a month scored under the role held at its end, whatever the role on the day it is closed."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import httpx
from appraisal_world import Person, Tokens, World, on

from shared.auth import Role
from shared.clock import first_day
from shared.events.crm import DealWon
from shared.events.org import EmployeeTransferred, GroupCreated
from shared.events.telesales import CallLogged


def won(rep: Person, amount: str, day) -> DealWon:
    return DealWon(deal_id=uuid.uuid4(), customer_id=uuid.uuid4(), rep_id=rep.id, amount=Decimal(amount),
                   signed_on=day)


def line(body: dict[str, Any], key: str) -> dict[str, Any]:
    return next(item for item in body["indicators"] if item["key"] == key)


async def install_role_presets(client: httpx.AsyncClient, tokens: Tokens) -> None:
    """The seeded sales template keeps the reps; the leaders and managers get their own."""
    sales = (await client.get("/templates/sales", headers=tokens.hr())).json()
    body = {"name": sales["name"], "roles": ["sales_rep"],
            "indicators": [{k: i[k] for k in ("key", "label", "source", "weight", "rule", "params")}
                           for i in sales["indicators"]]}
    assert (await client.put("/templates/sales", headers=tokens.hr(), json=body)).status_code == 200
    for preset, roles in (("group_leader", ["group_leader"]), ("department_manager", ["department_manager"])):
        installed = await client.post(f"/templates/presets/{preset}/install", headers=tokens.hr(),
                                      json={"roles": roles})
        assert installed.status_code == 201, installed.text


async def score(client: httpx.AsyncClient, tokens: Tokens, person: Person, period: str) -> dict[str, Any]:
    response = await client.get(f"/periods/{period}/employees/{person.id}/score", headers=tokens.hr())
    assert response.status_code == 200, response.text
    return response.json()


class TestLeadersAndManagers:
    async def test_scored_on_their_groups_and_departments_results(self, world: World, client, tokens: Tokens,
                                                                 period: str):
        await install_role_presets(client, tokens)
        deal = won(world.rep, "40000", on(period, 5))
        await world.apply(deal, deal, won(world.rep2, "60000", on(period, 6)), won(world.rep3, "10000", on(period, 7)))

        leader = await score(client, tokens, world.leader, period)
        assert leader["template_key"] == "group_leader"
        group = line(leader, "group_sales_amount")
        # East 1's two reps, the repeated deal once: 100 000 of 400 000 → 25 points × 20 % = 5.00.
        assert (group["raw_value"], group["inputs"], group["points"], group["contribution"]) == (
            "100000.00", 2, "25.00", "5.00")
        assert line(leader, "own_sales_amount")["raw_value"] == "0"
        assert line(await score(client, tokens, world.leader2, period), "group_sales_amount")["raw_value"] == "10000.00"

        manager = await score(client, tokens, world.manager, period)
        assert manager["template_key"] == "department_manager"
        department = line(manager, "department_sales_amount")
        assert (department["raw_value"], department["inputs"]) == ("110000.00", 3)
        # Telesales' manager sees none of it.
        assert line(await score(client, tokens, world.tele_manager, period), "department_sales_amount")[
            "raw_value"] == "0"

    async def test_inputs_that_outrun_the_hire_or_the_group_roll_up_when_they_arrive(
            self, runtime, client, tokens: Tokens, period: str):
        world = World(runtime)
        await world.apply(world.manager.hired(), world.leader.hired())
        await install_role_presets(client, tokens)
        deal = won(world.rep, "40000", on(period, 5))
        await world.apply(deal)  # before the directory knows the rep or their group
        await world.apply(world.rep.hired())
        manager = await score(client, tokens, world.manager, period)
        assert line(manager, "department_sales_amount")["raw_value"] == "40000.00"
        await world.apply(GroupCreated(group_id=world.east1, name="East 1", department_id=world.sales,
                                       leader_id=world.leader.id))
        leader = await score(client, tokens, world.leader, period)
        assert (line(leader, "group_sales_amount")["raw_value"], line(leader, "group_sales_amount")["inputs"]) == (
            "40000.00", 1)
        await world.apply(deal)  # a redelivery still counts once
        assert line(await score(client, tokens, world.leader, period), "group_sales_amount")["inputs"] == 1

    async def test_a_manager_hired_after_the_departments_inputs_gets_them_once(
            self, runtime, client, tokens: Tokens, period: str):
        world = World(runtime)
        await world.apply(world.leader.hired(), world.rep.hired())
        await install_role_presets(client, tokens)
        deal = won(world.rep, "25000", on(period, 7))
        await world.apply(deal)  # the department has no manager yet: nobody to roll it up to
        await world.apply(world.manager.hired())
        department = line(await score(client, tokens, world.manager, period), "department_sales_amount")
        assert (department["raw_value"], department["inputs"]) == ("25000.00", 1)
        await world.apply(deal, world.manager.hired())  # redelivered: still once
        department = line(await score(client, tokens, world.manager, period), "department_sales_amount")
        assert (department["raw_value"], department["inputs"]) == ("25000.00", 1)

    async def test_the_agents_intent_customers_count_once_per_lead(self, world: World, client, tokens: Tokens,
                                                                    period: str):
        installed = await client.put("/templates/telesales", headers=tokens.hr(), json={
            "name": "Agents (seed 003)", "roles": ["telesales_agent"], "indicators": [
                {"key": "intent", "source": "intent_customers", "weight": "100", "rule": "linear_to_target",
                 "params": {"target": "4"}}]})
        assert installed.status_code == 200, installed.text
        lead = uuid.uuid4()
        calls = [CallLogged(call_id=f"c-{n}", agent_id=world.agent.id, lead_id=lead if n < 2 else None,
                            started_at=first_day(period).isoformat() + "T02:00:00Z", call_date=on(period, 3 + n),
                            duration_seconds=90, connected=True, disposition="intent", effective=True)
                 for n in range(3)]
        await world.apply(*calls)
        intent = line(await score(client, tokens, world.agent, period), "intent")
        assert (intent["raw_value"], intent["points"]) == ("2.00", "50.00")


class TestRoleOfTheMonth:
    async def test_a_promotion_during_the_month_scores_the_month_in_the_new_role(
            self, world: World, client, tokens: Tokens, period: str):
        await install_role_presets(client, tokens)
        await world.apply(won(world.rep, "40000", on(period, 5)))
        assert (await score(client, tokens, world.rep, period))["template_key"] == "sales"
        await world.apply(EmployeeTransferred(
            employee_id=world.rep.id, effective_date=on(period, 20), from_department_id=world.sales,
            to_department_id=world.sales, from_group_id=world.east1, to_group_id=world.east1,
            from_role=Role.SALES_REP, to_role=Role.GROUP_LEADER))
        promoted = await score(client, tokens, world.rep, period)
        assert promoted["template_key"] == "group_leader" and promoted["role"] == "group_leader"
        assert line(promoted, "own_sales_amount")["raw_value"] == "40000.00"

    async def test_a_change_after_the_month_leaves_it_in_the_role_held_then(
            self, world: World, client, tokens: Tokens, period: str, clock):
        await install_role_presets(client, tokens)
        await world.apply(won(world.rep2, "30000", on(period, 5)))
        await world.apply(EmployeeTransferred(
            employee_id=world.rep2.id, effective_date=first_day(clock.month()), from_department_id=world.sales,
            to_department_id=world.sales, from_group_id=world.east1, to_group_id=world.east1,
            from_role=Role.SALES_REP, to_role=Role.GROUP_LEADER))
        assert (await score(client, tokens, world.rep2, period))["template_key"] == "sales"
        closed = await client.post(f"/periods/{period}/close", headers=tokens.hr(),
                                   json={"missing_stages_rule": "zero"})
        assert closed.status_code == 200, closed.text
        roles = {row["employee_id"]: row["role"] for row in closed.json()["results"]}
        assert roles[str(world.rep2.id)] == "sales_rep"
        assert roles[str(world.leader.id)] == "group_leader" and roles[str(world.manager.id)] == "department_manager"
