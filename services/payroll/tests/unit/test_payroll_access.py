"""Who reads which payslip: decided from the token alone, without I/O."""

from __future__ import annotations

import uuid
from decimal import Decimal

from payroll.domain.runs import PayslipRecord, RunStatus
from payroll.service_layer.access import may_read, payslip_scope
from shared.auth import Principal, Role
from shared.testing import principal

SALES, TELESALES = uuid.uuid4(), uuid.uuid4()


def slip(employee_id: uuid.UUID, department_id: uuid.UUID = SALES, status: RunStatus = RunStatus.LOCKED
         ) -> PayslipRecord:
    return PayslipRecord(id=uuid.uuid4(), run_id=uuid.uuid4(), run_status=status, period="2026-10",
                         employee_id=employee_id, employee_name="x", role="sales_rep", department_id=department_id,
                         group_id=None, plan_version=1, score=Decimal(80), coefficient=Decimal(1),
                         gross=Decimal("1.00"), lines=[])


def who(role: str, department_id: uuid.UUID | None = SALES) -> Principal:
    return principal(role, department_id=department_id)


def test_an_employee_reads_their_own_payslip_once_the_run_is_locked():
    rep = who(Role.SALES_REP)
    scope = payslip_scope(rep)
    assert may_read(scope, slip(rep.employee_id))
    assert not may_read(scope, slip(rep.employee_id, status=RunStatus.COMPUTED))
    assert not may_read(scope, slip(uuid.uuid4()))


def test_a_department_manager_reads_their_department_only():
    manager = who(Role.DEPARTMENT_MANAGER)
    scope = payslip_scope(manager)
    assert may_read(scope, slip(uuid.uuid4(), SALES))
    assert not may_read(scope, slip(uuid.uuid4(), TELESALES))
    assert not may_read(scope, slip(uuid.uuid4(), SALES, RunStatus.APPROVED))


def test_a_group_leader_does_not_read_the_group_s_pay():
    leader = who(Role.GROUP_LEADER)
    assert not may_read(payslip_scope(leader), slip(uuid.uuid4(), SALES))


def test_hr_and_finance_read_every_payslip_in_every_state():
    for role in (Role.HR, Role.FINANCE):
        scope = payslip_scope(who(role, None))
        assert may_read(scope, slip(uuid.uuid4(), TELESALES, RunStatus.COMPUTED))


def test_company_wide_roles_other_than_hr_and_finance_do_not_read_pay():
    for role in (Role.SALES_DIRECTOR, Role.ADMIN):
        assert not may_read(payslip_scope(who(role)), slip(uuid.uuid4(), SALES))
