"""Plans in force, periods on the company's clock, when a run is complete, and run states."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from payroll_builders import plan, result

from payroll.domain.completeness import ClosedPeriod, assess
from payroll.domain.periods import ensure_period, period_of
from payroll.domain.plans import ensure_change_applies_to_open_periods, plan_in_force
from payroll.domain.runs import PayRun, RunStatus
from shared.clock import Clock, shift_month
from shared.errors import Conflict, InvalidInput

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def period(clock: Clock) -> str:
    """The period appraisal has just closed: last month."""
    return shift_month(clock.month(), -1)


def closed(period: str, count: int, clock: Clock) -> ClosedPeriod:
    return ClosedPeriod(period=period, employee_count=count, closed_at=clock.now(), closed_by=uuid.uuid4())


# --- plans ------------------------------------------------------------------------------------------

def test_the_plan_in_force_is_the_latest_that_started_by_the_period():
    versions = [plan(version=1, effective_from="2026-01"), plan(version=2, effective_from="2026-07"),
                plan(version=3, effective_from="2026-12"), plan("telesales_agent", version=1, effective_from="2026-08")]
    assert plan_in_force(versions, "sales_rep", "2026-10").version == 2
    assert plan_in_force(versions, "sales_rep", "2026-12").version == 3
    assert plan_in_force(versions, "sales_rep", "2026-06").version == 1
    assert plan_in_force(versions, "sales_rep", "2025-12") is None
    assert plan_in_force(versions, "telesales_agent", "2026-07") is None


def test_a_period_set_twice_uses_the_later_version():
    versions = [plan(version=1, effective_from="2026-10", monthly_base="3000.00"),
                plan(version=2, effective_from="2026-10", monthly_base="3200.00")]
    assert plan_in_force(versions, "sales_rep", "2026-11").monthly_base == Decimal("3200.00")


def test_a_plan_change_may_not_reach_into_a_period_that_has_a_run():
    ensure_change_applies_to_open_periods("2026-11", "2026-10")
    ensure_change_applies_to_open_periods("2026-01", None)
    with pytest.raises(Conflict):
        ensure_change_applies_to_open_periods("2026-10", "2026-10")


# --- periods ----------------------------------------------------------------------------------------

def test_an_instant_is_placed_in_a_period_on_the_company_clock():
    # 17:30 UTC on 31 October is 01:30 on 1 November in Shanghai.
    assert period_of(datetime(2026, 10, 31, 17, 30, tzinfo=UTC), SHANGHAI) == "2026-11"
    assert period_of(datetime(2026, 10, 31, 15, 30, tzinfo=UTC), SHANGHAI) == "2026-10"
    assert period_of(datetime(2026, 10, 31, 17, 30, tzinfo=UTC), ZoneInfo("UTC")) == "2026-10"


def test_a_calendar_date_is_taken_as_the_company_date():
    assert period_of(date(2026, 10, 31), SHANGHAI) == "2026-10"
    assert period_of(date(2026, 1, 1), SHANGHAI) == "2026-01"


def test_an_instant_without_a_timezone_is_refused():
    with pytest.raises(ValueError):
        period_of(datetime(2026, 10, 31, 17, 30), SHANGHAI)


@pytest.mark.parametrize("bad", ["2026-13", "2026-1", "26-10", "2026-00", "2026/10", ""])
def test_a_period_is_a_month_written_yyyy_mm(bad):
    with pytest.raises(InvalidInput):
        ensure_period(bad)
    assert ensure_period("2026-12") == "2026-12"


# --- completeness -----------------------------------------------------------------------------------

def test_results_before_the_close_wait_for_the_close(period):
    results = [result(period=period) for _ in range(3)]
    readiness = assess(period, None, results, {}, [plan()])
    assert not readiness.ready
    assert readiness.received == 3
    assert readiness.waiting_for == ["the period has not been closed by appraisal"]


def test_a_close_before_its_results_waits_for_all_of_them(period, clock):
    results = [result(period=period) for _ in range(2)]
    readiness = assess(period, closed(period, 3, clock), results, {}, [plan()])
    assert not readiness.ready
    assert readiness.waiting_for == ["appraisal results: 2 of 3 received"]


def test_the_close_and_all_results_in_any_order_are_ready(period, clock):
    results = [result(period=period) for _ in range(3)]
    assert assess(period, closed(period, 3, clock), results, {}, [plan()]).ready
    assert assess(period, closed(period, 3, clock), list(reversed(results)), {}, [plan()]).ready


def test_a_result_delivered_twice_counts_once(period, clock):
    one, two = result(period=period), result(period=period)
    readiness = assess(period, closed(period, 3, clock), [one, two, one], {}, [plan()])
    assert (readiness.received, readiness.ready) == (2, False)


def test_results_of_another_period_do_not_count(period, clock):
    results = [result(period=period), result(period=period), result(period=shift_month(period, -1))]
    assert not assess(period, closed(period, 3, clock), results, {}, [plan()]).ready


def test_a_period_with_no_employees_is_ready_at_once(period, clock):
    readiness = assess(period, closed(period, 0, clock), [], {}, [])
    assert readiness.ready and readiness.roles == {}


def test_the_role_comes_from_the_result_else_from_the_directory(period, clock):
    with_role = result(period=period, role="telesales_agent")
    without_role = result(period=period, role=None)
    directory = {with_role.employee_id: "sales_rep", without_role.employee_id: "sales_rep"}
    readiness = assess(period, closed(period, 2, clock), [with_role, without_role], directory,
                       [plan("sales_rep"), plan("telesales_agent")])
    assert readiness.ready
    assert readiness.roles == {with_role.employee_id: "telesales_agent", without_role.employee_id: "sales_rep"}


def test_an_employee_with_no_known_role_holds_the_run(period, clock):
    unknown = result(period=period, role=None)
    readiness = assess(period, closed(period, 1, clock), [unknown], {unknown.employee_id: "unknown"}, [plan()])
    assert not readiness.ready
    assert readiness.without_role == (unknown.employee_id,)


def test_a_role_without_a_plan_in_force_no_longer_holds_the_run(period, clock):
    # Its people become blockers on the run (roster), so everyone else's pay is not held up.
    rep = result(period=period, role="sales_rep")
    readiness = assess(period, closed(period, 1, clock), [rep], {}, [plan(effective_from=shift_month(period, 1))])
    assert readiness.ready
    assert readiness.roles_without_plan == ("sales_rep",)
    assert readiness.waiting_for == []


# --- run states -------------------------------------------------------------------------------------

def run(period: str, clock: Clock) -> PayRun:
    return PayRun(id=uuid.uuid4(), period=period, status=RunStatus.COMPUTED, payslip_count=0,
                  total_gross=Decimal("0.00"), computed_at=clock.now(), full_score_at=Decimal(80))


def test_a_run_is_approved_then_locked(period, clock):
    approver, locker, at = uuid.uuid4(), uuid.uuid4(), clock.now()
    pay_run = run(period, clock)
    pay_run.approve(approver, at)
    pay_run.lock(locker, at)
    assert (pay_run.status, pay_run.approved_by, pay_run.locked_by) == (RunStatus.LOCKED, approver, locker)


def test_a_computed_run_is_approved_before_it_is_locked(period, clock):
    pay_run = run(period, clock)
    with pytest.raises(Conflict) as refused:
        pay_run.lock(uuid.uuid4(), clock.now())
    assert refused.value.extra["run_status"] == "computed"
    assert pay_run.status == RunStatus.COMPUTED


def test_a_locked_run_refuses_every_change(period, clock):
    pay_run = run(period, clock)
    pay_run.approve(uuid.uuid4(), clock.now())
    pay_run.lock(uuid.uuid4(), clock.now())
    for attempt in (pay_run.approve, pay_run.lock, lambda by, at: pay_run.recompute(at)):
        with pytest.raises(Conflict) as refused:
            attempt(uuid.uuid4(), clock.now())
        assert refused.value.extra["run_status"] == "locked"


def test_approving_twice_is_a_conflict(period, clock):
    pay_run = run(period, clock)
    pay_run.approve(uuid.uuid4(), clock.now())
    with pytest.raises(Conflict):
        pay_run.approve(uuid.uuid4(), clock.now())


def test_more_results_than_announced_do_not_hold_the_run_for_ever(period, clock):
    results = [result(period=period) for _ in range(3)]
    readiness = assess(period, closed(period, 2, clock), results, {}, [plan()])
    assert readiness.ready and len(readiness.roles) == 3
