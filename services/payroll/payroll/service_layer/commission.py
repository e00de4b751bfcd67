"""Commission on a run (P4): named commission plans, what each deal or payment earned (accruals),
and the clawbacks of refunds and cancellations with their carried balances. Called by
:mod:`payroll.service_layer.pay_runs` under the pay-run lock, in the run's transaction."""

from __future__ import annotations

import dataclasses
import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from payroll.adapters.commission import accrual_id
from payroll.adapters.repositories import Placement
from payroll.domain.adjustments import RULE as ADJUSTMENT_RULE
from payroll.domain.clawbacks import Accrual, clawback_lines, reversals, settle_balance
from payroll.domain.commission import Collection
from payroll.domain.commission_plans import (
    BasisItem,
    CommissionPlan,
    PersonalCommission,
    PoolMember,
    annual_bonus_line,
    commission_line,
    deal_item,
    overspend_line,
    payment_item,
    personal_commission,
    pool_line,
    version_in_force,
)
from payroll.domain.lines import PayslipLine
from payroll.domain.money import text
from payroll.domain.payslip import LateCollections, Payslip
from payroll.domain.plans import COMMISSION
from payroll.domain.roster import Blocker, Payable
from payroll.service_layer.unit_of_work import PayrollBus, PayrollUnitOfWork
from shared.clock import first_day, last_day

ZERO = Decimal(0)


async def net_of_refunds(uow: PayrollUnitOfWork, run_id: uuid.UUID, collections: Sequence[Collection]
                         ) -> list[Collection]:
    """A payment earns on its amount less what was refunded of it before it earned anything (a refund
    that reversed commission on another run is that run's business, not a reduction here)."""
    refunded = await uow.commission.refunded_unreversed([c.payment_id for c in collections], run_id)
    return [dataclasses.replace(c, amount=max(c.amount - refunded[c.payment_id], Decimal("0.00")))
            if c.payment_id in refunded else c for c in collections]


def named_plans(payable: Sequence[Payable], plans: Sequence[CommissionPlan], period: str
                ) -> tuple[list[Payable], list[Blocker], dict[uuid.UUID, CommissionPlan]]:
    """The commission plan version each person's (resolved) plan names; someone whose plan names a
    commission plan with no version in force for the period is a blocker, never paid on a guess."""
    kept, blockers, chosen = [], [], {}
    for each in payable:
        key = each.plan.commission_plan
        if key is None or not each.plan.pays(COMMISSION):
            kept.append(each)
            continue
        version = version_in_force(plans, key, period)
        if version is None:
            blockers.append(Blocker(each.employee_id, None, each.role,
                                    f"the commission plan {key!r} has no version in force for {period}"))
            continue
        chosen[each.employee_id] = version
        kept.append(each)
    return kept, blockers, chosen


@dataclass
class CommissionSettlement:
    lines: dict[uuid.UUID, list[PayslipLine]] = field(default_factory=dict)
    accruals: list[Accrual] = field(default_factory=list)


async def settle_named_plans(uow: PayrollUnitOfWork, bus: PayrollBus, run_id: uuid.UUID, period: str,
                             payable: Sequence[Payable], chosen: dict[uuid.UUID, CommissionPlan],
                             collections: dict[uuid.UUID, list[Collection]], placements: dict[uuid.UUID, Placement],
                             plans: Sequence[CommissionPlan] = ()) -> CommissionSettlement:
    """The commission lines of everyone on a named plan: personal commission, team pool, the year-end
    bonus, the expense overspend; and what each deal or payment earned. ``collections``: the payments
    each person's run settled (their period's and late ones), net of refunds."""
    policy = bus.policy
    settlement = CommissionSettlement()
    if not chosen:
        return settlement
    # Late deals are claimed from the first period of the plan's first version on, not from before it applied.
    starts = {plan.key: min((p.effective_from for p in plans if p.key == plan.key), default=plan.effective_from)
              for plan in chosen.values()}
    on_signing = {e: starts[plan.key] for e, plan in chosen.items() if plan.settlement == "signing"}
    signed: dict[uuid.UUID, list] = defaultdict(list)
    for deal in await uow.commission.settle_signed_deals(run_id, period, on_signing):
        signed[deal.rep_id].append(deal)
    paid_deals = await uow.deals.of({c.deal_id for e in chosen for c in collections.get(e, [])})
    by_person = {each.employee_id: each for each in payable}

    personal: dict[uuid.UUID, PersonalCommission] = {}
    for employee_id, plan in chosen.items():
        items: list[BasisItem]
        waiting: list[Collection] = []
        if plan.settlement == "signing":
            items = [deal_item(plan.basis, d.deal_id, d.amount, d.profit, d.units) for d in signed[employee_id]]
        else:
            items, waiting = [], []
            for c in sorted(collections.get(employee_id, []), key=lambda c: (c.received_on, str(c.payment_id))):
                deal = paid_deals.get(c.deal_id)
                if deal is None and plan.basis != "amount":
                    # Its basis needs the deal's profit or units: it waits, unsettled (on the not-yet-paid
                    # list), and a later run pays it once payroll knows the deal — never paid as nothing.
                    waiting.append(c)
                    continue
                items.append(payment_item(plan.basis, c.payment_id, c.deal_id, c.amount,
                                          deal_amount=deal.amount if deal else None,
                                          profit=deal.profit if deal else None, units=deal.units if deal else None))
            await uow.commission.unsettle_payments(run_id, [c.payment_id for c in waiting])
        commission = personal_commission(plan, items, by_person[employee_id].plan.commission_target)
        personal[employee_id] = commission
        line = commission_line(commission, period)
        if plan.settlement == "collection" and waiting:
            line.inputs["waiting_for_deal"] = [{"payment_id": str(c.payment_id), "deal_id": str(c.deal_id),
                                                "amount": text(c.amount)} for c in waiting]
        settlement.lines[employee_id] = [line]
        earned = commission.earned()
        for item in items:
            settlement.accruals.append(Accrual(
                id=accrual_id(run_id, employee_id, item.id), run_id=run_id, period=period, employee_id=employee_id,
                kind=item.kind, source_id=item.id, deal_id=item.deal_id, money=item.money,
                earned=earned[item.id], plan=f"{plan.key}@{plan.version}"))

    # The team pool (公佣): per group and plan, among the group's members on that plan in this run.
    pools: dict[tuple[uuid.UUID | None, str], list[uuid.UUID]] = defaultdict(list)
    for employee_id, plan in chosen.items():
        if plan.pool is not None:
            placement = placements.get(employee_id)
            group_id = placement.group_id if placement else None
            # Someone in no group pools with nobody: their share comes back to them.
            pools[(group_id, plan.key) if group_id else (employee_id, plan.key)].append(employee_id)
    for members in pools.values():
        pool_members = [PoolMember(e, personal[e].to_pool,
                                   by_person[e].result.score if by_person[e].result is not None else None)
                        for e in members]
        for employee_id in members:
            plan = chosen[employee_id]
            assert plan.pool is not None
            group_id = placements[employee_id].group_id if employee_id in placements else None
            settlement.lines[employee_id].append(
                pool_line(employee_id, pool_members, plan.pool.split, policy.full_score_at, plan, group_id))

    year, month = int(period[:4]), int(period[5:])
    for employee_id, plan in chosen.items():
        lines = settlement.lines[employee_id]
        if plan.annual_bonus is not None and month == policy.commission.year_end_month:
            deals = await uow.deals.signed(periods=(f"{year:04d}-01", period), rep_ids=[employee_id])
            line = annual_bonus_line(plan, {d.deal_id: d.units or 0 for d in deals}, year)
            if line is not None:
                lines.append(line)
        if plan.expense_allowance_per_unit is not None:
            units = sum(d.units or 0 for d in await uow.deals.signed(period=period, rep_ids=[employee_id]))
            categories = policy.commission.sales_expense_categories
            spent = (await uow.commission.sales_expenses([employee_id], first_day(period), last_day(period),
                                                         categories)).get(employee_id, {})
            line = overspend_line(plan, units, spent, categories, sum((x.amount for x in lines), Decimal("0.00")))
            if line is not None:
                lines.append(line)
    return settlement


