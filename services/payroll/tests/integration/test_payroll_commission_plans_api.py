"""Commission plans as data on the real database (issue 9 items 3, 4): defining and validating
plans through the API, runs paying each kind, refunds clawed back with a carried balance, and a
recompute giving everything back. Figures worked by hand in the comments."""

from __future__ import annotations

import uuid
from decimal import Decimal

import httpx
import pytest
from payroll_world import SALES, PayrollWorld, Tokens, closed, day, finalized, hired

from payroll.config import MIGRATIONS_DIR, PayrollSettings
from shared.auth import Role
from shared.clock import shift_month
from shared.events.crm import DealCancelled, DealWon, PaymentReceived, PaymentRefunded
from shared.events.org import EmployeeHired

D = Decimal
ANN, BAO, CAI = (uuid.UUID(int=n) for n in (0xA2, 0xB2, 0xC2))
TEAM = uuid.UUID("00000000-0000-0000-0000-0000000000f1")

UNITS_STEP = {"basis": "units", "settlement": "signing",
              "rates": {"kind": "step", "tiers": [{"above": "0", "rate": "20"}, {"above": "20", "rate": "25"}]}}
UNITS_MARGINAL = {**UNITS_STEP, "rates": {**UNITS_STEP["rates"], "kind": "marginal"}}
TARGET = {"basis": "amount", "settlement": "collection",
          "rates": {"kind": "target", "target": "100000", "within": "0.005", "beyond": "0.01"},
          "annual_bonus": {"target_units": 48, "per_unit": "500"}}
FLAT_TENTH = {"basis": "amount", "settlement": "collection", "rates": {"kind": "flat", "rate": "0.10"}}


@pytest.fixture
def payroll_settings(service_settings, period: str) -> PayrollSettings:
    """The run of the period under test is the year-end run, so the annual bonus can be seen."""
    return service_settings(PayrollSettings, "payroll", MIGRATIONS_DIR, commission_year_end_month=int(period[5:]))


async def define(client: httpx.AsyncClient, tokens: Tokens, key: str, effective_from: str, body: dict) -> dict:
    response = await client.put(f"/commission-plans/{key}", json={"effective_from": effective_from, **body},
                                headers=tokens.headers(Role.HR))
    assert response.status_code == 200, response.text
    return response.json()


async def role_plan(client: httpx.AsyncClient, tokens: Tokens, since: str, commission_plan: str | None) -> None:
    body = {"effective_from": since, "monthly_base": "3000.00", "performance_standard": "2000.00",
            "bonus_base": "1000.00", "commission_rate": "0.02", "commission_plan": commission_plan}
    response = await client.put("/plans/sales_rep", json=body, headers=tokens.headers(Role.FINANCE))
    assert response.status_code == 200, response.text


async def person(client: httpx.AsyncClient, tokens: Tokens, employee_id: uuid.UUID, since: str, **terms) -> None:
    response = await client.put(f"/plans/people/{employee_id}", json={"effective_from": since, **terms},
                                headers=tokens.headers(Role.HR))
    assert response.status_code == 200, response.text


def won(rep: uuid.UUID, period: str, amount: str, units: int, n: int = 10) -> DealWon:
    return DealWon(deal_id=uuid.uuid4(), customer_id=uuid.uuid4(), rep_id=rep, department_id=SALES, amount=D(amount),
                   cost=D(amount) / 2, units=units, signed_on=day(period, n))


def paid(rep: uuid.UUID, amount: str, period: str, *, deal_id: uuid.UUID | None = None, n: int = 12
         ) -> PaymentReceived:
    return PaymentReceived(payment_id=uuid.uuid4(), deal_id=deal_id or uuid.uuid4(), rep_id=rep, amount=D(amount),
                           received_on=day(period, n))


def refunded(payment: PaymentReceived, amount: str, period: str) -> PaymentRefunded:
    return PaymentRefunded(refund_id=uuid.uuid4(), payment_id=payment.payment_id, deal_id=payment.deal_id,
                           rep_id=payment.rep_id, amount=D(amount), refunded_on=day(period, 5), reason="goods returned",
                           recorded_by=uuid.uuid4())


