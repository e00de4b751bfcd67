"""Money never lost (issue 9, item 7): every payment collected either earns commission on some run
or is on the not-yet-paid list with the reason, in words finance can act on.

The reasons are checked in the order a clerk would fix them: a run that cannot pay the rep yet
(a blocker), a plan that pays no commission, a rep no later run includes, a period whose run is
still to come, and last the ordinary case — the next run pays it as an adjustment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from payroll.domain.commission import Collection
from payroll.domain.plans import COMMISSION, CompensationPlan
from payroll.domain.roster import Blocker
from shared.clock import first_day, shift_month


class UnpaidReason(StrEnum):
    BLOCKED = "blocked"  # the rep is on a draft run's blocker list
    NO_COMMISSION = "no_commission"  # the rep's plan pays no commission, or there is no plan
    NOT_ON_LATER_RUNS = "not_on_later_runs"  # the rep left before the periods still to be run
    AWAITING_PERIOD_RUN = "awaiting_period_run"  # the period is closed, its run waits for inputs
    PERIOD_NOT_CLOSED = "period_not_closed"  # the period has no run yet
    NEXT_RUN = "next_run"  # it missed its period's run; the next run pays it as an adjustment


@dataclass(frozen=True)
class UnpaidCollection:
    collection: Collection
    rep_name: str | None
    reason: UnpaidReason
    explanation: str


@dataclass(frozen=True)
class RepStanding:
    """What payroll knows of the rep who collected: their name, last day employed, a draft run's
    blocker entry, and the plan that would pay them now (None: no plan for their role)."""

    name: str | None
    left_on: date | None
    blocker: tuple[str, Blocker] | None  # (run period, entry)
    plan: CompensationPlan | None


def why_unpaid(collection: Collection, rep: RepStanding, *, run_periods: set[str], closed_periods: set[str],
               latest_run_period: str | None) -> UnpaidCollection:
    reason, explanation = _reason(collection, rep, run_periods, closed_periods, latest_run_period)
    return UnpaidCollection(collection=collection, rep_name=rep.name, reason=reason, explanation=explanation)


def _reason(collection: Collection, rep: RepStanding, run_periods: set[str], closed_periods: set[str],
            latest_run_period: str | None) -> tuple[UnpaidReason, str]:
    period = collection.period
    if rep.blocker is not None:
        run_period, entry = rep.blocker
        return UnpaidReason.BLOCKED, (f"the run of {run_period} cannot pay this rep: {entry.reason}; "
                                      "it pays this payment once the rep is resolved and the run recomputed")
    if rep.plan is None:
        return UnpaidReason.NO_COMMISSION, "no compensation plan applies to the rep's role; set one to pay it"
    if not rep.plan.pays(COMMISSION):
        return UnpaidReason.NO_COMMISSION, (
            f"the plan of role {rep.plan.role} (version {rep.plan.version}) pays no commission; "
            "pay it as a special incentive or change the plan")
    # The first period a run still to come could pay it in: its own, while that run may come;
    # otherwise the one after the latest run.
    own_run_to_come = period not in run_periods and (
        period in closed_periods or latest_run_period is None or period > latest_run_period)
    next_period = period if own_run_to_come or latest_run_period is None else shift_month(latest_run_period, 1)
    if rep.left_on is not None and rep.left_on < first_day(next_period):
        return UnpaidReason.NOT_ON_LATER_RUNS, (
            f"the rep left on {rep.left_on.isoformat()}, before {next_period}: no later run includes them; "
            "pay it as a special incentive on their final settlement")
    if period not in run_periods:
        if period in closed_periods:
            return UnpaidReason.AWAITING_PERIOD_RUN, (
                f"the run of {period} waits for its inputs; it pays this payment when computed")
        return UnpaidReason.PERIOD_NOT_CLOSED, (
            f"{period} has no pay run yet: its run pays it, or the next run as an adjustment if {period} "
            "never gets one")
    return UnpaidReason.NEXT_RUN, (f"received after the run of {period} was computed; the next run pays it "
                                   "as an adjustment (P8)")


def total(unpaid: list[UnpaidCollection]) -> Decimal:
    return sum((item.collection.amount for item in unpaid), Decimal("0.00"))
