"""Data scope (数据权限), the one rule every service filters by: a rep sees their own, a group
leader their group's, department-wide roles their department's, company-wide roles everything.

Plain Python, so that domain modules may build their own filters on it (crm's leads by owner,
telesales' calls by agent, org's structure). :func:`shared.auth.scope_of` makes one from a token.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class DataScope:
    everything: bool = False
    department_ids: frozenset[uuid.UUID] = frozenset()
    group_ids: frozenset[uuid.UUID] = frozenset()
    employee_ids: frozenset[uuid.UUID] = frozenset()

    @property
    def is_personal(self) -> bool:
        """Nothing but the reader's own records."""
        return not (self.everything or self.group_ids or self.department_ids)

    def sees(self, *, employee_id: uuid.UUID | None, group_id: uuid.UUID | None,
             department_id: uuid.UUID | None) -> bool:
        return (
            self.everything
            or (employee_id is not None and employee_id in self.employee_ids)
            or (group_id is not None and group_id in self.group_ids)
            or (department_id is not None and department_id in self.department_ids)
        )

    def sees_group(self, group_id: uuid.UUID, department_id: uuid.UUID | None) -> bool:
        return self.everything or group_id in self.group_ids or (
            department_id is not None and department_id in self.department_ids)

    def sees_department(self, department_id: uuid.UUID) -> bool:
        return self.everything or department_id in self.department_ids
