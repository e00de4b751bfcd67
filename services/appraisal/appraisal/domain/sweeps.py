"""When the daily plan-execution sweep (service_layer.plan_execution_sweep) is due.

What a month owes grows with the days (A8): a working day's log turns missing at its cut-off
(daily_log_cutoff_time, some days later), a weekly plan or report and the monthly report the day
after they were due. The stored live score moves only when an input lands, so once a day every
plan-execution score is rescored. The sweep's day turns at the cut-off time rather than at
midnight: swept at 00:05, the log of the day before would stay unmissed until the next day's
sweep; swept after the cut-off, that log and every item due the day before are counted at once.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta


def sweep_day(local_now: datetime, cutoff_time: time) -> date:
    """The company day whose sweep is due at this company time: today once the day's daily log
    cut-off time has passed, yesterday before it."""
    today = local_now.date()
    return today if local_now.time() >= cutoff_time else today - timedelta(days=1)


def sweep_due(last_swept: date | None, day: date) -> bool:
    """Each day is swept once: a restart, a second replica or a clock set back repeat nothing."""
    return last_swept is None or day > last_swept
