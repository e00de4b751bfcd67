"""Commission plans as data (P4): every rate kind, worked by hand."""

from __future__ import annotations

import dataclasses
import uuid
from decimal import Decimal

import pytest
from payroll_builders import plan as role_plan

from payroll.domain.commission_plans import (
    AnnualBonus,
    BasisItem,
    CommissionPlan,
    PoolMember,
    Rates,
    TeamPool,
    Tier,
    annual_bonus_line,
    apply_rates,
    commission_line,
    deal_item,
    overspend_line,
    payment_item,
    personal_commission,
    pool_line,
    split_pool,
)
from payroll.domain.roster import Payable
from payroll.service_layer.commission import named_plans
from shared.errors import InvalidInput

D = Decimal
SEED_TIERS = (Tier(D(0), D(20)), Tier(D(20), D(25)))  # 20 per unit; above 20 units, 25 per unit


def plan(kind: str = "flat", *, basis: str = "amount", settlement: str = "collection", **rates) -> CommissionPlan:
    return CommissionPlan(key="seed", version=1, effective_from="2026-01", basis=basis, settlement=settlement,
                          rates=Rates(kind=kind, **rates))


def units(*counts: int) -> list[BasisItem]:
    return [deal_item("units", uuid.uuid4(), D("1000"), None, n) for n in counts]


@pytest.mark.parametrize(("total", "step", "marginal"), [
    (D(0), D(0), D(0)),
    (D(19), D(380), D(380)),
    (D(20), D(400), D(400)),      # the boundary unit is still in the first tier
    (D(21), D(525), D(425)),      # step: 21 × 25; marginal: 20 × 20 + 1 × 25
    (D(30), D(750), D(650)),      # step: 30 × 25; marginal: 400 + 10 × 25
])
def test_step_and_marginal_tiers_on_the_same_units(total, step, marginal):
    assert apply_rates(Rates("step", tiers=SEED_TIERS), total)[0] == step
    assert apply_rates(Rates("marginal", tiers=SEED_TIERS), total)[0] == marginal


def test_a_step_line_names_the_tier_reached_and_the_deals():
    items = units(12, 9)
    commission = personal_commission(plan("step", basis="units", settlement="signing", tiers=SEED_TIERS), items)
    line = commission_line(commission, "2026-10")
    assert (line.rule, line.amount) == ("P4.commission", D("525.00"))
    assert line.inputs["tiers"] == [{"above": "20", "rate": "25", "on": "21", "amount": "525"}]
    assert line.inputs["basis_total"] == "21"
    assert [deal["deal_id"] for deal in line.inputs["deals"]] == [str(item.id) for item in items]
    assert (line.inputs["plan"], line.inputs["plan_version"]) == ("seed", 1)


def test_marginal_line_shows_both_tiers():
    commission = personal_commission(plan("marginal", basis="units", settlement="signing", tiers=SEED_TIERS),
                                     units(12, 9))
    line = commission_line(commission, "2026-10")
    assert line.amount == D("425.00")
    assert [t["on"] for t in line.inputs["tiers"]] == ["20", "1"]
    assert line.calculation == "20 × 20 + 25 × 1 = 425 → 425.00"


def test_flat_rate_on_profit_rounds_half_up_at_the_line():
    items = [deal_item("profit", uuid.uuid4(), D("1000.00"), D("333.35"), None)]
    commission = personal_commission(plan(rate=D("0.05"), basis="profit", settlement="signing"), items)
    # 0.05 × 333.35 = 16.6675 → 16.67
    assert (commission.exact, commission_line(commission, "2026-10").amount) == (D("16.6675"), D("16.67"))


def test_collection_settlement_earns_in_proportion_to_money_received():
    deal_id = uuid.uuid4()
    # A deal of 10 000 with a profit of 4 000; 2 500 received: a quarter of the profit counts.
    item = payment_item("profit", uuid.uuid4(), deal_id, D("2500.00"), deal_amount=D("10000.00"), profit=D("4000.00"),
                        units=None)
    assert item.basis == D(1000)
    commission = personal_commission(plan(rate=D("0.10"), basis="profit"), [item])
    assert commission.exact == D(100)
    unknown = payment_item("profit", uuid.uuid4(), deal_id, D("2500.00"), deal_amount=None, profit=None, units=None)
    assert (unknown.basis, unknown.note) == (D(0), "deal not known to payroll: counts 0")


def test_target_split_within_and_beyond_and_a_personal_target():
    rates = dict(target=D("100000"), within=D("0.005"), beyond=D("0.01"))
    items = [BasisItem("payment", uuid.uuid4(), uuid.uuid4(), D("130000"), D("130000"))]
    # 0.005 × 100 000 + 0.01 × 30 000 = 500 + 300 = 800
    assert personal_commission(plan("target", **rates), items).exact == D(800)
    # The person's own target of 120 000: 600 + 100 = 700
    mine = personal_commission(plan("target", **rates), items, target=D("120000"))
    assert (mine.exact, mine.target) == (D(700), D("120000"))
    assert commission_line(mine, "2026-10").inputs["target"] == "120000"
    # Below the target, only the first rate.
    assert apply_rates(Rates("target", **rates), D("80000"))[0] == D(400)


def test_earned_per_item_is_the_commission_in_proportion_to_basis():
    items = units(12, 9)
    commission = personal_commission(plan("step", basis="units", settlement="signing", tiers=SEED_TIERS), items)
    earned = commission.earned()
    assert earned[items[0].id] == D(300) and earned[items[1].id] == D(225)


