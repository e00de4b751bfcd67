"""Commission plans as data (业务提成方案, P4): named, versioned by the period from which they apply,
each a combination of

- a basis: ``amount`` (sales amount), ``profit`` (deal amount − cost) or ``units``;
- a settlement: ``signing`` (deals signed in the period) or ``collection`` (按回款率: a deal earns in
  proportion to the money received on it — each payment carries the deal's basis pro rata);
- rates on the period's basis total: ``flat``, ``step`` tiers (the tier reached applies to the whole
  total), ``marginal`` tiers (each tier only on the part inside it), or ``target`` (one rate within the
  person's target, another on the part above it; the target may be set per person);
- optionally an annual bonus per unit above an annual unit target, paid in the year-end run;
- optionally a team pool (公佣): a share of each member's commission goes to the group's pool, split
  among the group's members on the run ``equal`` or by appraisal ``score``;
- optionally a per-unit sales-expense allowance: approved sales expenses above it are deducted from the
  commission (never below zero: what is not deducted is written on the line).

Rates are fractions for ``amount`` and ``profit`` (0.005 is 0.5%) and money per unit for ``units``.
A tier's ``above`` is the total beyond which it applies: the seed "20 per unit; above 20 units, 25 per
unit" is ``[{"above": 0, "rate": 20}, {"above": 20, "rate": 25}]`` — the 20th unit is still in the first
tier, the 21st reaches the second.

Every amount is exact until the line, which rounds half-up to cents once (P9). What each deal or
payment earned is its share of the personal commission in proportion to its basis, kept so a later
refund or cancellation reverses exactly that (see :mod:`payroll.domain.clawbacks`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from payroll.domain.lines import PayslipLine
from payroll.domain.money import text, to_cents
from payroll.domain.versions import ensure_new_period, in_force
from shared.errors import InvalidInput

BASES = ("amount", "profit", "units")
SETTLEMENTS = ("signing", "collection")
RATE_KINDS = ("flat", "step", "marginal", "target")
POOL_SPLITS = ("equal", "score")
ZERO = Decimal(0)

RULE = "P4.commission"
POOL_RULE = "P4.team_pool"
ANNUAL_RULE = "P4.annual_bonus"
OVERSPEND_RULE = "P4.expense_overspend"


@dataclass(frozen=True)
class CommissionPolicy:
    """Company settings commission plans read (PAYROLL_COMMISSION_*)."""

    # The month whose run pays the annual over-target bonus (12: the December run).
    year_end_month: int = 12
    # Expense claim categories (expenses.py) that count as sales expenses against the per-unit allowance.
    sales_expense_categories: tuple[str, ...] = ("travel", "living")


@dataclass(frozen=True)
class Tier:
    above: Decimal  # the part of the period's total beyond this is in the tier
    rate: Decimal


@dataclass(frozen=True)
class Rates:
    kind: str  # RATE_KINDS
    rate: Decimal | None = None  # flat
    tiers: tuple[Tier, ...] = ()  # step, marginal
    target: Decimal | None = None  # target: the period's target on the basis, unless the person has their own
    within: Decimal | None = None  # target: the rate on the part up to the target
    beyond: Decimal | None = None  # target: the rate on the part above it


@dataclass(frozen=True)
class AnnualBonus:
    """A fixed bonus per unit sold in the calendar year above ``target_units``, paid in the year-end run."""

    target_units: int
    per_unit: Decimal


@dataclass(frozen=True)
class TeamPool:
    """公佣: ``share`` of each member's commission goes to the group's pool, split by ``split``."""

    share: Decimal
    split: str  # POOL_SPLITS


@dataclass(frozen=True)
class CommissionPlan:
    key: str
    version: int
    effective_from: str  # YYYY-MM
    basis: str
    settlement: str
    rates: Rates
    annual_bonus: AnnualBonus | None = None
    pool: TeamPool | None = None
    expense_allowance_per_unit: Decimal | None = None
    description: str = ""
    set_by: uuid.UUID | None = None
    set_at: datetime | None = None

    def __post_init__(self) -> None:
        validate(self)

    @property
    def fraction_rates(self) -> bool:
        return self.basis != "units"


def _non_negative(value: Decimal | None, field: str, *, fraction: bool = False) -> None:
    if value is None:
        return
    if value < 0:
        raise InvalidInput(field, "may not be negative")
    if fraction and value > 1:
        raise InvalidInput(field, "is a fraction of the basis (0.005 is 0.5%) and may not exceed 1")


def validate(plan: CommissionPlan) -> None:
    """The rules a plan's data must meet; each refusal names the field (as the API spells it)."""
    if plan.basis not in BASES:
        raise InvalidInput("basis", f"must be one of {list(BASES)}")
    if plan.settlement not in SETTLEMENTS:
        raise InvalidInput("settlement", f"must be one of {list(SETTLEMENTS)}")
    rates, fraction = plan.rates, plan.fraction_rates
    if rates.kind not in RATE_KINDS:
        raise InvalidInput("rates.kind", f"must be one of {list(RATE_KINDS)}")
    if rates.kind == "flat":
        if rates.rate is None:
            raise InvalidInput("rates.rate", "a flat plan states its rate")
        _non_negative(rates.rate, "rates.rate", fraction=fraction)
    elif rates.kind in ("step", "marginal"):
        if not rates.tiers:
            raise InvalidInput("rates.tiers", "a tiered plan states at least one tier")
        if rates.tiers[0].above != 0:
            raise InvalidInput("rates.tiers[0].above", "the first tier starts at 0, so every total has a tier")
        for index, tier in enumerate(rates.tiers):
            _non_negative(tier.rate, f"rates.tiers[{index}].rate", fraction=fraction)
            if index and tier.above <= rates.tiers[index - 1].above:
                raise InvalidInput(f"rates.tiers[{index}].above",
                                   "tiers must be in increasing order of 'above', each above the one before")
    else:
        for name in ("within", "beyond"):
            if getattr(rates, name) is None:
                raise InvalidInput(f"rates.{name}", "a target plan states the rate within and beyond the target")
            _non_negative(getattr(rates, name), f"rates.{name}", fraction=fraction)
        if rates.target is None:
            raise InvalidInput("rates.target", "a target plan states the default target (a person's may differ)")
        _non_negative(rates.target, "rates.target")
    if plan.annual_bonus is not None:
        if plan.annual_bonus.target_units < 0:
            raise InvalidInput("annual_bonus.target_units", "may not be negative")
        _non_negative(plan.annual_bonus.per_unit, "annual_bonus.per_unit")
    if plan.pool is not None:
        if not ZERO < plan.pool.share <= 1:
            raise InvalidInput("pool.share", "is a fraction of the commission, above 0 and at most 1")
        if plan.pool.split not in POOL_SPLITS:
            raise InvalidInput("pool.split", f"must be one of {list(POOL_SPLITS)}")
    _non_negative(plan.expense_allowance_per_unit, "expense_allowance_per_unit")


