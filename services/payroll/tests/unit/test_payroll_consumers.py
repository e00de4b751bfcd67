"""The consumer table: which topics payroll listens to and which event types it handles."""

from __future__ import annotations

from payroll.entrypoints.consumers import CONSUMERS
from shared.directory import DIRECTORY_HANDLERS, DIRECTORY_TOPICS


def test_payroll_inputs_listen_to_appraisal_and_crm():
    inputs = next(spec for spec in CONSUMERS if spec.name == "payroll-inputs")
    assert sorted(inputs.topics) == ["appraisal.period", "appraisal.score", "crm.deal"]
    # ScoreUpdated… share these topics and have no handler: the runner skips them.
    assert set(inputs.handlers) == {"appraisal.period.closed.v1", "appraisal.result.finalized.v1",
                                    "appraisal.annual_result.finalized.v1",
                                    "appraisal.period.reopened.v1", "crm.deal.cost_set.v1",
                                    "crm.payment.received.v1", "crm.deal.won.v1", "crm.deal.cancelled.v1",
                                    "crm.payment.refunded.v1"}


def test_payroll_follows_the_whole_directory():
    directory = next(spec for spec in CONSUMERS if spec.name == "payroll-directory")
    assert directory.topics == DIRECTORY_TOPICS
    assert set(directory.handlers) == set(DIRECTORY_HANDLERS)
    # Wrapped, so that a role landing late can complete a waiting period.
    assert all(handler.__wrapped__ is DIRECTORY_HANDLERS[event_type]
               for event_type, handler in directory.handlers.items())


def test_payroll_attendance_takes_classified_days_and_calendars_only():
    attendance = next(spec for spec in CONSUMERS if spec.name == "payroll-attendance")
    assert attendance.topics == ["org.attendance", "org.calendar"]
    # Dismissal cases and month submissions share org.attendance: no handler, so the runner skips them.
    assert set(attendance.handlers) == {"org.attendance.day_classified.v1", "org.calendar.year_set.v1"}
