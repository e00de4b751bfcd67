"""The organisation's rules as plain functions: no storage, no framework."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from org.domain.assignments import Assignment, ensure_not_in_future, succeed
from org.domain.groups import LeadershipTerm, ensure_leader_stays, ensure_may_lead, next_term
from org.domain.headcount import HeadcountLine, ensure_position_open, may_hire
from org.domain.model import Employee, EmployeeStatus, Placement, SalesGroup
from org.domain.reporting import ensure_no_reporting_cycle, reporting_cycle
from shared.errors import InvalidInput, RuleViolation

SALES = uuid.uuid4()
TELESALES = uuid.uuid4()


def employee(department_id: uuid.UUID = SALES, status: EmployeeStatus = EmployeeStatus.ACTIVE) -> Employee:
    return Employee(id=uuid.uuid4(), name="Wang Fang", role="sales_rep", department_id=department_id,
                    hired_on=date(2025, 1, 6), status=status)


class TestHeadcount:
    def test_hiring_is_allowed_until_the_plan_is_filled(self) -> None:
        assert may_hire(planned=2, filled=1)
        assert not may_hire(planned=2, filled=2)

    def test_a_role_without_plan_allows_no_hire(self) -> None:
        assert not may_hire(planned=0, filled=0)

    def test_hire_beyond_plan_is_refused_naming_planned_and_filled(self) -> None:
        with pytest.raises(RuleViolation) as refused:
            ensure_position_open(SALES, "sales_rep", planned=10, filled=10)
        assert refused.value.extra["planned"] == 10
        assert refused.value.extra["filled"] == 10
        assert refused.value.extra["role"] == "sales_rep"

    def test_vacancies_go_negative_when_the_plan_was_lowered_below_the_staff(self) -> None:
        assert HeadcountLine(role="sales_rep", planned=3, filled=5).vacancies == -2


class TestReportingLines:
    def test_an_employee_cannot_manage_themself(self) -> None:
        me = uuid.uuid4()
        assert reporting_cycle(me, me, {}) == [me, me]

    def test_a_manager_below_the_employee_closes_a_cycle(self) -> None:
        director, manager, rep = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        chain_above_rep = {rep: manager, manager: director, director: None}
        assert reporting_cycle(director, rep, chain_above_rep) == [director, rep, manager, director]

    def test_a_chain_that_reaches_the_top_has_no_cycle(self) -> None:
        director, manager, rep = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        assert reporting_cycle(rep, manager, {manager: director, director: None}) is None

    def test_a_loop_elsewhere_does_not_hang_the_check(self) -> None:
        me, a, b = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        assert reporting_cycle(me, a, {a: b, b: a}) is None

    def test_cycle_in_reporting_line_is_refused_naming_the_manager(self) -> None:
        boss, rep = uuid.uuid4(), uuid.uuid4()
        with pytest.raises(RuleViolation) as refused:
            ensure_no_reporting_cycle(boss, rep, {rep: boss, boss: None})
        assert refused.value.extra["conflicting_employee_id"] == str(rep)
        assert refused.value.extra["cycle"] == [str(boss), str(rep), str(boss)]


class TestAssignmentHistory:
    def open_assignment(self, valid_from: date) -> Assignment:
        return Assignment(id=uuid.uuid4(), employee_id=uuid.uuid4(), valid_from=valid_from,
                          placement=Placement(department_id=SALES, role="sales_rep"))

    def test_a_transfer_closes_the_current_assignment_where_the_next_begins(self) -> None:
        current = self.open_assignment(date(2025, 1, 6))
        following = succeed(current, Placement(department_id=TELESALES, role="telesales_agent"), date(2025, 6, 1),
                            "needs phone work", field="effective_date")
        assert current.valid_to == following.valid_from == date(2025, 6, 1)
        assert following.is_open and following.placement.department_id == TELESALES
        assert current.placement.department_id == SALES

    def test_a_transfer_dated_before_the_current_assignment_is_refused(self) -> None:
        current = self.open_assignment(date(2025, 6, 1))
        with pytest.raises(InvalidInput) as refused:
            succeed(current, current.placement, date(2025, 5, 31), None, field="effective_date")
        assert refused.value.extra["errors"][0]["field"] == "effective_date"
        assert current.is_open

    def test_future_dates_are_refused_and_today_is_accepted(self) -> None:
        ensure_not_in_future("effective_date", date(2026, 3, 1), today=date(2026, 3, 1))
        with pytest.raises(InvalidInput):
            ensure_not_in_future("effective_date", date(2026, 3, 2), today=date(2026, 3, 1))


class TestGroupLeadership:
    def test_an_active_employee_of_the_department_leading_nothing_may_lead(self) -> None:
        ensure_may_lead(employee(), SALES, led_group=None)

    def test_someone_who_left_may_not_lead(self) -> None:
        with pytest.raises(InvalidInput):
            ensure_may_lead(employee(status=EmployeeStatus.LEFT), SALES, led_group=None)

    def test_an_employee_of_another_department_may_not_lead(self) -> None:
        with pytest.raises(InvalidInput):
            ensure_may_lead(employee(department_id=TELESALES), SALES, led_group=None)

    def test_a_person_leads_at_most_one_group(self) -> None:
        candidate = employee()
        led = SalesGroup(id=uuid.uuid4(), name="East", department_id=SALES, leader_id=candidate.id)
        with pytest.raises(RuleViolation) as refused:
            ensure_may_lead(candidate, SALES, led_group=led)
        assert refused.value.extra["conflicting_group_id"] == str(led.id)

    def test_a_leader_cannot_be_moved_out_of_their_group(self) -> None:
        led = SalesGroup(id=uuid.uuid4(), name="East", department_id=SALES, leader_id=uuid.uuid4())
        ensure_leader_stays(led, Placement(department_id=SALES, role="group_leader", group_id=led.id))
        with pytest.raises(RuleViolation):
            ensure_leader_stays(led, Placement(department_id=SALES, role="group_leader", group_id=None))

    def test_a_new_leadership_term_starts_where_the_last_ends(self) -> None:
        current = LeadershipTerm(id=uuid.uuid4(), group_id=uuid.uuid4(), leader_id=uuid.uuid4(),
                                 valid_from=date(2025, 1, 6))
        new_leader = uuid.uuid4()
        following = next_term(current, new_leader, date(2025, 3, 1))
        assert (current.valid_to, following.valid_from, following.leader_id) == (
            date(2025, 3, 1), date(2025, 3, 1), new_leader)
        with pytest.raises(InvalidInput):
            next_term(following, uuid.uuid4(), date(2025, 2, 1))
