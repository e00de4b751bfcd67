"""Data scope (数据权限): what one caller may read. A rep sees themself, a group leader their group,
department-wide roles their department, company-wide roles everything (see ARCHITECTURE.md,
Security). Departments and groups a caller belongs to are visible as structure even when
most of their members are not."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from org.domain.model import Employee, SalesGroup


@dataclass(frozen=True)
class Visibility:
    everything: bool = False
    department_ids: frozenset[uuid.UUID] = frozenset()
    group_ids: frozenset[uuid.UUID] = frozenset()
    employee_ids: frozenset[uuid.UUID] = frozenset()
    home_department_id: uuid.UUID | None = None
    home_group_id: uuid.UUID | None = None

    @classmethod
    def of_everything(cls) -> Visibility:
        return cls(everything=True)

    def sees_employee(self, employee: Employee) -> bool:
        return (
            self.everything
            or employee.id in self.employee_ids
            or employee.department_id in self.department_ids
            or (employee.group_id is not None and employee.group_id in self.group_ids)
        )

    def sees_department(self, department_id: uuid.UUID) -> bool:
        return self.everything or department_id in self.visible_department_ids

    def sees_group(self, group: SalesGroup) -> bool:
        return (
            self.everything
            or group.department_id in self.department_ids
            or group.id in self.visible_group_ids
        )

    def sees_headcount(self, department_id: uuid.UUID) -> bool:
        """Planned positions are management information: whole-department readers only."""
        return self.everything or department_id in self.department_ids

    @property
    def visible_department_ids(self) -> frozenset[uuid.UUID]:
        home = {self.home_department_id} if self.home_department_id else set()
        return self.department_ids | home

    @property
    def visible_group_ids(self) -> frozenset[uuid.UUID]:
        home = {self.home_group_id} if self.home_group_id else set()
        return self.group_ids | home
