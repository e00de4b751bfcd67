"""Expense claims (P7) and payslip disputes (P8) over HTTP on the real database: standards at
approval, who may decide and read, each claim and accepted dispute paid once by the next run."""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal

import httpx
from payroll_world import SALES, TELESALES, PayrollWorld, Tokens, closed, finalized, hired
from sqlalchemy import text

from shared.auth import Role
from shared.clock import Clock, first_day, shift_month

ANN, BAO, MEI = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def claim_body(amount: str, category: str = "travel", *, incurred_on: str, receipts: list[str] | None = None) -> dict:
    return {"category": category, "incurred_on": incurred_on, "amount": amount, "description": "client visit",
            "receipts": [{"amount": each, "note": f"receipt {n}"} for n, each in enumerate(receipts or [amount])]}


async def staffed(world: PayrollWorld) -> None:
    """Ann and Bao are reps of the sales department, Mei of telesales; a plan is in force."""
    await world.set_plan()
    for who, name, department in ((ANN, "Ann", SALES), (BAO, "Bao", SALES), (MEI, "Mei", TELESALES)):
        await world.deliver(hired(who, world.period, department_id=department, name=name))


async def pay(world: PayrollWorld, client: httpx.AsyncClient, tokens: Tokens, period: str) -> dict:
    """Close the period for the three reps and return its computed run."""
    await world.deliver(closed(period, count=3))
    for who in (ANN, BAO, MEI):
        await world.deliver(finalized(who, period))
    runs = (await client.get("/runs", headers=tokens.headers(Role.FINANCE))).json()
    (run,) = [run for run in runs if run["period"] == period]
    return run


async def slips(client: httpx.AsyncClient, tokens: Tokens, run: dict) -> dict[str, dict]:
    found = (await client.get(f"/runs/{run['id']}/payslips", headers=tokens.headers(Role.HR))).json()
    return {slip["employee_id"]: slip for slip in found}


def lines_of(slip: dict, rule: str) -> list[dict]:
    return [line for line in slip["lines"] if line["rule"] == rule]


def fields(response: httpx.Response) -> list[str]:
    body = response.json()
    return [error["field"] for error in body.get("errors", [])] or [body.get("field")]


# --- claims -----------------------------------------------------------------------------------------

async def test_claims_are_approved_within_the_standards_and_reimbursed_once(world, client, tokens, clock: Clock
                                                                             ) -> None:
    await staffed(world)
    today, month_start = clock.today().isoformat(), first_day(clock.month()).isoformat()
    ann = tokens.headers(Role.SALES_REP, employee_id=ANN, department_id=SALES)
    manager = tokens.headers(Role.DEPARTMENT_MANAGER, department_id=SALES)

    travel = await client.post("/expenses", json=claim_body("620.00", incurred_on=today,
                                                            receipts=["400.00", "220.00"]), headers=ann)
    assert travel.status_code == 201, travel.text
    assert (travel.json()["status"], travel.json()["department_id"]) == ("submitted", str(SALES))
    phone = [(await client.post("/expenses", json=claim_body(amount, "communication", incurred_on=on),
                                headers=ann)).json() for amount, on in (("150.00", month_start), ("80.00", today))]

    decided = await client.post(f"/expenses/{travel.json()['id']}/approve", headers=manager)
    assert decided.status_code == 200, decided.text
    assert (decided.json()["amount"], decided.json()["approved_amount"], decided.json()["refused_amount"]) == (
        "620.00", "500.00", "120.00")
    assert "travel standard is 500.00 per day" in decided.json()["reason"]
    first, second = [(await client.post(f"/expenses/{item['id']}/approve", headers=manager)).json()
                     for item in phone]
    assert (first["approved_amount"], first["refused_amount"], first["reason"]) == ("150.00", "0.00", None)
    assert (second["approved_amount"], second["refused_amount"]) == ("50.00", "30.00")
    assert "communication standard is 200.00 per month" in second["reason"]
    again = await client.post(f"/expenses/{travel.json()['id']}/approve", headers=manager)
    assert again.status_code == 409

    run = await pay(world, client, tokens, world.period)
    paid = lines_of((await slips(client, tokens, run))[str(ANN)], "P7.expense")
    assert sorted((line["inputs"]["category"], line["amount"]) for line in paid) == [
        ("communication", "150.00"), ("communication", "50.00"), ("travel", "500.00")]
    assert {line["inputs"]["claim_id"] for line in paid} == {travel.json()["id"], *(item["id"] for item in phone)}
    assert all(line["inputs"]["incurred_on"] in (today, month_start) for line in paid)
    assert (await slips(client, tokens, run))[str(ANN)]["gross"] == str(
        Decimal("3000.00") + Decimal("2200.00") + Decimal("1200.00") + Decimal("700.00"))
    reimbursed = (await client.get(f"/expenses/{travel.json()['id']}", headers=ann)).json()
    assert (reimbursed["paid_run_id"], reimbursed["paid_period"]) == (run["id"], world.period)

    # A redelivered close computes nothing again, and the next run does not pay the claims twice.
    await world.deliver(closed(world.period, count=3))
    assert len(await world.runs()) == 1
    await approve_and_lock(client, tokens, run["id"])
    following = await pay(world, client, tokens, shift_month(world.period, 1))
    assert lines_of((await slips(client, tokens, following))[str(ANN)], "P7.expense") == []


