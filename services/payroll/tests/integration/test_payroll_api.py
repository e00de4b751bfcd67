"""The payroll HTTP API: plans, runs, approval and locking, payslips — and who is refused what."""

from __future__ import annotations

import uuid

import httpx
from payroll_world import SALES, TELESALES, PayrollWorld, Tokens, closed, day, finalized, hired, paid

from shared.auth import Role
from shared.clock import shift_month

ANN, BAO = uuid.uuid4(), uuid.uuid4()


def plan_body(effective_from: str) -> dict:
    return {"effective_from": effective_from, "monthly_base": "3000.00", "performance_standard": "2000.00",
            "bonus_base": "1000.00", "commission_rate": "0.02"}


def early_plan(period: str) -> dict:
    """A plan in force since well before the period."""
    return plan_body(shift_month(period, -9))


async def computed_run(world: PayrollWorld, client: httpx.AsyncClient, tokens: Tokens) -> dict:
    """Last month's run computed for Ann (field sales) and Bao (telesales)."""
    period = world.period
    response = await client.put("/plans/sales_rep", json=early_plan(period), headers=tokens.headers(Role.HR))
    assert response.status_code == 200, response.text
    await world.deliver(hired(ANN, period, department_id=SALES, name="Ann"))
    await world.deliver(hired(BAO, period, department_id=TELESALES, name="Bao"))
    for event in (closed(period, count=2), finalized(ANN, period),
                  finalized(BAO, period, score="70", coefficient="1.0")):
        await world.deliver(event)
    runs = (await client.get("/runs", headers=tokens.headers(Role.FINANCE))).json()
    assert [run["period"] for run in runs] == [period]
    return runs[0]


async def approve_and_lock(client: httpx.AsyncClient, tokens: Tokens, run: dict) -> dict:
    """Four eyes: HR approves, finance (someone else) locks."""
    approved = await client.post(f"/runs/{run['id']}/approve", headers=tokens.headers(Role.HR))
    assert approved.status_code == 200, approved.text
    locked = await client.post(f"/runs/{run['id']}/lock", headers=tokens.headers(Role.FINANCE))
    assert locked.status_code == 200, locked.text
    return locked.json()


async def payslip_ids(client: httpx.AsyncClient, tokens: Tokens, run: dict) -> dict[str, str]:
    slips = (await client.get(f"/runs/{run['id']}/payslips", headers=tokens.headers(Role.HR))).json()
    return {slip["employee_id"]: slip["id"] for slip in slips}


# --- plans ------------------------------------------------------------------------------------------

async def test_hr_sets_plan_versions_and_managers_read_the_one_in_force(client, tokens, period) -> None:
    hr = tokens.headers(Role.HR)
    first = await client.put("/plans/sales_rep", json=early_plan(period), headers=hr)
    second = await client.put("/plans/sales_rep", json={**early_plan(period), "effective_from": shift_month(period, 1),
                                                         "monthly_base": "3300.00"}, headers=tokens.headers(Role.ADMIN))
    assert (first.status_code, second.status_code) == (200, 200)
    assert (first.json()["version"], second.json()["version"]) == (1, 2)
    assert first.json()["commission_rate"] == "0.020000"

    manager = tokens.headers(Role.DEPARTMENT_MANAGER, department_id=SALES)
    everything = (await client.get("/plans", headers=manager)).json()
    in_period = (await client.get("/plans", params={"period": period}, headers=manager)).json()
    assert [plan["version"] for plan in everything] == [1, 2]
    assert [(plan["version"], plan["monthly_base"]) for plan in in_period] == [(1, "3000.00")]


async def test_a_rep_neither_reads_nor_writes_plans(client, tokens, period) -> None:
    rep = tokens.headers(Role.SALES_REP)
    assert (await client.get("/plans", headers=rep)).status_code == 403
    refused = await client.put("/plans/sales_rep", json=early_plan(period), headers=rep)
    assert refused.status_code == 403
    assert "hr" in refused.json()["required_roles"]
    assert (await client.put("/plans/sales_rep", json=early_plan(period))).status_code == 401