def ensure_new_version_period(versions: Iterable[CommissionPlan], effective_from: str) -> None:
    """One version per plan and period (overlapping versions would make the period's plan ambiguous)."""
    ensure_new_period(versions, effective_from, lambda each: f"version {each.version} of commission plan {each.key!r}")


def version_in_force(plans: Iterable[CommissionPlan], key: str, period: str) -> CommissionPlan | None:
    return in_force((plan for plan in plans if plan.key == key), period)


# --- the period's commission -------------------------------------------------------------------------


@dataclass(frozen=True)
class BasisItem:
    """One deal (settled on signing) or payment (settled on collection) and what it adds to the basis."""

    kind: str  # "deal" | "payment"
    id: uuid.UUID
    deal_id: uuid.UUID
    money: Decimal  # the deal's amount, or the payment's amount net of refunds known at settlement
    basis: Decimal  # its part of the basis total
    note: str | None = None  # why it counts less than it seems (no cost, no units, deal not known yet)

    def as_json(self) -> dict[str, str | None]:
        value = {f"{self.kind}_id": str(self.id), "amount": text(self.money), "basis": text(self.basis)}
        if self.kind == "payment":
            value["deal_id"] = str(self.deal_id)
        if self.note:
            value["note"] = self.note
        return value


@dataclass(frozen=True)
class TierUse:
    above: Decimal
    rate: Decimal
    part: Decimal  # the part of the total the rate was applied to
    amount: Decimal  # exact

    def as_json(self) -> dict[str, str]:
        return {"above": text(self.above), "rate": text(self.rate), "on": text(self.part), "amount": text(self.amount)}


def tiers_of(rates: Rates, target: Decimal | None = None) -> tuple[str, tuple[Tier, ...]]:
    """Every rate kind as tiers and a mode: flat is one step tier; a target is two marginal tiers."""
    if rates.kind == "flat":
        assert rates.rate is not None
        return "step", (Tier(ZERO, rates.rate),)
    if rates.kind == "target":
        assert rates.within is not None and rates.beyond is not None
        limit = target if target is not None else rates.target
        assert limit is not None
        if limit == 0:
            return "marginal", (Tier(ZERO, rates.beyond),)
        return "marginal", (Tier(ZERO, rates.within), Tier(limit, rates.beyond))
    return rates.kind, rates.tiers