async def test_a_claim_approved_after_a_run_waits_for_the_next_one(world, client, tokens, clock: Clock) -> None:
    await staffed(world)
    first_run = await pay(world, client, tokens, world.period)
    ann = tokens.headers(Role.SALES_REP, employee_id=ANN, department_id=SALES)
    living = (await client.post("/expenses", json=claim_body("99.99", "living", incurred_on=clock.today().isoformat()),
                                headers=ann)).json()
    approved = await client.post(f"/expenses/{living['id']}/approve", headers=tokens.headers(Role.FINANCE))
    assert approved.json()["approved_amount"] == "99.99"
    assert lines_of((await slips(client, tokens, first_run))[str(ANN)], "P7.expense") == []
    following = await pay(world, client, tokens, shift_month(world.period, 1))
    (line,) = lines_of((await slips(client, tokens, following))[str(ANN)], "P7.expense")
    assert (line["amount"], line["inputs"]["claim_id"], line["inputs"]["category"]) == ("99.99", living["id"], "living")


async def test_a_bad_claim_is_422_naming_the_field_and_nothing_is_stored(world, client, tokens, clock: Clock) -> None:
    await staffed(world)
    today = clock.today().isoformat()
    ann = tokens.headers(Role.SALES_REP, employee_id=ANN, department_id=SALES)
    cases = [
        (claim_body("10.00", "lunch", incurred_on=today), "category"),
        (claim_body("0.00", incurred_on=today, receipts=["1.00"]), "amount"),
        (claim_body("-5.00", incurred_on=today), "amount"),
        (claim_body("10.00", incurred_on=today, receipts=["4.00", "5.00"]), "amount"),
        (claim_body("10.00", incurred_on=today, receipts=["11.00", "-1.00"]), "receipts.1.amount"),
        ({**claim_body("10.00", incurred_on=today), "receipts": []}, "receipts"),
        (claim_body("10.00", incurred_on=first_day(shift_month(clock.month(), 1)).isoformat()), "incurred_on"),
        (claim_body("10.00", incurred_on="0"), "incurred_on"),
    ]
    for body, field in cases:
        response = await client.post("/expenses", json=body, headers=ann)
        assert response.status_code == 422, (body, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert any(field in str(each) for each in fields(response)), (field, response.json())
    assert (await client.get("/expenses", headers=tokens.headers(Role.HR))).json() == []
    refused = await client.post(f"/expenses/{uuid.uuid4()}/refuse", json={"reason": ""},
                                headers=tokens.headers(Role.HR))
    assert refused.status_code == 422


async def test_who_reads_approves_and_refuses_claims(world, client, tokens, clock: Clock) -> None:
    await staffed(world)
    today = clock.today().isoformat()
    ann = tokens.headers(Role.SALES_REP, employee_id=ANN, department_id=SALES)
    bao = tokens.headers(Role.SALES_REP, employee_id=BAO, department_id=SALES)
    own_manager_id = uuid.uuid4()
    manager = tokens.headers(Role.DEPARTMENT_MANAGER, employee_id=own_manager_id, department_id=SALES)
    other_manager = tokens.headers(Role.DEPARTMENT_MANAGER, department_id=TELESALES)
    claim = (await client.post("/expenses", json=claim_body("30.00", incurred_on=today), headers=ann)).json()
    path = f"/expenses/{claim['id']}"

    # Another rep, and the manager of another department, see nothing.
    for outsider in (bao, other_manager, tokens.headers(Role.SALES_DIRECTOR)):
        assert (await client.get(path, headers=outsider)).status_code == 404
        assert (await client.post(f"{path}/approve", headers=outsider)).status_code == 404
        assert (await client.get("/expenses", headers=outsider)).json() == []
    # The claimant reads it but may not decide it; nor may a manager decide their own.
    assert (await client.get(path, headers=ann)).status_code == 200
    assert (await client.post(f"{path}/approve", headers=ann)).status_code == 403
    own = (await client.post("/expenses", json=claim_body("20.00", incurred_on=today), headers=manager)).json()
    assert (await client.post(f"/expenses/{own['id']}/approve", headers=manager)).status_code == 403
    assert (await client.get(path, headers=manager)).status_code == 200
    pending = (await client.get("/expenses", params={"status": "submitted"}, headers=manager)).json()
    assert {c["id"] for c in pending} == {claim["id"], own["id"]}
    assert (await client.get("/expenses", params={"status": "approved"}, headers=manager)).json() == []

    refused = await client.post(f"{path}/refuse", json={"reason": "no trip was planned"}, headers=manager)
    assert refused.status_code == 200
    assert (refused.json()["status"], refused.json()["approved_amount"], refused.json()["refused_amount"],
            refused.json()["reason"], refused.json()["decided_by"]) == (
        "refused", "0.00", "30.00", "no trip was planned", str(own_manager_id))
    assert (await client.post(f"{path}/approve", headers=tokens.headers(Role.HR))).status_code == 409
    everything = (await client.get("/expenses", headers=tokens.headers(Role.FINANCE))).json()
    assert {c["id"] for c in everything} == {claim["id"], own["id"]}
    standards = (await client.get("/expense-standards", headers=ann)).json()
    assert [(s["category"], s["per"], s["cap"]) for s in standards] == [
        ("communication", "month", "200.00"), ("living", "day", "150.00"), ("travel", "day", "500.00")]
    assert (await client.get("/expenses")).status_code == 401
    for unknown in (f"/expenses/{uuid.uuid4()}", f"/disputes/{uuid.uuid4()}", f"/payslips/{uuid.uuid4()}/disputes"):
        assert (await client.get(unknown, headers=tokens.headers(Role.HR))).status_code == 404
    assert (await client.post(f"/expenses/{uuid.uuid4()}/approve", headers=tokens.headers(Role.HR))).status_code == 404


async def test_the_approving_department_comes_from_the_directory_replica(world, client, tokens, clock: Clock) -> None:
    await staffed(world)
    # A token that says nothing of Ann's department: the replica places her in sales.
    ann = tokens.headers(Role.SALES_REP, employee_id=ANN)
    claim = (await client.post("/expenses", json=claim_body("12.00", incurred_on=clock.today().isoformat()),
                               headers=ann)).json()
    assert claim["department_id"] == str(SALES)
    telesales_manager = tokens.headers(Role.DEPARTMENT_MANAGER, department_id=TELESALES)
    assert (await client.post(f"/expenses/{claim['id']}/approve", headers=telesales_manager)).status_code == 404
    sales_manager = tokens.headers(Role.DEPARTMENT_MANAGER, department_id=SALES)
    assert (await client.post(f"/expenses/{claim['id']}/approve", headers=sales_manager)).status_code == 200


# --- disputes ---------------------------------------------------------------------------------------

async def approve_and_lock(client, tokens, run_id: str) -> None:
    """Four eyes (P8): HR approves, finance locks."""
    approved = await client.post(f"/runs/{run_id}/approve", headers=tokens.headers(Role.HR))
    assert approved.status_code == 200, approved.text
    locked = await client.post(f"/runs/{run_id}/lock", headers=tokens.headers(Role.FINANCE))
    assert locked.status_code == 200, locked.text


async def test_a_dispute_resolved_in_the_employee_s_favour_is_paid_once_by_the_next_run(world, client, tokens
                                                                                        ) -> None:
    await staffed(world)
    run = await pay(world, client, tokens, world.period)
    slip = (await slips(client, tokens, run))[str(ANN)]
    ann = tokens.headers(Role.SALES_REP, employee_id=ANN, department_id=SALES)
    bao = tokens.headers(Role.SALES_REP, employee_id=BAO, department_id=SALES)
    finance = tokens.headers(Role.FINANCE)
    commission = next(n for n, line in enumerate(slip["lines"]) if line["rule"] == "P4.commission")
    path = f"/payslips/{slip['id']}/lines/{commission}/disputes"

    draft = await client.post(path, json={"comment": "a payment is missing"}, headers=ann)
    assert draft.status_code == 409, draft.text
    await approve_and_lock(client, tokens, run["id"])

    assert (await client.post(path, json={"comment": "mine?"}, headers=bao)).status_code == 404
    assert (await client.post(path, json={"comment": "mine?"}, headers=finance)).status_code == 404
    beyond = await client.post(f"/payslips/{slip['id']}/lines/99/disputes", json={"comment": "x"}, headers=ann)
    assert (beyond.status_code, fields(beyond)) == (422, ["line"])
    empty = await client.post(path, json={"comment": ""}, headers=ann)
    assert (empty.status_code, fields(empty)) == (422, ["comment"])

    opened = await client.post(path, json={"comment": "a payment of 5000.00 is missing"}, headers=ann)
    assert opened.status_code == 201, opened.text
    dispute = opened.json()
    assert (dispute["line"], dispute["line_rule"], dispute["status"]) == (commission, "P4.commission", "open")
    second = await client.post(path, json={"comment": "again"}, headers=ann)
    assert (second.status_code, second.json()["field"]) == (409, "line")

    disputes_path = f"/disputes/{dispute['id']}"
    assert (await client.post(f"{disputes_path}/answers", json={"comment": "x"}, headers=ann)).status_code == 403
    assert (await client.post(f"{disputes_path}/resolve", json={"comment": "x", "outcome": "accepted",
                                                                "amount": "1.00"},
                              headers=tokens.headers(Role.HR))).status_code == 403
    assert (await client.get(disputes_path, headers=bao)).status_code == 404
    answered = await client.post(f"{disputes_path}/answers", json={"comment": "checking with crm"}, headers=finance)
    assert answered.json()["status"] == "answered"
    no_amount = await client.post(f"{disputes_path}/resolve", json={"comment": "ok", "outcome": "accepted"},
                                  headers=finance)
    assert (no_amount.status_code, fields(no_amount)) == (422, ["amount"])
    negative = await client.post(f"{disputes_path}/resolve", json={"comment": "ok", "outcome": "accepted",
                                                                   "amount": "-3.00"}, headers=finance)
    assert negative.status_code == 422
    resolved = await client.post(f"{disputes_path}/resolve", json={"comment": "payment found",
                                                                   "outcome": "accepted", "amount": "100.00"},
                                 headers=finance)
    assert (resolved.status_code, resolved.json()["status"]) == (200, "accepted")

    history = (await client.get(f"/payslips/{slip['id']}/disputes", headers=ann)).json()
    assert [(e["author"], e["kind"], e["status"]) for e in history[0]["history"]] == [
        ("employee", "comment", "open"), ("finance", "answer", "answered"), ("finance", "resolution", "accepted")]
    manager = tokens.headers(Role.DEPARTMENT_MANAGER, department_id=SALES)
    assert len((await client.get(f"/payslips/{slip['id']}/disputes", headers=manager)).json()) == 1
    assert (await client.get(f"/payslips/{slip['id']}/disputes", headers=bao)).status_code == 404
    assert (await client.get("/disputes", headers=ann)).status_code == 403

    # A refused dispute on another line stays on record and pays nothing.
    base = await client.post(f"/payslips/{slip['id']}/lines/0/disputes", json={"comment": "base too low"},
                             headers=ann)
    refused = await client.post(f"/disputes/{base.json()['id']}/resolve",
                                json={"comment": "base is per plan", "outcome": "refused"}, headers=finance)
    assert refused.json()["status"] == "refused"

    following = await pay(world, client, tokens, shift_month(world.period, 1))
    (line,) = lines_of((await slips(client, tokens, following))[str(ANN)], "P8.dispute")
    assert (line["amount"], line["inputs"]["dispute_id"], line["inputs"]["from_period"]) == (
        "100.00", dispute["id"], world.period)
    assert (await client.get(disputes_path, headers=ann)).json()["paid_run_id"] == following["id"]
    await approve_and_lock(client, tokens, following["id"])
    third = await pay(world, client, tokens, shift_month(world.period, 2))
    assert lines_of((await slips(client, tokens, third))[str(ANN)], "P8.dispute") == []
    statuses = {d["status"] for d in (await client.get("/disputes", headers=finance)).json()}
    assert statuses == {"accepted", "refused"}


async def test_a_recomputed_draft_takes_its_own_claims_again_and_no_other_run_takes_them(world, client, tokens,
                                                                                        clock: Clock) -> None:
    await staffed(world)
    ann = tokens.headers(Role.SALES_REP, employee_id=ANN, department_id=SALES)
    item = (await client.post("/expenses", json=claim_body("42.00", "living", incurred_on=clock.today().isoformat()),
                              headers=ann)).json()
    await client.post(f"/expenses/{item['id']}/approve", headers=tokens.headers(Role.HR))
    run = await pay(world, client, tokens, world.period)
    other = await pay(world, client, tokens, shift_month(world.period, 1))
    run_id, other_id = uuid.UUID(run["id"]), uuid.UUID(other["id"])
    async with world.uow() as uow:
        # What a recompute of the draft run does: it finds the claim it already holds, once.
        assert [c.id for c in await uow.expenses.settle(run_id, world.period, [ANN])] == [uuid.UUID(item["id"])]
        assert await uow.expenses.settle(other_id, world.period, [ANN]) == []
        # A draft thrown away lets its claims wait for the next run again.
        await uow.expenses.release(run_id)
        assert [c.id for c in await uow.expenses.settle(other_id, world.period, [ANN])] == [uuid.UUID(item["id"])]


async def test_an_approval_waits_for_another_approval_of_the_same_employee(world, client, tokens, clock: Clock
                                                                          ) -> None:
    """Two approvals that each read what is left under the limit must not both spend it: the second
    waits for the first to commit (per-employee lock), then sees its approval."""
    await staffed(world)
    ann = tokens.headers(Role.SALES_REP, employee_id=ANN, department_id=SALES)
    today = clock.today().isoformat()
    first, second = [(await client.post("/expenses", json=claim_body("150.00", "communication", incurred_on=today),
                                        headers=ann)).json()["id"] for _ in range(2)]
    finance = tokens.headers(Role.FINANCE)
    async with world.uow() as holder:
        # An approval of Ann's first claim in flight: it holds her lock and has approved 150.00.
        await holder.expenses.lock_employee(ANN)
        await holder.session.execute(text("UPDATE expense_claims SET status = 'approved', approved_amount = 150, "
                                          "refused_amount = 0 WHERE id = :id"), {"id": first})
        waiting = asyncio.create_task(client.post(f"/expenses/{second}/approve", headers=finance))
        await asyncio.sleep(0.5)
        assert not waiting.done()
        await holder.commit()
    decided = await waiting
    assert (decided.json()["approved_amount"], decided.json()["refused_amount"]) == ("50.00", "100.00")

