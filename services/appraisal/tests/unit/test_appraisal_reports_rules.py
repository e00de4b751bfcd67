"""A8's daily logs, monthly reports and the plan-execution score, without a database: what is
owed in a month and how it came, the cut-off, and the score's formula to the cent."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest
from appraisal_builders import policy

from appraisal.config import AppraisalSettings
from appraisal.domain.plan_execution import Component, Item, Outcome, PlanExecutionPolicy, plan_execution
from appraisal.domain.plans import PlanStatus
from appraisal.domain.reports import (
    DailyLog,
    Delivery,
    MonthlyReport,
    Owed,
    ReportPolicy,
    SubmissionKind,
    ensure_log_day,
    ensure_log_may_be_written,
    ensure_report_may_be_decided,
    ensure_report_may_be_submitted,
    monthly_report_due_on,
    past_cutoff,
    submissions_of,
    weeks_due_in,
)
from shared.calendar import Calendars, WorkingCalendar
from shared.errors import Conflict, InvalidInput

REP = uuid.uuid4()
AT = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)
OCTOBER_FIRST, OCTOBER_LAST = date(2026, 10, 1), date(2026, 10, 31)


def d(value: str | int) -> Decimal:
    return Decimal(str(value))


def log(day: date, *, late: bool = False) -> DailyLog:
    return DailyLog(employee_id=REP, day=day, work_done="Visited Acme", customers_contacted=("Acme",), visits=1,
                    problems="", submitted_at=AT, updated_at=AT, late=late)


def owed(**changes) -> Owed:
    values = dict(period="2026-10", first=OCTOBER_FIRST, last=OCTOBER_LAST, hired_on=date(2024, 1, 1), left_on=None,
                  owes_daily_logs=True, working_days=Calendars().working_days(OCTOBER_FIRST, OCTOBER_LAST), logs={},
                  plans={}, reports={}, monthly=None)
    values.update(changes)
    return Owed(**values)


def delivered(items, kind):
    return {item.ref: item.delivery for item in items if item.kind == kind}


class TestDailyLogs:
    def test_a_future_day_is_refused_naming_the_day(self):
        with pytest.raises(InvalidInput) as refused:
            ensure_log_day(date(2026, 10, 15), today=date(2026, 10, 14))
        assert refused.value.extra["errors"][0]["field"] == "day"
        ensure_log_day(date(2026, 10, 14), today=date(2026, 10, 14))

    def test_editable_until_the_next_morning_at_ten_by_default(self):
        rules = ReportPolicy()
        day = date(2026, 10, 14)
        assert not past_cutoff(day, datetime(2026, 10, 15, 10, 0), rules)
        assert past_cutoff(day, datetime(2026, 10, 15, 10, 0, 1), rules)
        assert past_cutoff(day, datetime(2026, 10, 14, 23, 0), ReportPolicy(daily_log_cutoff_days=0,
                                                                           daily_log_cutoff_time=time(18, 0)))

    def test_a_log_past_its_cut_off_is_final_but_a_first_late_one_is_accepted(self):
        ensure_log_may_be_written(None, date(2026, 10, 14), is_past_cutoff=True)
        ensure_log_may_be_written(log(date(2026, 10, 14)), date(2026, 10, 14), is_past_cutoff=False)
        with pytest.raises(Conflict):
            ensure_log_may_be_written(log(date(2026, 10, 14)), date(2026, 10, 14), is_past_cutoff=True)


class TestOwed:
    def test_business_days_are_owed_once_past_their_cut_off_and_weekends_never(self):
        # Wednesday 14 October, 09:00: the 13th's cut-off (the 14th, 10:00) has not passed yet.
        items = submissions_of(owed(logs={date(2026, 10, 1): log(date(2026, 10, 1)),
                                          date(2026, 10, 2): log(date(2026, 10, 2), late=True)}),
                               today=date(2026, 10, 14), local_now=datetime(2026, 10, 14, 9, 0), policy=ReportPolicy(),
                               plan_offset_days=0, report_offset_days=7)
        logs = delivered(items, SubmissionKind.DAILY_LOG)
        assert logs["2026-10-01"] == Delivery.ON_TIME and logs["2026-10-02"] == Delivery.LATE
        assert "2026-10-03" not in logs and "2026-10-04" not in logs, "a weekend owes nothing"
        assert logs["2026-10-12"] == Delivery.MISSING
        assert "2026-10-13" not in logs and "2026-10-14" not in logs
        assert len(logs) == 8  # 1, 2, 5–9, 12, and nothing else yet

    def test_logs_follow_the_company_calendar_not_the_weekdays(self):
        # National Day week: 1–7 October are public holidays (Thursday to Wednesday), and Saturday
        # 10 October is a make-up working day (调休). Friday 16 October, noon: everything up to the
        # 15th is past its cut-off, and no log was written.
        national_day = WorkingCalendar(year=2026, holidays=frozenset(date(2026, 10, n) for n in range(1, 8)),
                                       makeup_working_days=frozenset({date(2026, 10, 10)}))
        working_days = Calendars({2026: national_day}).working_days(OCTOBER_FIRST, OCTOBER_LAST)
        items = submissions_of(owed(working_days=working_days, logs={date(2026, 10, 8): log(date(2026, 10, 8))}),
                               today=date(2026, 10, 16), local_now=datetime(2026, 10, 16, 12, 0),
                               policy=ReportPolicy(), plan_offset_days=0, report_offset_days=7)
        logs = delivered(items, SubmissionKind.DAILY_LOG)
        assert not [day for day in logs if day <= "2026-10-07"], "a public holiday owes no log"
        assert logs["2026-10-10"] == Delivery.MISSING, "the make-up working Saturday owes one"
        assert "2026-10-11" not in logs
        assert logs == {"2026-10-08": Delivery.ON_TIME, "2026-10-09": Delivery.MISSING,
                        "2026-10-10": Delivery.MISSING, "2026-10-12": Delivery.MISSING,
                        "2026-10-13": Delivery.MISSING, "2026-10-14": Delivery.MISSING,
                        "2026-10-15": Delivery.MISSING}
        # The plan-execution share of the logs: 1 of 7, not 1 of 12 (eleven weekdays to the 15th).
        score = plan_execution([Item(Component.DAILY_LOGS, ref, outcome) for ref, outcome in logs.items()],
                               PlanExecutionPolicy(weights={Component.DAILY_LOGS: d(100)}, late_credit=d(0)))
        assert score.score == d("14.29")

    def test_weeks_count_in_the_month_their_item_falls_due(self):
        # Plans due on Mondays: 5, 12, 19, 26 October; reports on the Monday after: the weeks of 28 Sep – 19 Oct.
        assert [week for week, _ in weeks_due_in(OCTOBER_FIRST, OCTOBER_LAST, 0)] == [
            "2026-W41", "2026-W42", "2026-W43", "2026-W44"]
        assert [week for week, _ in weeks_due_in(OCTOBER_FIRST, OCTOBER_LAST, 7)] == [
            "2026-W40", "2026-W41", "2026-W42", "2026-W43"]

    def test_after_the_month_everything_not_in_is_missing_and_nothing_before_the_hire(self):
        report = MonthlyReport(employee_id=REP, period="2026-10", fields={}, prefilled={}, status=PlanStatus.SUBMITTED,
                               first_submitted_at=AT, submitted_at=AT, late=True)
        items = submissions_of(owed(hired_on=date(2026, 10, 19), plans={"2026-W43": False}, monthly=report),
                               today=date(2026, 11, 20), local_now=datetime(2026, 11, 20, 12, 0),
                               policy=ReportPolicy(), plan_offset_days=0, report_offset_days=7)
        assert delivered(items, SubmissionKind.WEEKLY_PLAN) == {"2026-W43": Delivery.ON_TIME,
                                                                "2026-W44": Delivery.MISSING}
        assert delivered(items, SubmissionKind.WEEKLY_REPORT) == {"2026-W43": Delivery.MISSING}
        assert len(delivered(items, SubmissionKind.DAILY_LOG)) == 10  # 19–23 and 26–30 October
        assert delivered(items, SubmissionKind.MONTHLY_REPORT) == {"2026-10": Delivery.LATE}

    def test_no_daily_logs_for_a_role_that_does_not_owe_them(self):
        items = submissions_of(owed(owes_daily_logs=False), today=date(2026, 11, 20),
                               local_now=datetime(2026, 11, 20, 12, 0), policy=ReportPolicy(), plan_offset_days=0,
                               report_offset_days=7)
        assert not delivered(items, SubmissionKind.DAILY_LOG)

    def test_the_monthly_report_is_due_on_the_30th_or_the_last_day_of_a_shorter_month(self):
        assert monthly_report_due_on(date(2026, 10, 31), ReportPolicy()) == date(2026, 10, 30)
        assert monthly_report_due_on(date(2027, 2, 28), ReportPolicy()) == date(2027, 2, 28)


class TestMonthlyReports:
    def report(self, status: str) -> MonthlyReport:
        return MonthlyReport(employee_id=REP, period="2026-10", fields={"summary": "ok"}, prefilled={},
                             status=status, first_submitted_at=AT, submitted_at=AT, late=False)

    def test_approved_is_final_returned_is_submitted_again(self):
        ensure_report_may_be_submitted(None)
        ensure_report_may_be_submitted(self.report(PlanStatus.RETURNED))
        with pytest.raises(Conflict):
            ensure_report_may_be_submitted(self.report(PlanStatus.APPROVED))

    def test_only_a_submitted_report_is_decided(self):
        assert ensure_report_may_be_decided(self.report(PlanStatus.SUBMITTED), "2026-10").status == "submitted"
        for current in (None, self.report(PlanStatus.APPROVED), self.report(PlanStatus.RETURNED)):
            with pytest.raises(Conflict):
                ensure_report_may_be_decided(current, "2026-10")


class TestPlanExecution:
    rules = PlanExecutionPolicy(weights={Component.DAILY_LOGS: d(30), Component.WEEKLY_PLANS: d(15),
                                         Component.WEEKLY_REPORTS: d(25), Component.MONTHLY_REPORT: d(10),
                                         Component.APPROVALS: d(10), Component.SPOT_CHECKS: d(10)},
                                late_credit=d(0))

    def test_nothing_owed_yet_scores_100(self):
        assert plan_execution([], self.rules).score == d(100)

    def test_the_formula_to_the_cent_with_empty_components_left_out(self):
        items = [
            *(Item(Component.DAILY_LOGS, f"day{n}", Outcome.ON_TIME) for n in range(18)),
            Item(Component.DAILY_LOGS, "late", Outcome.LATE),
            Item(Component.DAILY_LOGS, "missing", Outcome.MISSING),  # 18 / 20 = 0.9
            *(Item(Component.WEEKLY_PLANS, f"w{n}", Outcome.ON_TIME) for n in range(3)),
            Item(Component.WEEKLY_PLANS, "w4", Outcome.MISSING),  # 0.75
            Item(Component.APPROVALS, "weekly_plan:w1", Outcome.RETURNED),
            Item(Component.APPROVALS, "weekly_plan:w1", Outcome.APPROVED),  # 0.5
            Item(Component.SPOT_CHECKS, "daily_log:day1", Outcome.VERIFIED),  # 1
        ]
        result = plan_execution(items, self.rules)
        # Weighted over 30 + 15 + 10 + 10 = 65: (27 + 11.25 + 5 + 10) / 65 × 100 = 81.923… → 81.92.
        assert result.score == d("81.92")
        lines = {c.key: (c.items, c.share, c.contribution) for c in result.components}
        assert lines[Component.DAILY_LOGS] == (20, d("0.9"), d("41.54"))
        assert lines[Component.WEEKLY_PLANS] == (4, d("0.75"), d("17.31"))
        assert lines[Component.WEEKLY_REPORTS] == (0, None, d(0))
        assert lines[Component.APPROVALS] == (2, d("0.5"), d("7.69"))
        assert len(result.items) == len(items)

    def test_a_late_submission_earns_the_configured_credit(self):
        items = [Item(Component.WEEKLY_REPORTS, "w1", Outcome.ON_TIME), Item(Component.WEEKLY_REPORTS, "w2",
                                                                               Outcome.LATE)]
        assert plan_execution(items, self.rules).score == d(50)
        half = PlanExecutionPolicy(weights=self.rules.weights, late_credit=d("0.5"))
        assert plan_execution(items, half).score == d(75)

    def test_rounding_is_half_up_at_the_cent(self):
        items = [Item(Component.SPOT_CHECKS, str(n), Outcome.VERIFIED if n < 2 else Outcome.NOT_VERIFIED)
                 for n in range(3)]
        assert plan_execution(items, self.rules).score == d("66.67")
        items = [Item(Component.SPOT_CHECKS, str(n), Outcome.VERIFIED if n < 1 else Outcome.NOT_VERIFIED)
                 for n in range(8)]
        assert plan_execution(items, self.rules).score == d("12.50")


class TestSettings:
    def test_the_defaults_are_the_documented_ones(self):
        rules = policy()
        assert rules.plan_execution is not None
        assert sum(rules.plan_execution.weights.values()) == 100
        assert rules.plan_execution.late_credit == 0
        assert rules.reports.monthly_report_due_day == 30

    def test_unknown_components_are_refused(self):
        with pytest.raises(ValueError, match="unknown components"):
            AppraisalSettings(_env_file=None, plan_execution_weights={"golf": 100})
