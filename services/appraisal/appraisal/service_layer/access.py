"""From the caller's token to what they may read: a rep their own appraisal, a group leader
their group's, department-wide roles their department's, company-wide functions everyone's."""

from __future__ import annotations

import uuid

from shared.auth import Principal
from shared.directory import DirectoryEmployee


def may_see(principal: Principal, employee: DirectoryEmployee | None, employee_id: uuid.UUID | None = None
            ) -> bool:
    """An employee the directory does not know yet is visible to themself and company-wide roles only."""
    if employee is None:
        return principal.is_company_wide or principal.employee_id == employee_id
    return principal.may_see(employee_id=employee.employee_id, group_id=employee.group_id,
                             department_id=employee.department_id)
