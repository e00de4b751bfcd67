"""Data scope (数据权限) as org applies it to the organisation's structure: the one company rule
(:class:`shared.scope.DataScope`: a rep sees themself, a group leader their group, department-wide
roles their department, company-wide roles everything; see ARCHITECTURE.md, Security), plus the
department and group a caller belongs to, which are visible as structure even when most of their
members are not."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from org.domain.model import Employee, SalesGroup
from shared.scope import DataScope


@dataclass(frozen=True)
class Visibility(DataScope):
    home_department_id: uuid.UUID | None = None
    home_group_id: uuid.UUID | None = None

    @classmethod
    def of_everything(cls) -> Visibility:
        return cls(everything=True)

    @classmethod
    def within(cls, scope: DataScope, *, home_department_id: uuid.UUID | None = None,
               home_group_id: uuid.UUID | None = None) -> Visibility:
        return cls(everything=scope.everything, department_ids=scope.department_ids, group_ids=scope.group_ids,
                   employee_ids=scope.employee_ids, home_department_id=home_department_id,
                   home_group_id=home_group_id)

    def sees_employee(self, employee: Employee) -> bool:
        return self.sees(employee_id=employee.id, group_id=employee.group_id, department_id=employee.department_id)

    def sees_department(self, department_id: uuid.UUID) -> bool:
        """As structure: the scope's departments and the caller's own."""
        return self.everything or department_id in self.visible_department_ids

    def sees_group(self, group: SalesGroup) -> bool:  # type: ignore[override]
        """As structure: the scope's groups, every group of its departments, and the caller's own group."""
        return super().sees_group(group.id, group.department_id) or group.id == self.home_group_id

    def sees_headcount(self, department_id: uuid.UUID) -> bool:
        """Planned positions are management information: whole-department readers only."""
        return super().sees_department(department_id)

    @property
    def visible_department_ids(self) -> frozenset[uuid.UUID]:
        home = {self.home_department_id} if self.home_department_id else set()
        return self.department_ids | home

    @property
    def visible_group_ids(self) -> frozenset[uuid.UUID]:
        home = {self.home_group_id} if self.home_group_id else set()
        return self.group_ids | home