def apply_rates(rates: Rates, total: Decimal, target: Decimal | None = None) -> tuple[Decimal, tuple[TierUse, ...]]:
    """The exact commission on a period's basis total, and the tier(s) it used."""
    mode, tiers = tiers_of(rates, target)
    if mode == "step":
        # The highest tier whose threshold the total exceeds applies to all of it; the first tier (above 0)
        # applies to a total of 0 as well.
        reached = [tier for tier in tiers if total > tier.above] or [tiers[0]]
        tier = reached[-1]
        return tier.rate * total, (TierUse(tier.above, tier.rate, total, tier.rate * total),)
    used = []
    for index, tier in enumerate(tiers):
        upper = tiers[index + 1].above if index + 1 < len(tiers) else None
        part = total - tier.above if upper is None else min(total, upper) - tier.above
        if part > 0:
            used.append(TierUse(tier.above, tier.rate, part, tier.rate * part))
    if not used:
        used.append(TierUse(tiers[0].above, tiers[0].rate, ZERO, ZERO))
    return sum((use.amount for use in used), ZERO), tuple(used)


@dataclass(frozen=True)
class PersonalCommission:
    """A person's commission of a period under a plan, before the pool takes its share."""

    plan: CommissionPlan
    items: tuple[BasisItem, ...]
    basis_total: Decimal
    exact: Decimal
    tiers: tuple[TierUse, ...]
    target: Decimal | None

    @property
    def to_pool(self) -> Decimal:
        return self.exact * self.plan.pool.share if self.plan.pool else ZERO

    @property
    def kept(self) -> Decimal:
        return self.exact - self.to_pool

    def earned(self) -> dict[uuid.UUID, Decimal]:
        """What each deal or payment earned the person (exact), in proportion to its basis: what a
        refund or cancellation later reverses."""
        if self.basis_total == 0:
            return {item.id: ZERO for item in self.items}
        return {item.id: self.kept * item.basis / self.basis_total for item in self.items}


def personal_commission(plan: CommissionPlan, items: Sequence[BasisItem], target: Decimal | None = None
                        ) -> PersonalCommission:
    total = sum((item.basis for item in items), ZERO)
    exact, tiers = apply_rates(plan.rates, total, target)
    return PersonalCommission(plan=plan, items=tuple(items), basis_total=total, exact=exact, tiers=tiers,
                              target=(target if target is not None else plan.rates.target)
                              if plan.rates.kind == "target" else None)


def commission_line(commission: PersonalCommission, period: str) -> PayslipLine:
    plan = commission.plan
    amount = to_cents(commission.kept)
    used = " + ".join(f"{text(use.rate)} × {text(use.part)}" for use in commission.tiers)
    calculation = f"{used} = {text(commission.exact)}"
    if plan.pool:
        calculation += f"; × (1 − {text(plan.pool.share)} to the team pool) = {text(commission.kept)}"
    calculation += f" → {text(amount)}"
    formula = {"flat": "rate × basis total", "step": "rate of the tier the basis total reaches × basis total",
               "marginal": "Σ each tier's rate × the part of the basis total inside the tier",
               "target": "rate within × the part up to the target + rate beyond × the part above it"}[plan.rates.kind]
    inputs: dict = {
        "plan": plan.key, "plan_version": plan.version, "basis": plan.basis, "settlement": plan.settlement,
        "rate_kind": plan.rates.kind, "period": period, "basis_total": text(commission.basis_total),
        "tiers": [use.as_json() for use in commission.tiers], "exact": text(commission.exact),
        ("deals" if plan.settlement == "signing" else "payments"): [item.as_json() for item in commission.items],
    }
    if commission.target is not None:
        inputs["target"] = text(commission.target)
    if plan.pool:
        inputs["team_pool_share"] = text(plan.pool.share)
        inputs["to_team_pool"] = text(commission.to_pool)
    return PayslipLine(rule=RULE, kind="commission", amount=amount, formula=formula, calculation=calculation,
                       inputs=inputs)


# --- the team pool (公佣) -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PoolMember:
    employee_id: uuid.UUID
    contribution: Decimal  # exact
    score: Decimal | None


