"""Data scope (数据权限) of a reader of calls and figures: an agent their own, a group leader their
group's, department-wide roles their department's, company-wide roles everything."""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    department_ids: frozenset[uuid.UUID] = frozenset()
    group_ids: frozenset[uuid.UUID] = frozenset()
    employee_ids: frozenset[uuid.UUID] = frozenset()

    @property
    def is_personal(self) -> bool:
        """Nothing but the reader's own records."""
        return not (self.everything or self.group_ids or self.department_ids)

    def sees(self, *, agent_id: uuid.UUID, group_id: uuid.UUID | None, department_id: uuid.UUID | None) -> bool:
        return (
            self.everything
            or agent_id in self.employee_ids
            or (group_id is not None and group_id in self.group_ids)
            or (department_id is not None and department_id in self.department_ids)
        )

    def sees_group(self, group_id: uuid.UUID, department_id: uuid.UUID | None) -> bool:
        return self.everything or group_id in self.group_ids or (
            department_id is not None and department_id in self.department_ids)

    def sees_department(self, department_id: uuid.UUID) -> bool:
        return self.everything or department_id in self.department_ids
