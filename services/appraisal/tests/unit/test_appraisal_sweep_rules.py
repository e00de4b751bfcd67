"""When the daily plan-execution sweep is due (domain.sweeps), and how the worker is told to run it."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from appraisal.bootstrap import bootstrap
from appraisal.config import AppraisalSettings
from appraisal.domain.sweeps import sweep_day, sweep_due
from appraisal.service_layer.commands import SweepPlanExecution

SHANGHAI = ZoneInfo("Asia/Shanghai")
CUTOFF = time(10, 0)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


def test_the_sweeps_day_turns_at_the_daily_log_cut_off_not_at_midnight():
    # Swept at 00:05, yesterday's log (missing only from 10:00) would wait a whole day to count.
    assert sweep_day(at(19, 0, 5), CUTOFF) == date(2026, 11, 18)
    assert sweep_day(at(19, 9, 59), CUTOFF) == date(2026, 11, 18)
    assert sweep_day(at(19, 10, 0), CUTOFF) == date(2026, 11, 19)
    assert sweep_day(at(19, 23, 59), CUTOFF) == date(2026, 11, 19)
    assert sweep_day(at(19, 0, 0), time(0, 0)) == date(2026, 11, 19), "a midnight cut-off: the calendar day"


def test_each_day_is_swept_once_and_never_again_after_a_clock_set_back():
    assert sweep_due(None, date(2026, 11, 19)), "never swept: sweep now"
    assert sweep_due(date(2026, 11, 18), date(2026, 11, 19))
    assert not sweep_due(date(2026, 11, 19), date(2026, 11, 19))
    assert not sweep_due(date(2026, 11, 19), date(2026, 11, 18))


def test_the_worker_sweeps_on_the_configured_interval_and_not_at_all_at_zero(monkeypatch):
    def task(settings: AppraisalSettings):
        runtime = bootstrap(settings)
        return next(task for task in runtime.periodic if task.name == "plan-execution-sweep")

    default = task(AppraisalSettings(_env_file=None))
    assert (default.interval_seconds, default.command()) == (300, SweepPlanExecution())
    monkeypatch.setenv("APPRAISAL_PLAN_EXECUTION_SWEEP_SECONDS", "0")
    assert task(AppraisalSettings(_env_file=None)).interval_seconds == 0