def split_pool(members: Sequence[PoolMember], split: str, full_score: Decimal) -> dict[uuid.UUID, Decimal]:
    """Each member's exact share of the group's pool. ``score``: in proportion to appraisal scores;
    someone without a score (not appraised) counts at the full score, the score that earns the full
    standard (P2) — neither rewarded nor punished for not being appraised. All scores 0: split equally."""
    pool = sum((m.contribution for m in members), ZERO)
    if not members:
        return {}
    if split == "score":
        weights = {m.employee_id: (m.score if m.score is not None else full_score) for m in members}
        total = sum(weights.values(), ZERO)
        if total > 0:
            return {employee_id: pool * weight / total for employee_id, weight in weights.items()}
    return {m.employee_id: pool / len(members) for m in members}


def pool_line(employee_id: uuid.UUID, members: Sequence[PoolMember], split: str, full_score: Decimal,
              plan: CommissionPlan, group_id: uuid.UUID | None) -> PayslipLine:
    shares = split_pool(members, split, full_score)
    pool = sum((m.contribution for m in members), ZERO)
    exact = shares[employee_id]
    amount = to_cents(exact)
    me = next(m for m in members if m.employee_id == employee_id)
    if split == "score":
        weight = me.score if me.score is not None else full_score
        total = sum(((m.score if m.score is not None else full_score) for m in members), ZERO)
        calculation = f"{text(pool)} × {text(weight)} ÷ {text(total)} = {text(exact)} → {text(amount)}"
    else:
        calculation = f"{text(pool)} ÷ {len(members)} = {text(exact)} → {text(amount)}"
    return PayslipLine(
        rule=POOL_RULE, kind="commission", amount=amount,
        formula="the group's pool (Σ members' pool shares) split " + (
            "by appraisal score (no score counts as the full score)" if split == "score" else "equally"),
        calculation=calculation,
        inputs={"plan": plan.key, "plan_version": plan.version, "group_id": str(group_id) if group_id else None,
                "split": split, "pool": text(pool),
                "members": [{"employee_id": str(m.employee_id), "contribution": text(m.contribution),
                             "score": text(m.score) if m.score is not None else None}
                            for m in sorted(members, key=lambda m: str(m.employee_id))]},
    )


# --- the annual bonus and the expense allowance -----------------------------------------------------------


def annual_bonus_line(plan: CommissionPlan, units_by_deal: Mapping[uuid.UUID, int], year: int) -> PayslipLine | None:
    bonus = plan.annual_bonus
    if bonus is None:
        return None
    units = sum(units_by_deal.values())
    extra = max(units - bonus.target_units, 0)
    exact = bonus.per_unit * extra
    amount = to_cents(exact)
    return PayslipLine(
        rule=ANNUAL_RULE, kind="commission", amount=amount,
        formula="per_unit × max(units sold in the year − annual target, 0), paid in the year-end run",
        calculation=f"{text(bonus.per_unit)} × max({units} − {bonus.target_units}, 0) = {text(exact)} → {text(amount)}",
        inputs={"plan": plan.key, "plan_version": plan.version, "year": year, "units": units,
                "target_units": bonus.target_units, "per_unit": text(bonus.per_unit),
                "deals": [{"deal_id": str(deal_id), "units": n} for deal_id, n in sorted(units_by_deal.items(),
                                                                                          key=lambda kv: str(kv[0]))]},
    )


def overspend_line(plan: CommissionPlan, units: int, expenses: Mapping[uuid.UUID, Decimal], categories: Sequence[str],
                   commission_paid: Decimal) -> PayslipLine | None:
    """Sales expenses above the allowance (per unit sold in the period) come off the commission
    ("sales bonus"), but never take it below zero: what could not be deducted is written on the line."""
    if plan.expense_allowance_per_unit is None:
        return None
    allowance = plan.expense_allowance_per_unit * units
    spent = sum(expenses.values(), ZERO)
    overspend = max(spent - allowance, ZERO)
    if overspend == 0:
        return None
    deducted = min(to_cents(overspend), max(commission_paid, ZERO))
    not_deducted = to_cents(overspend) - deducted
    calculation = f"max({text(spent)} − {text(plan.expense_allowance_per_unit)} × {units}, 0) = {text(overspend)}"
    if not_deducted:
        calculation += f"; capped at the commission {text(commission_paid)}: {text(not_deducted)} not deducted"
    return PayslipLine(
        rule=OVERSPEND_RULE, kind="commission", amount=-deducted,
        formula="−max(approved sales expenses − allowance per unit × units sold, 0), at most the commission",
        calculation=calculation + f" → {text(-deducted)}",
        inputs={"plan": plan.key, "plan_version": plan.version, "units": units,
                "allowance_per_unit": text(plan.expense_allowance_per_unit), "allowance": text(allowance),
                "expenses": text(spent), "categories": list(categories), "overspend": text(overspend),
                "not_deducted": text(not_deducted),
                "claims": [{"claim_id": str(claim_id), "amount": text(amount)}
                           for claim_id, amount in sorted(expenses.items(), key=lambda kv: str(kv[0]))]},
    )