async def test_a_bad_plan_names_the_field(client, tokens, period) -> None:
    hr = tokens.headers(Role.HR)
    plan = early_plan(period)
    cases = [({**plan, "commission_rate": "1.5"}, "commission_rate"),
             ({**plan, "monthly_base": "-1"}, "monthly_base"),
             ({**plan, "monthly_base": "10.005"}, "monthly_base"),
             ({**plan, "effective_from": "2026-13"}, "effective_from"),
             ({**plan, "surprise": 1}, "surprise")]
    for body, field in cases:
        response = await client.put("/plans/sales_rep", json=body, headers=hr)
        assert response.status_code == 422, body
        assert field in [error["field"] for error in response.json()["errors"]]
    unknown_role = await client.put("/plans/astronaut", json=plan, headers=hr)
    assert unknown_role.status_code == 422


async def test_a_plan_change_into_a_locked_period_is_a_conflict(world, client, tokens, period) -> None:
    run = await computed_run(world, client, tokens)
    # Into a draft period it is a new version, which the draft takes up when recomputed.
    draft = await client.put("/plans/sales_rep", json=plan_body(period), headers=tokens.headers(Role.HR))
    assert draft.status_code == 200, draft.text
    await approve_and_lock(client, tokens, run)
    refused = await client.put("/plans/sales_rep", json=plan_body(shift_month(period, -1)),
                               headers=tokens.headers(Role.HR))
    assert refused.status_code == 409
    assert refused.json()["latest_run_period"] == period
    later = await client.put("/plans/sales_rep", json=plan_body(shift_month(period, 1)),
                             headers=tokens.headers(Role.HR))
    assert later.status_code == 200


# --- runs -------------------------------------------------------------------------------------------

async def test_a_run_is_approved_then_locked_and_never_changes_again(world, client, tokens) -> None:
    run = await computed_run(world, client, tokens)
    hr, finance = tokens.headers(Role.HR), tokens.headers(Role.FINANCE)

    approved = await client.post(f"/runs/{run['id']}/approve", headers=hr)
    assert (approved.status_code, approved.json()["status"]) == (200, "approved")
    locked = await client.post(f"/runs/{run['id']}/lock", headers=finance)
    assert (locked.status_code, locked.json()["status"]) == (200, "locked")

    for action in ("lock", "approve"):
        refused = await client.post(f"/runs/{run['id']}/{action}", headers=hr)
        assert refused.status_code == 409, action
        assert refused.json()["run_status"] == "locked"
    after = (await client.get(f"/runs/{run['id']}", headers=hr)).json()
    assert after == locked.json()
    (event,) = await world.outbox("payroll.run.locked.v1")
    assert event["data"]["total_gross"] == run["total_gross"]


async def test_four_eyes_the_approver_may_not_lock_and_a_draft_is_approved_first(world, client, tokens) -> None:
    run = await computed_run(world, client, tokens)
    by = uuid.uuid4()
    officer = tokens.headers(Role.FINANCE, employee_id=by)
    unapproved = await client.post(f"/runs/{run['id']}/lock", headers=officer)
    assert (unapproved.status_code, unapproved.json()["run_status"]) == (409, "computed")
    assert (await client.post(f"/runs/{run['id']}/approve", headers=officer)).status_code == 200
    refused = await client.post(f"/runs/{run['id']}/lock", headers=officer)
    assert refused.status_code == 409
    assert "four eyes" in refused.json()["detail"] and refused.json()["approved_by"] == str(by)
    other = uuid.uuid4()
    locked = (await client.post(f"/runs/{run['id']}/lock", headers=tokens.headers(Role.HR, employee_id=other))).json()
    assert (locked["status"], locked["approved_by"], locked["locked_by"]) == ("locked", str(by), str(other))


async def test_a_rep_or_a_manager_can_neither_lock_nor_read_runs(world, client, tokens) -> None:
    run = await computed_run(world, client, tokens)
    for role in (Role.SALES_REP, Role.DEPARTMENT_MANAGER, Role.SALES_DIRECTOR):
        headers = tokens.headers(role, department_id=SALES)
        assert (await client.post(f"/runs/{run['id']}/lock", headers=headers)).status_code == 403
        assert (await client.post(f"/runs/{run['id']}/approve", headers=headers)).status_code == 403
        assert (await client.get("/runs", headers=headers)).status_code == 403
        assert (await client.get(f"/runs/{run['id']}/payslips", headers=headers)).status_code == 403
    status = (await client.get(f"/runs/{run['id']}", headers=tokens.headers(Role.HR))).json()["status"]
    assert status == "computed"


async def test_an_unknown_run_is_404(client, tokens) -> None:
    for method, path in (("GET", "/runs/{}"), ("POST", "/runs/{}/lock"), ("GET", "/runs/{}/payslips")):
        response = await client.request(method, path.format(uuid.uuid4()), headers=tokens.headers(Role.HR))
        assert response.status_code == 404


