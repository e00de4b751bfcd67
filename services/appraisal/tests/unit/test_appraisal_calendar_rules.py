"""Which roles' scores read org's working calendar (service_layer.calendar): only a plan-execution
line, whose daily logs are owed on working days, and only for a role that owes daily logs."""

from __future__ import annotations

from appraisal_builders import policy, sales_template, to_target

from appraisal.domain.templates import Source, Template
from appraisal.service_layer.calendar import calendar_dependent_roles

DAILY_LOG_ROLES = policy().reports.daily_log_roles


def with_plan_execution(*roles: str) -> Template:
    base = sales_template()
    return Template(key="planned", name="Planned", roles=roles, indicators=(
        *base.indicators[:-1], to_target("plan_execution", Source.PLAN_EXECUTION, 20, "100")))


def test_a_plan_execution_line_of_a_role_owing_daily_logs_reads_the_calendar():
    assert calendar_dependent_roles([with_plan_execution("sales_rep", "department_manager")], DAILY_LOG_ROLES) == {
        "sales_rep"}, "a department manager owes no daily logs by default: the calendar cannot move their line"


def test_facts_alone_never_read_it_not_even_absence_days():
    # An absence day is org's classification, re-announced by org under a new revision when the
    # calendar changes; appraisal never counts working days for it.
    assert calendar_dependent_roles([sales_template()], DAILY_LOG_ROLES) == set()
    assert calendar_dependent_roles([], DAILY_LOG_ROLES) == set()


def test_the_roles_owing_daily_logs_are_configuration():
    assert calendar_dependent_roles([with_plan_execution("sales_rep", "group_leader")], frozenset({"group_leader"})
                                    ) == {"group_leader"}