# --- what each deal or payment adds to the basis ----------------------------------------------------------


def deal_item(basis: str, deal_id: uuid.UUID, amount: Decimal, profit: Decimal | None, units: int | None
              ) -> BasisItem:
    """A deal signed in the period (settled on signing)."""
    if basis == "amount":
        return BasisItem("deal", deal_id, deal_id, amount, amount)
    if basis == "profit":
        if profit is None:
            return BasisItem("deal", deal_id, deal_id, amount, ZERO, "no cost or profit stated: no profit counted")
        return BasisItem("deal", deal_id, deal_id, amount, profit)
    if units is None:
        return BasisItem("deal", deal_id, deal_id, amount, ZERO, "recorded without a unit count: 0 units")
    return BasisItem("deal", deal_id, deal_id, amount, Decimal(units))


def payment_item(basis: str, payment_id: uuid.UUID, deal_id: uuid.UUID, net: Decimal, *,
                 deal_amount: Decimal | None, profit: Decimal | None, units: int | None) -> BasisItem:
    """A payment received (settled on collection, 按回款率): it carries the deal's basis in proportion to
    the share of the deal's amount it brings in. ``deal_amount`` None: payroll does not know the deal."""
    if basis == "amount":
        return BasisItem("payment", payment_id, deal_id, net, net)
    if deal_amount is None or deal_amount == 0:
        return BasisItem("payment", payment_id, deal_id, net, ZERO, "deal not known to payroll: counts 0")
    per_money = profit if basis == "profit" else (Decimal(units) if units is not None else None)
    if per_money is None:
        return BasisItem("payment", payment_id, deal_id, net, ZERO,
                         f"deal states no {'profit' if basis == 'profit' else 'units'}: counts 0")
    return BasisItem("payment", payment_id, deal_id, net, per_money * net / deal_amount)


# --- a plan as data (stored and sent as JSON; decimals as strings) ---------------------------------------


def _decimal(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def from_definition(key: str, version: int, effective_from: str, definition: Mapping, *, description: str = "",
                    set_by: uuid.UUID | None = None, set_at: datetime | None = None) -> CommissionPlan:
    """The domain plan from its data (validated on construction; each refusal names the field)."""
    rates = definition["rates"]
    annual = definition.get("annual_bonus")
    pool = definition.get("pool")
    return CommissionPlan(
        key=key, version=version, effective_from=effective_from, basis=definition["basis"],
        settlement=definition["settlement"],
        rates=Rates(kind=rates["kind"], rate=_decimal(rates.get("rate")),
                    tiers=tuple(Tier(Decimal(str(t["above"])), Decimal(str(t["rate"])))
                                for t in rates.get("tiers") or ()),
                    target=_decimal(rates.get("target")), within=_decimal(rates.get("within")),
                    beyond=_decimal(rates.get("beyond"))),
        annual_bonus=AnnualBonus(int(annual["target_units"]), Decimal(str(annual["per_unit"]))) if annual else None,
        pool=TeamPool(Decimal(str(pool["share"])), pool["split"]) if pool else None,
        expense_allowance_per_unit=_decimal(definition.get("expense_allowance_per_unit")),
        description=description, set_by=set_by, set_at=set_at)


def definition_of(plan: CommissionPlan) -> dict:
    rates: dict = {"kind": plan.rates.kind}
    if plan.rates.kind == "flat":
        rates["rate"] = text(plan.rates.rate) if plan.rates.rate is not None else None
    elif plan.rates.kind == "target":
        rates.update(target=text(plan.rates.target) if plan.rates.target is not None else None,
                     within=text(plan.rates.within) if plan.rates.within is not None else None,
                     beyond=text(plan.rates.beyond) if plan.rates.beyond is not None else None)
    else:
        rates["tiers"] = [{"above": text(t.above), "rate": text(t.rate)} for t in plan.rates.tiers]
    return {
        "basis": plan.basis, "settlement": plan.settlement, "rates": rates,
        "annual_bonus": {"target_units": plan.annual_bonus.target_units, "per_unit": text(plan.annual_bonus.per_unit)}
        if plan.annual_bonus else None,
        "pool": {"share": text(plan.pool.share), "split": plan.pool.split} if plan.pool else None,
        "expense_allowance_per_unit": text(plan.expense_allowance_per_unit)
        if plan.expense_allowance_per_unit is not None else None,
    }