def flat_rate_accruals(run_id: uuid.UUID, period: str, payable: Sequence[Payable],
                       chosen: dict[uuid.UUID, CommissionPlan], in_period: dict[uuid.UUID, list[Collection]],
                       late: dict[uuid.UUID, list[LateCollections]]) -> list[Accrual]:
    """What each payment earned under the role plan's flat rate (the commission line and late adjustments)."""
    accruals = []
    for each in payable:
        if each.employee_id in chosen or not each.plan.pays(COMMISSION):
            continue
        groups = [(each.plan, in_period.get(each.employee_id, []))] + [
            (group.plan, group.collections) for group in late.get(each.employee_id, [])]
        for plan, collections in groups:
            for c in collections:
                accruals.append(Accrual(
                    id=accrual_id(run_id, each.employee_id, c.payment_id), run_id=run_id, period=period,
                    employee_id=each.employee_id, kind="payment", source_id=c.payment_id, deal_id=c.deal_id,
                    money=c.amount, earned=plan.commission_rate * c.amount,
                    plan=f"role {plan.role}@{plan.version} rate {plan.commission_rate}"))
    return accruals


def commission_paid(lines: Sequence[PayslipLine]) -> Decimal:
    """This slip's commission that a clawback may take: commission lines and late commission adjustments."""
    return sum((line.amount for line in lines
                if line.kind == "commission" or (line.rule == ADJUSTMENT_RULE and "commission_rate" in line.inputs)),
               Decimal("0.00"))


async def settle_clawbacks(uow: PayrollUnitOfWork, run_id: uuid.UUID, slips: Sequence[Payslip],
                           with_lines: Callable[[Payslip, list[PayslipLine]], Payslip]) -> list[Payslip]:
    """Reverse what refunded money and cancelled deals earned on other runs, take it (and any balance
    brought forward) from this run's commission, and carry the rest."""
    employees = [slip.employee_id for slip in slips]
    refunds = await uow.commission.settle_refunds(run_id, employees)
    cancellations = await uow.commission.settle_cancellations(run_id, employees)
    owed = await uow.commission.owed_before(run_id, employees)
    accruals = await uow.commission.accruals(payment_ids={r.payment_id for r in refunds},
                                             deal_ids={c.deal_id for c in cancellations}, other_than=run_id)
    done = reversals(refunds, cancellations, accruals)
    await uow.commission.add_clawbacks(run_id, done)
    out, balances = [], []
    for slip in slips:
        mine = [r for r in done if r.accrual.employee_id == slip.employee_id]
        brought = owed.get(slip.employee_id, Decimal("0.00"))
        if not mine and not brought:
            out.append(slip)
            continue
        lines = clawback_lines(mine, refunds, cancellations)
        clawed = -sum((line.amount for line in lines), Decimal("0.00"))
        balance = settle_balance(commission_paid(slip.lines), clawed, brought)
        if balance.line is not None:
            lines.append(balance.line)
        balances.append((slip.employee_id, balance.brought, balance.carried))
        out.append(with_lines(slip, lines))
    await uow.commission.add_balances(run_id, balances)
    return out
