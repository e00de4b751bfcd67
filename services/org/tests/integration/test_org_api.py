"""The org API against a real, migrated PostgreSQL: behaviour, scope, refusals and the outbox."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import httpx
from org_company import Company, Tokens
from sqlalchemy import text

from shared.auth import Role
from shared.runtime import ServiceRuntime


async def outbox_types(runtime: ServiceRuntime) -> list[str]:
    async with runtime.engine.connect() as connection:
        rows = await connection.execute(text("SELECT event_type FROM outbox ORDER BY seq"))
        return [row.event_type for row in rows]


class TestBuildingTheOrganisation:
    async def test_departments_regions_plans_employees_and_groups(self, company: Company,
                                                                  client: httpx.AsyncClient) -> None:
        sales = await company.department()
        north = (await client.post(f"/departments/{sales['id']}/regions", json={"name": "North"},
                                   headers=company.admin)).json()
        await company.plan(sales, "group_leader", 1)
        await company.plan(sales, "sales_rep", 3)
        leader = await company.hire(sales, "Zhang Wei", "group_leader")
        group = await company.group("North 1", leader, region_id=north["id"])
        rep = await company.hire(sales, "Li Na", group_id=group["id"], manager_id=leader["id"])

        assert rep["region_id"] == north["id"], "a member of a regional group sits in its region"
        detail = (await client.get(f"/groups/{group['id']}", headers=company.admin)).json()
        assert detail["leader_id"] == leader["id"]
        assert sorted(member["name"] for member in detail["members"]) == ["Li Na", "Zhang Wei"]
        assert [term["leader_id"] for term in detail["leadership"]] == [leader["id"]]

        headcount = (await client.get(f"/departments/{sales['id']}/headcount", headers=company.admin)).json()
        assert {line["role"]: (line["planned"], line["filled"], line["vacancies"]) for line in headcount["lines"]} == {
            "group_leader": (1, 1, 0), "sales_rep": (3, 1, 2)}

        report = (await client.get("/groups/report", headers=company.admin)).json()
        assert [(row["name"], row["size"], row["load"]) for row in report] == [("North 1", 2, 2)]

        regions = (await client.get(f"/departments/{sales['id']}/regions", headers=company.admin)).json()
        assert [region["name"] for region in regions] == ["North"]

    async def test_transfer_keeps_history_and_leaving_closes_it(self, company: Company,
                                                               client: httpx.AsyncClient) -> None:
        sales = await company.department()
        telesales = await company.department("Telesales", "telesales")
        await company.plan(sales, "sales_rep", 1)
        await company.plan(telesales, "telesales_agent", 1)
        rep = await company.hire(sales, "Li Na")

        moved = await client.post(f"/employees/{rep['id']}/transfers", headers=company.admin, json={
            "effective_date": company.after_hire(147), "to_department_id": telesales["id"],
            "to_role": "telesales_agent", "reason": "better on the phone"})
        assert moved.status_code == 200, moved.text
        left = await client.post(f"/employees/{rep['id']}/leave", headers=company.admin,
                                 json={"left_on": company.after_hire(267), "reason": "moved city"})
        assert left.json()["status"] == "left"

        history = (await client.get(f"/employees/{rep['id']}/history", headers=company.admin)).json()
        assert [(h["role"], h["valid_from"], h["valid_to"], h["reason"]) for h in history] == [
            ("sales_rep", company.after_hire(0), company.after_hire(147), "hired"),
            ("telesales_agent", company.after_hire(147), company.after_hire(267), "better on the phone"),
        ]

    async def test_group_leader_change_keeps_the_previous_leader_as_member(self, company: Company,
                                                                          client: httpx.AsyncClient) -> None:
        sales = await company.department()
        await company.plan(sales, "group_leader", 2)
        first = await company.hire(sales, "First", "group_leader")
        second = await company.hire(sales, "Second", "group_leader")
        group = await company.group("East", first)

        changed = await client.put(f"/groups/{group['id']}/leader", headers=company.admin,
                                   json={"leader_id": second["id"], "effective_date": company.today.isoformat()})

        assert changed.status_code == 200, changed.text
        assert changed.json()["leader_id"] == second["id"]
        assert (await company.employee(first["id"]))["group_id"] == group["id"]
        assert (await company.employee(second["id"]))["group_id"] == group["id"]

    async def test_employees_are_filtered_and_paginated(self, company: Company, client: httpx.AsyncClient) -> None:
        sales = await company.department()
        await company.plan(sales, "sales_rep", 5)
        await company.plan(sales, "sales_assistant", 1)
        for name in ("Ann", "Bob", "Cai"):
            await company.hire(sales, name)
        await company.hire(sales, "Dai", "sales_assistant")

        page = (await client.get("/employees", params={"role": "sales_rep", "limit": 2, "offset": 1},
                                 headers=company.admin)).json()

        assert (page["total"], [item["name"] for item in page["items"]]) == (3, ["Bob", "Cai"])


class TestOutbox:
    async def test_a_hire_writes_its_event_and_a_refused_hire_writes_nothing(
            self, company: Company, runtime: ServiceRuntime, client: httpx.AsyncClient) -> None:
        sales = await company.department()
        await company.plan(sales, "sales_rep", 1)
        await company.hire(sales, "Li Na")
        assert (await outbox_types(runtime)).count("org.employee.hired.v1") == 1

        refused = await client.post("/employees", headers=company.admin, json={
            "name": "One too many", "role": "sales_rep", "department_id": sales["id"],
            "hired_on": company.after_hire(26)})

        assert refused.status_code == 409
        assert (await outbox_types(runtime)).count("org.employee.hired.v1") == 1
        page = (await client.get("/employees", headers=company.admin)).json()
        assert [item["name"] for item in page["items"]] == ["Li Na"]

    async def test_every_change_is_announced_in_order(self, company: Company, runtime: ServiceRuntime) -> None:
        sales = await company.department()
        await company.plan(sales, "group_leader", 1)
        leader = await company.hire(sales, "Leader", "group_leader")
        await company.group("East", leader)

        assert await outbox_types(runtime) == [
            "org.department.created.v1", "org.headcount.plan_changed.v1", "org.employee.hired.v1",
            "org.group.created.v1", "org.employee.transferred.v1",
        ]


class TestAccess:
    async def test_data_scope_of_reps_leaders_and_managers(self, company: Company, tokens: Tokens,
                                                           client: httpx.AsyncClient) -> None:
        sales = await company.department()
        await company.plan(sales, "group_leader", 2)
        await company.plan(sales, "sales_rep", 2)
        await company.plan(sales, "department_manager", 1)
        east_leader = await company.hire(sales, "East leader", "group_leader")
        west_leader = await company.hire(sales, "West leader", "group_leader")
        east = await company.group("East", east_leader)
        west = await company.group("West", west_leader)
        east_rep = await company.hire(sales, "East rep", group_id=east["id"])
        west_rep = await company.hire(sales, "West rep", group_id=west["id"])
        manager = await company.hire(sales, "Manager", "department_manager")

        rep_token = tokens.of(east_rep)
        assert (await client.get(f"/employees/{east_rep['id']}", headers=rep_token)).status_code == 200
        other = await client.get(f"/employees/{west_rep['id']}", headers=rep_token)
        assert other.status_code == 404
        unknown = await client.get(f"/employees/{uuid.uuid4()}", headers=rep_token)
        assert other.json()["title"] == unknown.json()["title"], "out of scope reads like missing"
        assert (await client.get(f"/employees/{west_rep['id']}/history", headers=rep_token)).status_code == 404

        leader_token = tokens.of(await company.employee(east_leader["id"]), Role.GROUP_LEADER)
        assert (await client.get(f"/employees/{east_rep['id']}", headers=leader_token)).status_code == 200
        assert (await client.get(f"/employees/{west_rep['id']}", headers=leader_token)).status_code == 404
        visible_groups = (await client.get("/groups", headers=leader_token)).json()
        assert [group["name"] for group in visible_groups] == ["East"]
        assert (await client.get(f"/groups/{west['id']}", headers=leader_token)).status_code == 404

        manager_token = tokens.of(manager)
        everyone = (await client.get("/employees", headers=manager_token)).json()
        assert everyone["total"] == 5
        assert (await client.get("/employees", headers=rep_token)).json()["total"] == 1
        assert (await client.get(f"/departments/{sales['id']}/headcount", headers=manager_token)).status_code == 200
        assert (await client.get(f"/departments/{sales['id']}/headcount", headers=rep_token)).status_code == 404

        rep_view_of_east = (await client.get(f"/groups/{east['id']}", headers=rep_token)).json()
        assert [member["name"] for member in rep_view_of_east["members"]] == ["East rep"]

    async def test_departments_are_listed_within_scope(self, company: Company, tokens: Tokens,
                                                       client: httpx.AsyncClient) -> None:
        sales = await company.department()
        telesales = await company.department("Telesales", "telesales")
        rep_token = tokens.headers(Role.SALES_REP, department_id=sales["id"])

        assert [d["name"] for d in (await client.get("/departments", headers=rep_token)).json()] == ["Field sales"]
        assert (await client.get(f"/departments/{telesales['id']}", headers=rep_token)).status_code == 404
        listed = (await client.get("/departments", headers=tokens.headers(Role.FINANCE))).json()
        assert [d["name"] for d in listed] == ["Field sales", "Telesales"]

    async def test_writes_need_admin_or_hr_and_reads_need_a_token(self, company: Company, tokens: Tokens,
                                                                   client: httpx.AsyncClient) -> None:
        body = {"name": "Marketing", "kind": "marketing"}
        as_rep = await client.post("/departments", json=body, headers=tokens.headers(Role.SALES_REP))
        assert as_rep.status_code == 403
        assert as_rep.headers["content-type"] == "application/problem+json"
        assert (await client.post("/departments", json=body)).status_code == 401
        assert (await client.get("/employees")).status_code == 401
        bad_token = {"Authorization": "Bearer not-a-token"}
        assert (await client.get("/me", headers=bad_token)).status_code == 401
        as_hr = await client.post("/departments", json=body, headers=tokens.headers(Role.HR))
        assert as_hr.status_code == 201

    async def test_hr_cannot_make_an_admin(self, company: Company, tokens: Tokens, client: httpx.AsyncClient) -> None:
        admin_department = await company.department("Administration", "admin")
        await company.plan(admin_department, "admin", 2)
        body = {"name": "Sneaky", "role": "admin", "department_id": admin_department["id"],
                "hired_on": company.after_hire(0)}

        refused = await client.post("/employees", json=body, headers=tokens.headers(Role.HR))

        assert refused.status_code == 403

    async def test_me_returns_the_callers_own_record(self, company: Company, tokens: Tokens,
                                                     client: httpx.AsyncClient) -> None:
        sales = await company.department()
        await company.plan(sales, "sales_rep", 1)
        rep = await company.hire(sales, "Li Na")

        assert (await client.get("/me", headers=tokens.of(rep))).json()["id"] == rep["id"]
        assert (await client.get("/me", headers=tokens.headers(Role.SYSTEM))).status_code == 404


class TestBadInput:
    async def test_invalid_payload_names_each_field(self, company: Company, client: httpx.AsyncClient) -> None:
        response = await client.post("/employees", headers=company.admin, json={
            "name": "", "role": "wizard", "hired_on": "yesterday", "password": "short", "surprise": 1})

        assert response.status_code == 422
        fields = {error["field"] for error in response.json()["errors"]}
        assert {"name", "role", "hired_on", "department_id", "password", "surprise"} <= fields

    async def test_an_unknown_role_in_the_path_and_a_negative_plan_are_invalid(
            self, company: Company, client: httpx.AsyncClient) -> None:
        sales = await company.department()
        response = await client.put(f"/departments/{sales['id']}/headcount/wizard", json={"planned": -1},
                                    headers=company.admin)
        assert response.status_code == 422
        assert {error["field"] for error in response.json()["errors"]} == {"role", "planned"}

    async def test_contextual_mistakes_name_their_field(self, company: Company, client: httpx.AsyncClient) -> None:
        sales = await company.department()
        await company.plan(sales, "sales_rep", 2)
        rep = await company.hire(sales, "Li Na")
        tomorrow = (company.today + timedelta(days=1)).isoformat()

        future = await client.post(f"/employees/{rep['id']}/transfers", headers=company.admin,
                                   json={"effective_date": tomorrow, "to_role": "sales_assistant"})
        before_hire = await client.post(f"/employees/{rep['id']}/leave", headers=company.admin,
                                        json={"left_on": company.after_hire(-6)})
        login_alone = await client.post("/employees", headers=company.admin, json={
            "name": "Wang", "role": "sales_rep", "department_id": sales["id"], "hired_on": company.after_hire(0),
            "login": "wang"})

        assert [(r.status_code, r.json()["errors"][0]["field"]) for r in (future, before_hire, login_alone)] == [
            (422, "effective_date"), (422, "left_on"), (422, "password")]

    async def test_unknown_ids_are_not_found(self, company: Company, client: httpx.AsyncClient) -> None:
        nobody = uuid.uuid4()
        sales = await company.department()
        responses = [
            await client.get(f"/employees/{nobody}", headers=company.admin),
            await client.get(f"/groups/{nobody}", headers=company.admin),
            await client.get(f"/departments/{nobody}", headers=company.admin),
            await client.post(f"/employees/{nobody}/transfers", headers=company.admin,
                              json={"effective_date": company.after_hire(146), "to_role": "hr"}),
            await client.post("/employees", headers=company.admin, json={
                "name": "Wang", "role": "sales_rep", "department_id": str(nobody), "hired_on": company.after_hire(0)}),
            await client.post("/groups", headers=company.admin, json={
                "name": "East", "department_id": sales["id"], "leader_id": str(nobody)}),
        ]
        assert [response.status_code for response in responses] == [404] * len(responses)
        assert responses[-1].json()["field"] == "leader_id"

    async def test_text_the_database_cannot_store_is_refused_as_invalid(self, company: Company,
                                                                        client: httpx.AsyncClient) -> None:
        response = await client.post("/departments", json={"name": "Sales\u0000", "kind": "field_sales"},
                                     headers=company.admin)
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "name"


class TestConflicts:
    async def test_hire_beyond_plan_says_planned_and_filled(self, company: Company, client: httpx.AsyncClient) -> None:
        sales = await company.department()
        response = await client.post("/employees", headers=company.admin, json={
            "name": "Wang", "role": "sales_rep", "department_id": sales["id"], "hired_on": company.after_hire(0)})
        assert response.status_code == 409
        assert (response.json()["planned"], response.json()["filled"]) == (0, 0)

    async def test_a_second_group_for_one_leader_is_refused(self, company: Company, client: httpx.AsyncClient) -> None:
        sales = await company.department()
        await company.plan(sales, "group_leader", 1)
        leader = await company.hire(sales, "Leader", "group_leader")
        east = await company.group("East", leader)

        response = await client.post("/groups", headers=company.admin, json={
            "name": "West", "department_id": sales["id"], "leader_id": leader["id"]})

        assert response.status_code == 409
        assert response.json()["conflicting_group_id"] == east["id"]

    async def test_a_cycle_in_the_reporting_line_is_refused(self, company: Company, client: httpx.AsyncClient) -> None:
        sales = await company.department()
        await company.plan(sales, "sales_rep", 3)
        top = await company.hire(sales, "Top")
        middle = await company.hire(sales, "Middle", manager_id=top["id"])
        bottom = await company.hire(sales, "Bottom", manager_id=middle["id"])

        response = await client.post(f"/employees/{top['id']}/transfers", headers=company.admin,
                                     json={"effective_date": company.after_hire(146), "to_manager_id": bottom["id"]})

        assert response.status_code == 409
        assert response.json()["cycle"] == [top["id"], bottom["id"], middle["id"], top["id"]]
        assert (await company.employee(top["id"]))["manager_id"] is None

    async def test_a_duplicate_login_names_its_holder(self, company: Company, client: httpx.AsyncClient) -> None:
        sales = await company.department()
        await company.plan(sales, "sales_rep", 2)
        holder = await company.hire(sales, "Li Na", login="lina", password="correct horse")

        response = await client.post("/employees", headers=company.admin, json={
            "name": "Li Na", "role": "sales_rep", "department_id": sales["id"], "hired_on": company.after_hire(0),
            "login": "LiNa", "password": "battery staple"})

        assert response.status_code == 409
        assert response.json()["conflicting_employee_id"] == holder["id"]

    async def test_racing_hires_with_one_login_give_one_employee_and_conflicts(
            self, company: Company, client: httpx.AsyncClient) -> None:
        sales = await company.department()
        roles = ("sales_rep", "sales_assistant", "supervisor")
        for role in roles:
            await company.plan(sales, role, 1)

        responses = await asyncio.gather(*(
            client.post("/employees", headers=company.admin, json={
                "name": f"Racer {role}", "role": role, "department_id": sales["id"], "hired_on": company.after_hire(0),
                "login": "racer", "password": "correct horse"})
            for role in roles))

        assert sorted(response.status_code for response in responses) == [201, 409, 409]

    async def test_racing_transfers_that_would_close_a_loop_let_exactly_one_through(
            self, company: Company, client: httpx.AsyncClient) -> None:
        sales = await company.department()
        await company.plan(sales, "sales_rep", 2)
        ann, bob = await company.hire(sales, "Ann"), await company.hire(sales, "Bob")

        responses = await asyncio.gather(
            client.post(f"/employees/{ann['id']}/transfers", headers=company.admin,
                        json={"effective_date": company.after_hire(146), "to_manager_id": bob["id"]}),
            client.post(f"/employees/{bob['id']}/transfers", headers=company.admin,
                        json={"effective_date": company.after_hire(146), "to_manager_id": ann["id"]}),
        )

        assert sorted(response.status_code for response in responses) == [200, 409]

    async def test_racing_hires_never_exceed_the_plan(self, company: Company, client: httpx.AsyncClient) -> None:
        sales = await company.department()
        await company.plan(sales, "sales_rep", 2)

        responses = await asyncio.gather(*(
            client.post("/employees", headers=company.admin, json={
                "name": f"Rep {number}", "role": "sales_rep", "department_id": sales["id"],
                "hired_on": company.after_hire(0)})
            for number in range(5)))

        assert sorted(response.status_code for response in responses) == [201, 201, 409, 409, 409]


class TestCredentials:
    async def test_the_gateway_verifies_logins_of_current_employees(self, company: Company, tokens: Tokens,
                                                                     client: httpx.AsyncClient) -> None:
        sales = await company.department()
        await company.plan(sales, "sales_rep", 1)
        rep = await company.hire(sales, "Li Na", login="lina", password="correct horse")
        gateway = tokens.headers(Role.SYSTEM)
        right = {"login": "lina", "password": "correct horse"}

        verified = await client.post("/internal/credentials/verify", json=right, headers=gateway)
        assert verified.status_code == 200
        assert verified.json() == {"employee_id": rep["id"], "name": "Li Na", "roles": ["sales_rep"],
                                   "group_id": None, "department_id": sales["id"]}

        wrong = await client.post("/internal/credentials/verify", headers=gateway,
                                  json={"login": "lina", "password": "wrong horse"})
        assert (wrong.status_code, wrong.headers["content-type"]) == (401, "application/problem+json")
        unknown = await client.post("/internal/credentials/verify", headers=gateway,
                                    json={"login": "x" * 200, "password": "y" * 1024})
        assert unknown.status_code == 401
        assert (await client.post("/internal/credentials/verify", json=right,
                                  headers=company.admin)).status_code == 403
        assert (await client.post("/internal/credentials/verify", json=right)).status_code == 401

        await client.post(f"/employees/{rep['id']}/leave", headers=company.admin,
                          json={"left_on": company.after_hire(54)})
        after_leaving = await client.post("/internal/credentials/verify", json=right, headers=gateway)
        assert after_leaving.status_code == 401
