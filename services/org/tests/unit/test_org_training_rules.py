"""Training's rules as plain functions (O5, O7, A6): the sheet, when a session counts as held and
is news, the first-week onboarding, the monthly minimum, retraining assignments."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from org.domain.training import (
    Assessment,
    AssignmentStatus,
    Attendance,
    AttendeeRecord,
    DismissalCase,
    OnboardingStatus,
    RetrainingAssignment,
    SessionKind,
    SessionStatus,
    TrainingPolicy,
    TrainingSession,
    below_minimum,
    check_duration,
    check_sheet,
    employed_on,
    onboarding_status,
    onboarding_window,
    retraining_flags,
    retraining_refusal,
)
from shared.errors import Conflict, InvalidInput

TODAY = date(2026, 3, 11)
TRAINER, ANNA, BO = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
POLICY = TrainingPolicy()


def session(held_on: date = TODAY, *lines: AttendeeRecord) -> TrainingSession:
    return TrainingSession(id=uuid.uuid4(), topic="Product basics", kind=SessionKind.REGULAR, trainer_id=TRAINER,
                           held_on=held_on, duration_minutes=90, recorded_by=TRAINER, attendees=list(lines))


def present(employee_id: uuid.UUID, result: Assessment | None = None, score: str | None = None) -> AttendeeRecord:
    return AttendeeRecord(employee_id, Attendance.PRESENT, result, Decimal(score) if score is not None else None)


def absent(employee_id: uuid.UUID) -> AttendeeRecord:
    return AttendeeRecord(employee_id, Attendance.ABSENT)


def refused_field(error: pytest.ExceptionInfo[InvalidInput]) -> str:
    return error.value.extra["errors"][0]["field"]


class TestDuration:
    @pytest.mark.parametrize("minutes", [0, -30])
    def test_a_session_lasts_more_than_zero_minutes(self, minutes: int) -> None:
        with pytest.raises(InvalidInput) as refused:
            check_duration(minutes)
        assert refused_field(refused) == "duration_minutes"

    def test_one_minute_is_enough(self) -> None:
        check_duration(1)


class TestSheet:
    def test_the_same_person_twice_is_refused_naming_the_line(self) -> None:
        with pytest.raises(InvalidInput) as refused:
            check_sheet([present(ANNA), present(ANNA)], trainer_id=TRAINER, held_on=TODAY, today=TODAY)
        assert refused_field(refused) == "attendees[1].employee_id"

    def test_the_trainer_does_not_attend_their_own_session(self) -> None:
        with pytest.raises(InvalidInput) as refused:
            check_sheet([present(ANNA), present(TRAINER)], trainer_id=TRAINER, held_on=TODAY, today=TODAY)
        assert refused_field(refused) == "attendees[1].employee_id"

    def test_a_planned_session_takes_invitees_but_no_attendance(self) -> None:
        tomorrow = date(2026, 3, 12)
        check_sheet([AttendeeRecord(ANNA)], trainer_id=TRAINER, held_on=tomorrow, today=TODAY)
        with pytest.raises(InvalidInput) as refused:
            check_sheet([AttendeeRecord(ANNA), absent(BO)], trainer_id=TRAINER, held_on=tomorrow, today=TODAY)
        assert refused_field(refused) == "attendees[1].attendance"

    def test_only_someone_present_is_assessed(self) -> None:
        with pytest.raises(InvalidInput) as refused:
            check_sheet([AttendeeRecord(ANNA, Attendance.ABSENT, Assessment.FAIL)], trainer_id=TRAINER,
                        held_on=TODAY, today=TODAY)
        assert refused_field(refused) == "attendees[0].result"

    def test_a_score_needs_a_result_and_stays_within_0_to_100(self) -> None:
        for line in (AttendeeRecord(ANNA, Attendance.PRESENT, None, Decimal(80)),
                     present(ANNA, Assessment.PASS, "100.01"), present(ANNA, Assessment.FAIL, "-1")):
            with pytest.raises(InvalidInput) as refused:
                check_sheet([line], trainer_id=TRAINER, held_on=TODAY, today=TODAY)
            assert refused_field(refused) == "attendees[0].score"
        check_sheet([present(ANNA, Assessment.PASS, "100"), present(BO, Assessment.FAIL, "0")], trainer_id=TRAINER,
                    held_on=TODAY, today=TODAY)


class TestHeld:
    def test_a_session_is_held_once_dated_today_or_before_and_every_attendee_is_marked(self) -> None:
        training = session(TODAY)
        assert training.take_sheet([present(ANNA), AttendeeRecord(BO)], TODAY) is False
        assert training.status == SessionStatus.PLANNED
        assert training.take_sheet([present(ANNA), absent(BO)], TODAY) is True
        assert training.status == SessionStatus.HELD
        assert training.present_ids == [ANNA]

    def test_a_new_assessment_at_a_held_session_is_no_news_but_a_change_of_who_was_there_is(self) -> None:
        training = session(TODAY)
        assert training.take_sheet([present(ANNA), absent(BO)], TODAY) is True
        assert training.take_sheet([present(ANNA, Assessment.PASS, "92.5"), absent(BO)], TODAY) is False
        assert training.take_sheet([present(ANNA, Assessment.PASS, "92.5"), present(BO)], TODAY) is True

    def test_a_refused_sheet_leaves_the_session_as_it_was(self) -> None:
        training = session(TODAY, present(ANNA))
        with pytest.raises(InvalidInput):
            training.take_sheet([present(ANNA), present(ANNA)], TODAY)
        assert training.attendees == [present(ANNA)]


class TestEmployment:
    def test_employment_runs_from_the_hire_date_up_to_but_not_including_the_leaving_date(self) -> None:
        hired, left = date(2026, 3, 2), date(2026, 3, 20)
        assert not employed_on(hired, left, date(2026, 3, 1))
        assert employed_on(hired, left, hired)
        assert employed_on(hired, left, date(2026, 3, 19))
        assert not employed_on(hired, left, left)
        assert employed_on(hired, None, date(2030, 1, 1))


class TestOnboarding:
    def test_the_first_week_is_the_hire_date_and_six_days_after(self) -> None:
        assert onboarding_window(date(2026, 3, 2), POLICY) == (date(2026, 3, 2), date(2026, 3, 8))
        assert onboarding_window(date(2026, 3, 2), TrainingPolicy(onboarding_window_days=3))[1] == date(2026, 3, 4)

    def test_onboarding_within_the_week_counts_outside_it_does_not(self) -> None:
        hired = date(2026, 2, 2)
        assert onboarding_status(hired, [date(2026, 2, 8)], TODAY, POLICY) == OnboardingStatus.ATTENDED
        assert onboarding_status(hired, [date(2026, 2, 9), date(2026, 2, 1)], TODAY, POLICY) == OnboardingStatus.MISSING

    def test_a_hire_whose_week_is_not_over_is_pending_not_missing(self) -> None:
        assert onboarding_status(date(2026, 3, 5), [], TODAY, POLICY) == OnboardingStatus.PENDING
        assert onboarding_status(date(2026, 3, 5), [], date(2026, 3, 12), POLICY) == OnboardingStatus.MISSING


class TestMonthlyMinimum:
    def test_below_the_configured_minimum_is_listed(self) -> None:
        assert below_minimum(0, POLICY)
        assert not below_minimum(1, POLICY)
        assert below_minimum(1, TrainingPolicy(minimum_sessions_per_month=2))


class TestRetraining:
    def test_only_retraining_flags_open_an_assignment(self) -> None:
        assert retraining_flags(["low_score", "retraining:score_below_minimum", "retraining:score_below_minimum"]) \
            == ["retraining:score_below_minimum"]
        assert retraining_flags(["top_performer"]) == []

    def assignment(self) -> RetrainingAssignment:
        return RetrainingAssignment(id=uuid.uuid4(), employee_id=ANNA, period="2026-02",
                                    flags=["retraining:score_below_minimum"],
                                    opened_at=datetime(2026, 3, 5, tzinfo=UTC))

    def test_closing_records_who_when_why_and_the_session_that_served(self) -> None:
        assignment, training, at = self.assignment(), session(TODAY), datetime(2026, 3, 11, 3, tzinfo=UTC)
        training.take_sheet([present(ANNA, Assessment.PASS, "75")], TODAY)
        assignment.close(note="retrained on product basics", by=TRAINER, at=at, session=training)
        assert (assignment.status, assignment.session_id, assignment.closed_by, assignment.closed_at) == (
            AssignmentStatus.CLOSED, training.id, TRAINER, at)

    def test_a_session_the_employee_did_not_attend_cannot_serve(self) -> None:
        assignment, training = self.assignment(), session(TODAY)
        training.take_sheet([absent(ANNA), present(BO)], TODAY)
        with pytest.raises(InvalidInput) as refused:
            assignment.close(note="done", by=TRAINER, at=datetime(2026, 3, 11, tzinfo=UTC), session=training)
        assert refused_field(refused) == "session_id"
        assert assignment.status == AssignmentStatus.OPEN

    def test_a_closed_assignment_is_not_closed_twice(self) -> None:
        assignment = self.assignment()
        assignment.close(note="done", by=TRAINER, at=datetime(2026, 3, 11, tzinfo=UTC), session=None)
        with pytest.raises(Conflict):
            assignment.close(note="again", by=TRAINER, at=datetime(2026, 3, 12, tzinfo=UTC), session=None)

    def case(self, retraining_period: str = "2026-02", *failing: str) -> DismissalCase:
        return DismissalCase(case_id=uuid.uuid4(), employee_id=ANNA, retraining_period=retraining_period,
                             failing_periods=failing or ("2026-03",), opened_at=datetime(2026, 4, 3, tzinfo=UTC))

    def test_a_flag_opens_an_assignment_when_nothing_is_open_and_no_dismissal_case_covers_its_month(self) -> None:
        assert retraining_refusal("2026-02", open_assignment=None, dismissal_cases=[]) is None

    def test_a_later_flag_while_an_assignment_is_open_opens_no_second_one(self) -> None:
        refusal = retraining_refusal("2026-05", open_assignment=self.assignment(), dismissal_cases=[])
        assert refusal == "the retraining assignment opened for 2026-02 is still open"

    def test_the_month_that_opened_a_dismissal_case_gets_no_retraining(self) -> None:
        case = self.case("2026-02", "2026-03")
        refusal = retraining_refusal("2026-03", open_assignment=None, dismissal_cases=[case])
        assert refusal is not None and str(case.case_id) in refusal
        assert retraining_refusal("2026-02", open_assignment=None, dismissal_cases=[case]) is not None
        # A month after the case is a new story, as appraisal opens a new retraining case for it.
        assert retraining_refusal("2026-04", open_assignment=None, dismissal_cases=[case]) is None

    def test_withdrawing_closes_without_a_closer_and_says_why(self) -> None:
        assignment, case, at = self.assignment(), self.case(), datetime(2026, 4, 3, tzinfo=UTC)
        assignment.withdraw(case, at)
        assert (assignment.status, assignment.closed_by, assignment.closed_at) == (AssignmentStatus.CLOSED, None, at)
        assert assignment.note is not None and str(case.case_id) in assignment.note