def test_pool_equal_and_by_score():
    ann, bao, cai = (uuid.UUID(int=n) for n in (1, 2, 3))
    members = [PoolMember(ann, D("60"), D("90")), PoolMember(bao, D("30"), D("60")), PoolMember(cai, D("10"), None)]
    assert split_pool(members, "equal", D(80)) == {ann: D(100) / 3, bao: D(100) / 3, cai: D(100) / 3}
    # By score: 90 + 60 + 80 (no score counts as the full score) = 230.
    shares = split_pool(members, "score", D(80))
    assert shares[ann] == D(100) * 90 / 230
    team = plan(rate=D("0.1"))
    line = pool_line(ann, members, "score", D(80), team, None)
    assert line.amount == D("39.13")  # 100 × 90 ÷ 230 = 39.1304…
    assert pool_line(cai, members, "equal", D(80), team, None).amount == D("33.33")


def test_pool_share_comes_off_the_personal_line():
    team = CommissionPlan(key="team", version=2, effective_from="2026-01", basis="amount", settlement="collection",
                          rates=Rates("flat", rate=D("0.02")), pool=TeamPool(D("0.25"), "equal"))
    commission = personal_commission(team, [BasisItem("payment", uuid.uuid4(), uuid.uuid4(), D("10000"), D("10000"))])
    assert (commission.exact, commission.to_pool, commission.kept) == (D(200), D(50), D(150))
    assert commission_line(commission, "2026-10").amount == D("150.00")


def test_annual_bonus_above_the_annual_target():
    bonus = CommissionPlan(key="t", version=1, effective_from="2026-01", basis="amount", settlement="collection",
                           rates=Rates("flat", rate=D("0.01")), annual_bonus=AnnualBonus(48, D(500)))
    counts = {uuid.uuid4(): 30, uuid.uuid4(): 21}
    line = annual_bonus_line(bonus, counts, 2026)
    assert line is not None and line.amount == D("1500.00")  # (51 − 48) × 500
    assert annual_bonus_line(bonus, {uuid.uuid4(): 48}, 2026).amount == D("0.00")


def test_expense_overspend_is_deducted_but_never_below_zero():
    allowance = CommissionPlan(key="a", version=1, effective_from="2026-01", basis="units", settlement="signing",
                               rates=Rates("flat", rate=D(20)), expense_allowance_per_unit=D(500))
    claims = {uuid.uuid4(): D("1800.00"), uuid.uuid4(): D("700.00")}
    # 2 500 spent − 500 × 3 units = 1 000 over; commission 1 200 takes it all.
    line = overspend_line(allowance, 3, claims, ["travel", "living"], D("1200.00"))
    assert line is not None and line.amount == D("-1000.00")
    # With only 400 of commission, 400 is deducted and 600 written as not deducted.
    capped = overspend_line(allowance, 3, claims, ["travel"], D("400.00"))
    assert capped is not None and (capped.amount, capped.inputs["not_deducted"]) == (D("-400.00"), "600.00")
    assert overspend_line(allowance, 5, claims, ["travel"], D("400.00")) is None  # within 2 500


@pytest.mark.parametrize(("kwargs", "field"), [
    (dict(kind="step", tiers=(Tier(D(0), D(20)), Tier(D(20), D(25)), Tier(D(20), D(30)))), "rates.tiers[2].above"),
    (dict(kind="marginal", tiers=(Tier(D(0), D(20)), Tier(D(10), D(25)), Tier(D(5), D(30)))), "rates.tiers[2].above"),
    (dict(kind="step", tiers=(Tier(D(5), D(20)),)), "rates.tiers[0].above"),
    (dict(kind="step", tiers=(Tier(D(0), D(-1)),)), "rates.tiers[0].rate"),
    (dict(kind="flat", rate=D("-0.01")), "rates.rate"),
    (dict(kind="target", target=D(10), within=D("0.005"), beyond=D("-0.01")), "rates.beyond"),
    (dict(kind="target", within=D("0.005"), beyond=D("0.01")), "rates.target"),
    (dict(kind="bogus"), "rates.kind"),
])
def test_bad_plans_are_refused_naming_the_field(kwargs, field):
    kind = kwargs.pop("kind")
    with pytest.raises(InvalidInput) as refused:
        plan(kind, basis="units", **kwargs)
    assert refused.value.extra["errors"][0]["field"] == field


def test_a_fraction_above_one_is_refused_for_amount_plans():
    with pytest.raises(InvalidInput) as refused:
        plan(rate=D("1.5"))
    assert refused.value.extra["errors"][0]["field"] == "rates.rate"
    assert plan(rate=D("1.5"), basis="units").rates.rate == D("1.5")  # money per unit


def test_a_person_whose_plan_names_a_commission_plan_not_in_force_is_a_blocker():
    named = dataclasses.replace(role_plan(), commission_plan="seed")
    ann, bao, cai = (Payable(uuid.UUID(int=n), "sales_rep", p, None)
                     for n, p in ((1, named), (2, named), (3, role_plan())))
    early = plan(rate=D("0.1"))  # "seed" from 2026-01
    kept, blockers, chosen = named_plans([ann, bao, cai], [early], "2025-12")
    assert [b.employee_id for b in blockers] == [ann.employee_id, bao.employee_id]
    assert "no version in force for 2025-12" in blockers[0].reason
    assert kept == [cai] and chosen == {}
    kept, blockers, chosen = named_plans([ann, cai], [early], "2026-03")
    assert (kept, blockers, chosen) == ([ann, cai], [], {ann.employee_id: early})
