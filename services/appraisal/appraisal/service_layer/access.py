"""From the caller's token to what they may read: a rep their own appraisal, a group leader
their group's, department-wide roles their department's, company-wide functions everyone's —
the one data-scope rule, :func:`shared.auth.scope_of`."""

from __future__ import annotations

import uuid

from shared.auth import Principal, scope_of
from shared.directory import DirectoryEmployee


def may_see(principal: Principal, employee: DirectoryEmployee | None, employee_id: uuid.UUID | None = None
            ) -> bool:
    """An employee the directory does not know yet is visible to themself and company-wide roles only."""
    scope = scope_of(principal)
    if employee is None:
        return scope.sees(employee_id=employee_id, group_id=None, department_id=None)
    return scope.sees(employee_id=employee.employee_id, group_id=employee.group_id,
                      department_id=employee.department_id)