async def test_the_period_status_says_what_the_run_waits_for(world, client, tokens, period) -> None:
    hr = tokens.headers(Role.HR)
    await world.deliver(closed(period, count=2))
    await world.deliver(finalized(ANN, period, role=None))
    status = (await client.get(f"/periods/{period}", headers=hr)).json()
    assert (status["ready"], status["expected_results"], status["received_results"]) == (False, 2, 1)
    assert status["waiting_for"][0] == "appraisal results: 1 of 2 received"
    assert status["employees_without_role"] == [str(ANN)]
    assert (await client.get(f"/periods/{shift_month(period, -9)}", headers=hr)).status_code == 404
    assert (await client.get("/periods/2026-1", headers=hr)).status_code == 422
    for outside_the_calendar in ("0000-01", "9999-12"):
        assert (await client.get(f"/periods/{outside_the_calendar}", headers=hr)).status_code == 422


async def test_late_payments_are_listed_until_the_next_run_pays_them(world, client, tokens, period) -> None:
    run = await computed_run(world, client, tokens)
    await approve_and_lock(client, tokens, run)
    late = paid(ANN, "100.00", day(period, -1))
    await world.deliver(late)
    pending = (await client.get("/adjustments/pending", headers=tokens.headers(Role.FINANCE))).json()
    assert [(p["payment_id"], p["missed_run_id"]) for p in pending] == [(str(late.payment_id), run["id"])]
    assert (await client.get("/adjustments/pending", headers=tokens.headers(Role.SALES_REP))).status_code == 403


# --- payslips ---------------------------------------------------------------------------------------

async def test_an_employee_reads_only_their_own_payslip_and_only_once_locked(world, client, tokens, period) -> None:
    run = await computed_run(world, client, tokens)
    ids = await payslip_ids(client, tokens, run)
    ann = tokens.headers(Role.SALES_REP, employee_id=ANN, department_id=SALES)

    assert (await client.get(f"/payslips/{ids[str(ANN)]}", headers=ann)).status_code == 404  # still a draft
    assert (await client.get("/payslips/me", headers=ann)).json() == []
    await approve_and_lock(client, tokens, run)

    own = await client.get(f"/payslips/{ids[str(ANN)]}", headers=ann)
    assert own.status_code == 200
    assert own.json()["gross"] == "6400.00"  # 3000 + 2200 + 1200 + 0
    assert {line["rule"] for line in own.json()["lines"]} >= {"P1.base_salary", "P2.performance_pay"}
    assert (await client.get(f"/payslips/{ids[str(BAO)]}", headers=ann)).status_code == 404
    mine = (await client.get("/payslips/me", params={"period": period}, headers=ann)).json()
    assert [slip["employee_id"] for slip in mine] == [str(ANN)]
    earlier = shift_month(period, -1)
    assert (await client.get("/payslips/me", params={"period": earlier}, headers=ann)).json() == []
    listed = (await client.get("/payslips", headers=ann)).json()
    assert [slip["employee_id"] for slip in listed] == [str(ANN)]


async def test_a_department_manager_reads_their_department_s_payslips(world, client, tokens, period) -> None:
    run = await computed_run(world, client, tokens)
    ids = await payslip_ids(client, tokens, run)
    await approve_and_lock(client, tokens, run)
    manager = tokens.headers(Role.DEPARTMENT_MANAGER, department_id=SALES)

    assert (await client.get(f"/payslips/{ids[str(ANN)]}", headers=manager)).status_code == 200
    assert (await client.get(f"/payslips/{ids[str(BAO)]}", headers=manager)).status_code == 404
    listed = (await client.get("/payslips", params={"period": period}, headers=manager)).json()
    assert [slip["employee_id"] for slip in listed] == [str(ANN)]


async def test_hr_reads_every_payslip_and_an_unknown_one_is_404(world, client, tokens) -> None:
    run = await computed_run(world, client, tokens)
    ids = await payslip_ids(client, tokens, run)
    hr = tokens.headers(Role.HR)
    for payslip_id in ids.values():
        assert (await client.get(f"/payslips/{payslip_id}", headers=hr)).status_code == 200
    assert len((await client.get("/payslips", headers=hr)).json()) == 2
    assert (await client.get(f"/payslips/{uuid.uuid4()}", headers=hr)).status_code == 404
    assert (await client.get("/payslips/not-an-id", headers=hr)).status_code == 422
