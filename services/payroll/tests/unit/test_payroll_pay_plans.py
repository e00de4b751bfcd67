"""Issue 9 items 1, 2, 8 as plain rules: plan parts and fixed performance pay, per-person overrides,
who a run pays or lists as a blocker, special incentives, and the run's four-eyes life."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date
from decimal import Decimal

import pytest
from payroll_builders import plan, result

from payroll.domain.incentives import IncentiveStatus, SpecialIncentive
from payroll.domain.overrides import PlanOverride, ensure_new_override_period, override_in_force, resolve
from payroll.domain.payslip import PayPolicy, compute_payslip
from payroll.domain.plans import (
    ensure_change_applies_to_open_periods,
    ensure_new_period,
    ensure_parts,
    ensure_profit_share_fits,
)
from payroll.domain.roster import Blocker, Person, employed_in, roster
from payroll.domain.runs import PayRun, RunStatus
from shared.clock import Clock
from shared.errors import Conflict, InvalidInput

D = Decimal
PERIOD = "2026-10"
ANN, BAO, CAI, DU = (uuid.UUID(int=n) for n in (1, 2, 3, 4))


def fixed_plan(role: str = "finance", **amounts) -> object:
    """A role not appraised: base and a fixed performance pay, no bonus, no commission."""
    return dataclasses.replace(plan(role, **amounts), parts=frozenset({"base", "performance_pay"}),
                               performance_fixed=D("800.00"))


def override(employee_id: uuid.UUID = ANN, version: int = 1, effective_from: str = "2026-06", **amounts: str
             ) -> PlanOverride:
    return PlanOverride(employee_id=employee_id, version=version, effective_from=effective_from,
                        **{name: D(value) for name, value in amounts.items()})


# --- plans ------------------------------------------------------------------------------------------

def test_a_plan_with_fixed_performance_pay_and_no_bonus_needs_no_appraisal():
    assert plan().needs_result
    assert not fixed_plan().needs_result
    base_only = dataclasses.replace(plan("hr"), parts=frozenset({"base"}))
    assert not base_only.needs_result
    # The bonus is the appraisal's coefficient: a plan paying it needs a result even with a fixed amount.
    assert dataclasses.replace(fixed_plan(), parts=frozenset({"base", "performance_pay", "bonus"})).needs_result


def test_unknown_parts_are_refused_naming_the_field():
    with pytest.raises(InvalidInput) as refused:
        ensure_parts(["base", "stock_options"])
    assert refused.value.extra["errors"][0]["field"] == "parts"


def test_a_profit_share_is_for_the_manager_and_finance_sides_without_commission():
    sides = {"manager_roles": ["department_manager"], "finance_roles": ["finance"]}
    ensure_profit_share_fits("department_manager", frozenset({"base", "performance_pay", "profit_share"}), **sides)
    ensure_profit_share_fits("sales_rep", frozenset({"base", "commission"}), **sides)
    with pytest.raises(InvalidInput, match="do"):
        ensure_profit_share_fits("sales_rep", frozenset({"base", "profit_share"}), **sides)
    with pytest.raises(InvalidInput, match="no commission"):
        ensure_profit_share_fits("finance", frozenset({"base", "commission", "profit_share"}), **sides)


def test_a_second_version_for_the_same_period_is_a_conflict():
    versions = [plan(version=1, effective_from="2026-01"), plan(version=2, effective_from="2026-07")]
    ensure_new_period(versions, "2026-08")
    with pytest.raises(Conflict) as refused:
        ensure_new_period(versions, "2026-07")
    assert (refused.value.extra["field"], refused.value.extra["existing_version"]) == ("effective_from", 2)


def test_only_a_locked_period_refuses_a_plan_change():
    ensure_change_applies_to_open_periods("2026-10", None)  # a draft run of 2026-10 is recomputed instead
    ensure_change_applies_to_open_periods("2026-10", "2026-09")
    with pytest.raises(Conflict):
        ensure_change_applies_to_open_periods("2026-09", "2026-09")
    with pytest.raises(Conflict):
        ensure_change_applies_to_open_periods("2026-03", "2026-09")  # open-ended: it would reach 2026-09


# --- overrides --------------------------------------------------------------------------------------

def test_an_override_replaces_only_the_amounts_it_states():
    role_plan = plan(monthly_base="3000.00", commission_rate="0.02")
    resolved = resolve(role_plan, override(monthly_base="3500.00"))
    assert (resolved.monthly_base, resolved.commission_rate, resolved.bonus_base) == (D("3500.00"), D("0.02"),
                                                                                      D("1000.00"))
    assert (resolved.version, resolved.override_version, resolved.parts) == (1, 1, role_plan.parts)
    assert resolve(role_plan, None) is role_plan


def test_the_override_in_force_is_the_persons_latest_started_by_the_period():
    versions = [override(version=1, effective_from="2026-03", monthly_base="3100"),
                override(version=2, effective_from="2026-11", monthly_base="3200"),
                override(BAO, version=1, effective_from="2026-01", monthly_base="9999")]
    assert override_in_force(versions, ANN, PERIOD).version == 1
    assert override_in_force(versions, ANN, "2026-11").version == 2
    assert override_in_force(versions, ANN, "2026-02") is None
    assert override_in_force(versions, CAI, PERIOD) is None


def test_an_override_states_something_and_nothing_negative():
    with pytest.raises(InvalidInput):
        PlanOverride(employee_id=ANN, version=1, effective_from=PERIOD)
    with pytest.raises(InvalidInput) as refused:
        override(bonus_base="-1")
    assert refused.value.extra["errors"][0]["field"] == "bonus_base"
    with pytest.raises(Conflict):
        ensure_new_override_period([override(effective_from=PERIOD, monthly_base="1")], PERIOD)


# --- roster and blockers ----------------------------------------------------------------------------

def test_employed_in_the_period_means_hired_by_its_end_and_not_left_before_its_start():
    assert employed_in(PERIOD, date(2026, 10, 31), None)
    assert not employed_in(PERIOD, date(2026, 11, 1), None)
    assert employed_in(PERIOD, date(2025, 1, 1), date(2026, 10, 1))
    assert not employed_in(PERIOD, date(2025, 1, 1), date(2026, 9, 30))
    assert not employed_in(PERIOD, None, None)


def test_the_run_pays_appraised_and_fixed_roles_and_lists_whom_it_cannot_pay():
    people = [Person(ANN, "sales_rep", "Ann"), Person(BAO, "finance", "Bao"), Person(CAI, "hr", "Cai"),
              Person(DU, "sales_rep", "Du")]
    results = {ANN: result(ANN, period=PERIOD)}  # Du is a rep, appraised, with no result
    payable, blockers = roster(PERIOD, people, results, [plan(), fixed_plan()])
    assert [(p.employee_id, p.role, p.result is not None) for p in payable] == [(ANN, "sales_rep", True),
                                                                              (BAO, "finance", False)]
    assert [(b.employee_id, b.role) for b in blockers] == [(CAI, "hr"), (DU, "sales_rep")]
    assert blockers[0].reason == f"no compensation plan for role 'hr' in force for {PERIOD}"
    assert "appraisal sent no result" in blockers[1].reason
    assert Blocker.from_json(blockers[1].as_json()) == blockers[1]


def test_an_override_changes_amounts_not_the_parts_the_role_is_paid():
    # A fixed performance amount for one rep does not spare the result: the role's bonus still needs it.
    people = [Person(ANN, "sales_rep")]
    _, blockers = roster(PERIOD, people, {}, [plan()], [override(performance_fixed="500")])
    assert [b.employee_id for b in blockers] == [ANN]
    payable, blockers = roster(PERIOD, [Person(BAO, "finance")], {}, [fixed_plan()],
                               [override(BAO, performance_fixed="950.00")])
    assert blockers == [] and payable[0].plan.performance_fixed == D("950.00")


def test_an_unknown_role_is_a_blocker():
    _, blockers = roster(PERIOD, [Person(ANN, None, "Ann")], {}, [plan()])
    assert blockers[0].reason.startswith("the employee's role is unknown")


# --- payslips of people not appraised ---------------------------------------------------------------

def test_a_role_not_appraised_is_paid_base_and_fixed_performance_pay():
    slip = compute_payslip(None, "finance", fixed_plan(monthly_base="4500.00"), PayPolicy(),
                           employee_id=BAO, period=PERIOD)
    assert [(line.rule, line.amount) for line in slip.lines] == [("P1.base_salary", D("4500.00")),
                                                                 ("P2.performance_fixed", D("800.00"))]
    assert (slip.gross, slip.score, slip.coefficient) == (D("5300.00"), None, None)


def test_a_base_only_plan_pays_the_base_alone():
    hr = dataclasses.replace(plan("hr", monthly_base="3333.335"), parts=frozenset({"base"}))
    slip = compute_payslip(None, "hr", hr, PayPolicy(), employee_id=CAI, period=PERIOD)
    assert [(line.rule, line.amount) for line in slip.lines] == [("P1.base_salary", D("3333.34"))]  # half-up


def test_an_appraised_plan_without_a_result_is_never_computed():
    with pytest.raises(ValueError):
        compute_payslip(None, "sales_rep", plan(), PayPolicy(), employee_id=ANN, period=PERIOD)


# --- special incentives -----------------------------------------------------------------------------

def incentive(clock: Clock, amount: str = "888.88") -> SpecialIncentive:
    return SpecialIncentive(id=uuid.uuid4(), employee_id=ANN, period=PERIOD, amount=D(amount), reason="key account",
                            entered_by=BAO, entered_at=clock.now())


@pytest.mark.parametrize("amount", ["0", "-5.00", "0.001"])
def test_an_incentive_is_a_positive_amount_in_cents(clock, amount):
    with pytest.raises(InvalidInput) as refused:
        incentive(clock, amount)
    assert refused.value.extra["errors"][0]["field"] == "amount"


def test_an_incentive_is_its_own_line_on_the_payslip(clock):
    award = incentive(clock)
    slip = compute_payslip(result(ANN, period=PERIOD, score="80", coefficient="1.0"), "sales_rep", plan(),
                           PayPolicy(), incentives=[award])
    line = slip.lines[-1]
    assert (line.rule, line.kind, line.amount) == ("P1.special_incentive", "special_incentive", D("888.88"))
    assert line.inputs["reason"] == "key account" and line.inputs["incentive_id"] == str(award.id)
    assert slip.gross == D("3000.00") + D("2000.00") + D("1000.00") + D("888.88")


def test_an_incentive_is_cancellable_until_paid(clock):
    pending = incentive(clock)
    pending.cancel(BAO, clock.now())
    assert pending.status is IncentiveStatus.CANCELLED
    with pytest.raises(Conflict):
        pending.cancel(BAO, clock.now())
    paid = dataclasses.replace(incentive(clock), run_id=uuid.uuid4(), run_locked=True)
    assert paid.status is IncentiveStatus.PAID
    with pytest.raises(Conflict) as refused:
        paid.cancel(BAO, clock.now())
    assert refused.value.extra["incentive_status"] == "paid"


# --- the run's life: four eyes, blockers, recompute -------------------------------------------------

def draft(clock: Clock, blockers: tuple[Blocker, ...] = ()) -> PayRun:
    return PayRun(id=uuid.uuid4(), period=PERIOD, status=RunStatus.COMPUTED, payslip_count=0,
                  total_gross=D("0.00"), computed_at=clock.now(), full_score_at=D(80), blockers=blockers)


def test_the_approver_may_not_lock_the_run(clock):
    run, approver = draft(clock), uuid.uuid4()
    run.approve(approver, clock.now())
    with pytest.raises(Conflict) as refused:
        run.lock(approver, clock.now())
    assert "four eyes" in str(refused.value) and refused.value.extra["approved_by"] == str(approver)
    assert run.status == RunStatus.APPROVED
    run.lock(uuid.uuid4(), clock.now())
    assert run.status == RunStatus.LOCKED


def test_a_run_with_blockers_is_not_approved_and_the_answer_names_them(clock):
    blocker = Blocker(CAI, "Cai", "hr", "no compensation plan for role 'hr' in force for 2026-10")
    run = draft(clock, (blocker,))
    with pytest.raises(Conflict) as refused:
        run.approve(uuid.uuid4(), clock.now())
    assert refused.value.extra["blockers"] == [blocker.as_json()]
    assert run.status == RunStatus.COMPUTED


def test_recomputing_withdraws_the_approval_and_a_locked_run_refuses_it(clock):
    run = draft(clock, (Blocker(CAI, None, "hr", "x"),))
    run.blockers = ()
    run.approve(ANN, clock.now())
    run.recompute(clock.now())
    assert (run.status, run.approved_by, run.approved_at) == (RunStatus.COMPUTED, None, None)
    run.approve(ANN, clock.now())
    run.lock(BAO, clock.now())
    with pytest.raises(Conflict):
        run.recompute(clock.now())