async def close(world: PayrollWorld, period: str, *people: uuid.UUID, scores: dict | None = None) -> None:
    for employee_id in people:
        await world.deliver(finalized(employee_id, period, score=(scores or {}).get(employee_id, "80"),
                                      coefficient="1.0"))
    await world.deliver(closed(period, count=len(people)))


async def slips(client: httpx.AsyncClient, tokens: Tokens, period: str) -> tuple[dict, dict[uuid.UUID, dict]]:
    (run,) = [r for r in (await client.get("/runs", headers=tokens.headers(Role.HR))).json() if r["period"] == period]
    found = (await client.get(f"/runs/{run['id']}/payslips", headers=tokens.headers(Role.HR))).json()
    return run, {uuid.UUID(slip["employee_id"]): slip for slip in found}


def lines(slip: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for line in slip["lines"]:
        out.setdefault(line["rule"], []).append(line)
    return out


def amount(slip: dict, rule: str) -> Decimal:
    return sum((D(line["amount"]) for line in lines(slip).get(rule, [])), D("0.00"))


async def lock(client: httpx.AsyncClient, tokens: Tokens, run: dict) -> None:
    assert (await client.post(f"/runs/{run['id']}/approve", headers=tokens.headers(Role.HR))).status_code == 200
    assert (await client.post(f"/runs/{run['id']}/lock", headers=tokens.headers(Role.FINANCE))).status_code == 200


# --- defining plans ----------------------------------------------------------------------------------


async def test_plans_are_defined_versioned_and_read(client, tokens, period) -> None:
    since = shift_month(period, -6)
    first = await define(client, tokens, "units-tiered", since, {**UNITS_STEP, "description": "seed 002"})
    assert (first["version"], first["rates"]["tiers"][1], first["description"]) == (
        1, {"above": "20", "rate": "25"}, "seed 002")
    second = await define(client, tokens, "units-tiered", shift_month(period, -1), UNITS_MARGINAL)
    assert second["version"] == 2 and second["rates"]["kind"] == "marginal"
    history = (await client.get("/commission-plans/units-tiered", headers=tokens.headers(Role.FINANCE))).json()
    assert [v["version"] for v in history] == [1, 2]
    in_force = (await client.get("/commission-plans", params={"period": shift_month(period, -3)},
                                 headers=tokens.headers(Role.DEPARTMENT_MANAGER))).json()
    assert [(v["key"], v["version"]) for v in in_force] == [("units-tiered", 1)]
    assert (await client.get("/commission-plans/none-such", headers=tokens.headers(Role.HR))).status_code == 404


@pytest.mark.parametrize(("change", "field"), [
    ({"rates": {"kind": "step", "tiers": [{"above": "0", "rate": "20"}, {"above": "20", "rate": "25"},
                                          {"above": "10", "rate": "30"}]}}, "rates.tiers[2].above"),
    ({"rates": {"kind": "marginal", "tiers": [{"above": "0", "rate": "-20"}]}}, "rates.tiers[0].rate"),
    ({"basis": "amount", "rates": {"kind": "flat", "rate": "-0.01"}}, "rates.rate"),
    ({"basis": "amount", "rates": {"kind": "target", "target": "1000", "within": "0.005", "beyond": "-1"}},
     "rates.beyond"),
    ({"pool": {"share": "1.5", "split": "equal"}}, "pool.share"),
    ({"expense_allowance_per_unit": "-500"}, "expense_allowance_per_unit"),
])
async def test_bad_plans_are_refused_naming_the_field_and_nothing_is_written(client, tokens, period, change,
                                                                             field) -> None:
    refused = await client.put("/commission-plans/bad", json={"effective_from": period, **UNITS_STEP, **change},
                               headers=tokens.headers(Role.HR))
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert [error["field"] for error in refused.json()["errors"]] == [field]
    assert (await client.get("/commission-plans/bad", headers=tokens.headers(Role.HR))).status_code == 404


async def test_overlapping_versions_and_locked_periods_are_refused(world, client, tokens, period) -> None:
    await define(client, tokens, "flat", shift_month(period, -3), FLAT_TENTH)
    overlap = await client.put("/commission-plans/flat", json={"effective_from": shift_month(period, -3),
                                                               **FLAT_TENTH}, headers=tokens.headers(Role.HR))
    assert overlap.status_code == 409 and overlap.json()["field"] == "effective_from"
    await role_plan(client, tokens, shift_month(period, -3), "flat")
    await world.deliver(hired(ANN, period, name="Ann"))
    await close(world, period, ANN)
    run, _ = await slips(client, tokens, period)
    await lock(client, tokens, run)
    inside = await client.put("/commission-plans/flat", json={"effective_from": period, **FLAT_TENTH},
                              headers=tokens.headers(Role.HR))
    assert inside.status_code == 409 and inside.json()["field"] == "effective_from"
    assert len((await client.get("/commission-plans/flat", headers=tokens.headers(Role.HR))).json()) == 1
    unknown = await client.put("/plans/people/" + str(ANN), json={"effective_from": shift_month(period, 1),
                                                                  "commission_plan": "nope"},
                               headers=tokens.headers(Role.HR))
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "commission_plan"


async def test_only_hr_finance_and_admin_define_plans(client, tokens, period) -> None:
    body = {"effective_from": period, **UNITS_STEP}
    for role in (Role.SALES_REP, Role.GROUP_LEADER, Role.DEPARTMENT_MANAGER, Role.SALES_DIRECTOR):
        assert (await client.put("/commission-plans/x", json=body, headers=tokens.headers(role))).status_code == 403
    assert (await client.get("/commission-plans", headers=tokens.headers(Role.SALES_REP))).status_code == 403
    assert (await client.put("/commission-plans/x", json=body)).status_code == 401
    assert (await client.put("/commission-plans/x", json=body, headers=tokens.headers(Role.ADMIN))).status_code == 200


# --- runs paying each kind ------------------------------------------------------------------------------


async def test_tiered_per_unit_plans_step_and_marginal_with_a_team_pool(world, client, tokens, period) -> None:
    since = shift_month(period, -6)
    await define(client, tokens, "units-step", since, UNITS_STEP)
    await define(client, tokens, "units-marginal", since, {**UNITS_MARGINAL, "pool": {"share": "0.2",
                                                                                     "split": "score"}})
    await role_plan(client, tokens, since, "units-step")
    for rep, name in ((ANN, "Ann"), (BAO, "Bao"), (CAI, "Cai")):
        await world.deliver(EmployeeHired(employee_id=rep, name=name, role="sales_rep", department_id=SALES,
                                          group_id=TEAM, hired_on=day(shift_month(period, -20), 1)))
    await person(client, tokens, BAO, since, commission_plan="units-marginal")
    await person(client, tokens, CAI, since, commission_plan="units-marginal")
    ann_deals = [won(ANN, period, "12000", 12), won(ANN, period, "9000", 9)]
    bao_deals = [won(BAO, period, "12000", 12), won(BAO, period, "9000", 9)]
    cancelled = won(BAO, period, "5000", 5)
    for deal in (*ann_deals, *bao_deals, cancelled, won(CAI, period, "4000", 4)):
        await world.deliver(deal)
    await world.deliver(DealCancelled(deal_id=cancelled.deal_id, rep_id=BAO, amount=D(5000), units=5,
                                      cancelled_on=day(period, 20), reason="withdrawn", cancelled_by=uuid.uuid4()))
    await world.deliver(won(ANN, shift_month(period, 1), "1000", 1))  # next month's: not this run's
    await close(world, period, ANN, BAO, CAI, scores={BAO: "90", CAI: "60"})
    run, found = await slips(client, tokens, period)
    # A recompute gives back the deals it claimed and claims them again: the same lines.
    assert (await client.post(f"/runs/{run['id']}/recompute", headers=tokens.headers(Role.HR))).status_code == 200
    _, again = await slips(client, tokens, period)
    assert {e: slip["lines"] for e, slip in again.items()} == {e: slip["lines"] for e, slip in found.items()}
    ann, bao, cai = found[ANN], found[BAO], found[CAI]
    # Ann, step: 21 units reach the second tier, 25 × 21 = 525.
    (line,) = lines(ann)["P4.commission"]
    assert line["amount"] == "525.00"
    assert (line["inputs"]["plan"], line["inputs"]["plan_version"], line["inputs"]["basis_total"]) == (
        "units-step", 1, "21")
    assert line["inputs"]["tiers"] == [{"above": "20", "rate": "25", "on": "21", "amount": "525"}]
    assert sorted(d["deal_id"] for d in line["inputs"]["deals"]) == sorted(str(d.deal_id) for d in ann_deals)
    # Bao, marginal (the cancelled deal not counted): 20 × 20 + 1 × 25 = 425; 20% to the pool: 340 kept.
    assert amount(bao, "P4.commission") == D("340.00")
    # Cai: 4 × 20 = 80; 16 to the pool, 64 kept. Pool 85 + 16 = 101, split by score 90 : 60.
    assert amount(cai, "P4.commission") == D("64.00")
    assert amount(bao, "P4.team_pool") == D("60.60")  # 101 × 90 ÷ 150
    assert amount(cai, "P4.team_pool") == D("40.40")  # 101 × 60 ÷ 150
    assert "P4.team_pool" not in lines(ann)  # Ann's plan has no pool
    assert D(bao["gross"]) == D("3000.00") + D("2250.00") + D("1000.00") + D("340.00") + D("60.60")


async def test_target_plan_on_collection_with_a_personal_target_and_the_year_end_bonus(world, client, tokens,
                                                                                      period) -> None:
    since = shift_month(period, -6)
    await define(client, tokens, "target", since, TARGET)
    await role_plan(client, tokens, since, None)
    await world.deliver(hired(CAI, period, name="Cai"))
    await person(client, tokens, CAI, since, commission_plan="target", commission_target="50000.00")
    big = won(CAI, period, "200000", 50, n=2)
    await world.deliver(big)
    first, second = paid(CAI, "60000.00", period, deal_id=big.deal_id), paid(CAI, "20000.00", period,
                                                                             deal_id=big.deal_id, n=20)
    for payment in (first, second):
        await world.deliver(payment)
    await close(world, period, CAI)
    _, found = await slips(client, tokens, period)
    (line,) = lines(found[CAI])["P4.commission"]
    # 80 000 collected; her target 50 000: 0.005 × 50 000 + 0.01 × 30 000 = 250 + 300 = 550.
    assert line["amount"] == "550.00"
    assert line["inputs"]["target"] == "50000.00"
    assert sorted(p["payment_id"] for p in line["inputs"]["payments"]) == sorted(
        [str(first.payment_id), str(second.payment_id)])
    # The year-end run: 50 units in the year against 48: 2 × 500.
    (bonus,) = lines(found[CAI])["P4.annual_bonus"]
    assert (bonus["amount"], bonus["inputs"]["units"]) == ("1000.00", 50)


async def test_a_plan_without_a_version_in_force_blocks_the_person(world, client, tokens, period) -> None:
    await define(client, tokens, "later", shift_month(period, 2), FLAT_TENTH)
    await role_plan(client, tokens, shift_month(period, -6), None)
    await world.deliver(hired(ANN, period, name="Ann"))
    await person(client, tokens, ANN, shift_month(period, -6), commission_plan="later")
    await close(world, period, ANN)
    run, found = await slips(client, tokens, period)
    assert found == {} and [b["employee_id"] for b in run["blockers"]] == [str(ANN)]
    assert "later" in run["blockers"][0]["reason"]


# --- refunds and clawbacks ----------------------------------------------------------------------------------


async def test_a_refund_is_clawed_back_and_the_balance_carried_across_runs(world, client, tokens, period) -> None:
    before, after = shift_month(period, -1), shift_month(period, 1)
    await define(client, tokens, "flat", shift_month(period, -6), FLAT_TENTH)
    await role_plan(client, tokens, shift_month(period, -6), "flat")
    await world.deliver(hired(ANN, period, name="Ann"))
    big = paid(ANN, "3000.00", before)
    await world.deliver(big)
    await close(world, before, ANN)
    first, found = await slips(client, tokens, before)
    assert amount(found[ANN], "P4.commission") == D("300.00")
    await lock(client, tokens, first)

    # 2 000 of the 3 000 refunded: 300 × 2000 ÷ 3000 = 200 back; this month's commission is 50 (500 × 0.1):
    # 50 taken, 150 carried.
    back = refunded(big, "2000.00", period)
    await world.deliver(back)
    await world.deliver(back)  # redelivered: reverses once
    await world.deliver(paid(ANN, "500.00", period))
    await close(world, period, ANN)
    second, found = await slips(client, tokens, period)
    slip = found[ANN]
    (clawback,) = lines(slip)["P4.clawback"]
    assert clawback["amount"] == "-200.00"
    assert clawback["inputs"]["refund_id"] == str(back.refund_id)
    assert clawback["inputs"]["paid_by"][0]["run_id"] == first["id"]
    (carry,) = lines(slip)["P4.clawback_carried"]
    assert (carry["amount"], carry["inputs"]["carried_forward"]) == ("150.00", "150.00")
    assert amount(slip, "P4.commission") + D(clawback["amount"]) + D(carry["amount"]) == D("0.00")

    # Recompute gives back the accruals, clawbacks and balances it settled, and settles them again alike.
    async def ledger() -> tuple:
        return tuple([len(await world.query(f"SELECT 1 FROM {table}")) for table in (
            "commission_accruals", "commission_clawbacks", "commission_balances")])
    counted = await ledger()
    recomputed = await client.post(f"/runs/{second['id']}/recompute", headers=tokens.headers(Role.FINANCE))
    assert recomputed.status_code == 200
    _, again = await slips(client, tokens, period)
    assert again[ANN]["lines"] == slip["lines"] and await ledger() == counted == (2, 1, 1)
    await lock(client, tokens, second)

    # Next month: 3 000 collected earns 300; the 150 carried is taken.
    await world.deliver(paid(ANN, "3000.00", after))
    await close(world, after, ANN)
    _, found = await slips(client, tokens, after)
    (carry,) = lines(found[ANN])["P4.clawback_carried"]
    assert (carry["amount"], carry["inputs"]["brought_forward"], carry["inputs"]["carried_forward"]) == (
        "-150.00", "150.00", "0.00")
    assert "P4.clawback" not in lines(found[ANN])


async def test_a_refund_before_its_payment_reverses_nothing_and_the_payment_earns_net(world, client, tokens,
                                                                                     period) -> None:
    await define(client, tokens, "flat", shift_month(period, -6), FLAT_TENTH)
    await role_plan(client, tokens, shift_month(period, -6), "flat")
    await world.deliver(hired(ANN, period, name="Ann"))
    payment = paid(ANN, "1000.00", period)
    await world.deliver(refunded(payment, "400.00", period))  # crm's refund overtook its payment
    await world.deliver(payment)
    await close(world, period, ANN)
    _, found = await slips(client, tokens, period)
    (line,) = lines(found[ANN])["P4.commission"]
    assert line["amount"] == "60.00"  # 0.1 × (1000 − 400)
    assert line["inputs"]["payments"][0]["amount"] == "600.00"
    assert "P4.clawback" not in lines(found[ANN])


async def test_a_cancelled_deal_reverses_its_signing_commission(world, client, tokens, period) -> None:
    before = shift_month(period, -1)
    await define(client, tokens, "units-step", shift_month(period, -6), UNITS_STEP)
    await role_plan(client, tokens, shift_month(period, -6), "units-step")
    await world.deliver(hired(ANN, period, name="Ann"))
    deal = won(ANN, before, "10000", 3)
    await world.deliver(deal)
    await close(world, before, ANN)
    first, found = await slips(client, tokens, before)
    assert amount(found[ANN], "P4.commission") == D("60.00")
    await lock(client, tokens, first)
    await world.deliver(DealCancelled(deal_id=deal.deal_id, rep_id=ANN, amount=D(10000), units=3,
                                      cancelled_on=day(period, 3), reason="withdrawn", cancelled_by=uuid.uuid4()))
    await world.deliver(won(ANN, period, "20000", 5))
    await close(world, period, ANN)
    _, found = await slips(client, tokens, period)
    (clawback,) = lines(found[ANN])["P4.clawback"]
    assert (clawback["amount"], clawback["inputs"]["deal_id"]) == ("-60.00", str(deal.deal_id))
    assert amount(found[ANN], "P4.commission") == D("100.00")
    assert "P4.clawback_carried" not in lines(found[ANN])


async def test_a_rep_reads_only_their_own_payslip(world, client, tokens, period) -> None:
    await define(client, tokens, "flat", shift_month(period, -6), FLAT_TENTH)
    await role_plan(client, tokens, shift_month(period, -6), "flat")
    await world.deliver(hired(ANN, period, name="Ann"))
    await world.deliver(hired(BAO, period, name="Bao"))
    await close(world, period, ANN, BAO)
    run, found = await slips(client, tokens, period)
    await lock(client, tokens, run)
    mine = await client.get("/payslips", headers=tokens.headers(Role.SALES_REP, employee_id=ANN))
    assert [slip["employee_id"] for slip in mine.json()] == [str(ANN)]
    other = await client.get(f"/payslips/{found[BAO]['id']}", headers=tokens.headers(Role.SALES_REP, employee_id=ANN))
    assert other.status_code == 404


async def test_sales_expenses_above_the_allowance_come_off_the_commission_never_below_zero(world, client, tokens,
                                                                                           period) -> None:
    plan = {"basis": "units", "settlement": "signing", "rates": {"kind": "flat", "rate": "200"},
            "expense_allowance_per_unit": "500"}
    await define(client, tokens, "allowance", shift_month(period, -6), plan)
    await role_plan(client, tokens, shift_month(period, -6), "allowance")
    await world.deliver(hired(ANN, period, name="Ann"))
    await world.deliver(won(ANN, period, "8000", 2))
    ann = tokens.headers(Role.SALES_REP, employee_id=ANN, department_id=SALES)
    manager = tokens.headers(Role.DEPARTMENT_MANAGER, department_id=SALES)
    claims = [("travel", "500.00", 3), ("travel", "500.00", 4), ("travel", "500.00", 5), ("living", "150.00", 3),
              ("communication", "100.00", 6)]  # communication is not a sales expense (the default categories)
    for category, value, n in claims:
        body = {"category": category, "incurred_on": day(period, n).isoformat(), "amount": value,
                "description": "client visit", "receipts": [{"amount": value, "note": "receipt"}]}
        submitted = await client.post("/expenses", json=body, headers=ann)
        assert submitted.status_code == 201, submitted.text
        approved = await client.post(f"/expenses/{submitted.json()['id']}/approve", headers=manager)
        assert approved.status_code == 200, approved.text
    await close(world, period, ANN)
    _, found = await slips(client, tokens, period)
    slip = found[ANN]
    # Commission 2 × 200 = 400. Sales expenses 1 650 − allowance 2 × 500 = 650 over: 400 deducted, 250 not.
    assert amount(slip, "P4.commission") == D("400.00")
    (over,) = lines(slip)["P4.expense_overspend"]
    assert (over["amount"], over["inputs"]["overspend"], over["inputs"]["not_deducted"]) == (
        "-400.00", "650.00", "250.00")
    assert len(over["inputs"]["claims"]) == 4
    assert amount(slip, "P7.expense") == D("1750.00")  # every approved claim is still reimbursed


async def test_a_payment_whose_deal_payroll_does_not_know_waits_and_is_paid_later(world, client, tokens,
                                                                                 period) -> None:
    before = shift_month(period, -1)
    profit_plan = {"basis": "profit", "settlement": "collection", "rates": {"kind": "flat", "rate": "0.10"}}
    await define(client, tokens, "profit", shift_month(period, -6), profit_plan)
    await role_plan(client, tokens, shift_month(period, -6), "profit")
    await world.deliver(hired(ANN, period, name="Ann"))
    deal = won(ANN, before, "10000", 1)  # profit 5 000 (cost is half)
    payment = paid(ANN, "4000.00", before, deal_id=deal.deal_id)
    await world.deliver(payment)  # crm's payment overtook its deal
    await close(world, before, ANN)
    _, found = await slips(client, tokens, before)
    (line,) = lines(found[ANN])["P4.commission"]
    assert line["amount"] == "0.00"
    assert [w["payment_id"] for w in line["inputs"]["waiting_for_deal"]] == [str(payment.payment_id)]
    unpaid = (await client.get("/collections/unpaid", headers=tokens.headers(Role.FINANCE))).json()
    assert str(payment.payment_id) in str(unpaid)  # on the not-yet-paid list meanwhile
    await world.deliver(deal)
    await close(world, period, ANN)
    _, found = await slips(client, tokens, period)
    (line,) = lines(found[ANN])["P4.commission"]
    # 4 000 of 10 000 received carries 2 000 of the profit: 0.1 × 2 000 = 200.
    assert (line["amount"], line["inputs"]["payments"][0]["basis"]) == ("200.00", "2000.00")
