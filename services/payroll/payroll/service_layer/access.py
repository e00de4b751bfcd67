"""Who may do and read what in payroll.

Pay is confidential beyond the usual data scope: company-wide roles other than HR and finance
(the sales director, admins) do not read payslips. An employee reads their own payslips, and a
department manager those of their department, once the run is locked: a computed run is a draft
under review by HR and finance, who read every run in every state.
"""

from __future__ import annotations

from payroll.adapters.repositories import PayslipScope
from payroll.domain.runs import PayslipRecord, RunStatus
from shared.auth import Principal, Role

PAYROLL_OFFICERS = (Role.HR, Role.FINANCE)
PLAN_EDITORS = (Role.HR, Role.FINANCE, Role.ADMIN)
PLAN_READERS = (*PLAN_EDITORS, Role.SALES_DIRECTOR, Role.REGIONAL_MANAGER, Role.DEPARTMENT_MANAGER,
                Role.SUPERVISOR)


def payslip_scope(principal: Principal) -> PayslipScope:
    """Narrower than the usual data scope (:func:`shared.auth.scope_of`) on purpose: no company-wide
    reader but HR and finance, no group leader, and no department-wide role but the manager."""
    if principal.has_any(*PAYROLL_OFFICERS):
        return PayslipScope(everything=True, locked_only=False)
    departments = (
        frozenset({principal.department_id})
        if principal.has_any(Role.DEPARTMENT_MANAGER) and principal.department_id else frozenset()
    )
    return PayslipScope(employee_ids=frozenset({principal.employee_id}), department_ids=departments,
                        locked_only=True)


def may_read(scope: PayslipScope, payslip: PayslipRecord) -> bool:
    if scope.locked_only and payslip.run_status != RunStatus.LOCKED:
        return False
    return scope.sees(employee_id=payslip.employee_id, group_id=payslip.group_id, department_id=payslip.department_id)
