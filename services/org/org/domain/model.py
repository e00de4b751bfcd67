"""The organisation (O1, O2, O5): departments, their regions, sales groups and employees."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum


class DepartmentKind(StrEnum):
    FIELD_SALES = "field_sales"  # 销售部
    TELESALES = "telesales"  # 电销部
    MARKETING = "marketing"  # 市场部
    ADMIN = "admin"  # 行政部: administration, HR and finance


class EmployeeStatus(StrEnum):
    ACTIVE = "active"
    RETRAINING = "retraining"  # 转岗再培训: still employed, still holds a position
    LEFT = "left"


# Statuses that occupy a position in the headcount plan and may hold a login.
EMPLOYED = (EmployeeStatus.ACTIVE, EmployeeStatus.RETRAINING)


@dataclass
class Department:
    id: uuid.UUID
    name: str
    kind: DepartmentKind


@dataclass
class Region:
    """Region or branch (区域/分公司) inside one department."""

    id: uuid.UUID
    department_id: uuid.UUID
    name: str


@dataclass
class SalesGroup:
    """Sales group (小组): exactly one leader (组长), who is also a member, and any number of members."""

    id: uuid.UUID
    name: str
    department_id: uuid.UUID
    leader_id: uuid.UUID
    region_id: uuid.UUID | None = None


@dataclass(frozen=True)
class Placement:
    """Where an employee sits at one time: the part of the record a transfer changes."""

    department_id: uuid.UUID
    role: str
    region_id: uuid.UUID | None = None
    group_id: uuid.UUID | None = None
    manager_id: uuid.UUID | None = None
    status: EmployeeStatus = EmployeeStatus.ACTIVE


@dataclass
class Employee:
    id: uuid.UUID
    name: str
    role: str
    department_id: uuid.UUID
    hired_on: date
    status: EmployeeStatus = EmployeeStatus.ACTIVE
    region_id: uuid.UUID | None = None
    group_id: uuid.UUID | None = None
    manager_id: uuid.UUID | None = None
    left_on: date | None = None
    leave_reason: str | None = None
    # Read-side convenience: the login name, if the employee has credentials. Never the hash.
    login: str | None = None

    @property
    def is_employed(self) -> bool:
        return self.status in EMPLOYED

    @property
    def placement(self) -> Placement:
        return Placement(
            department_id=self.department_id, role=self.role, region_id=self.region_id,
            group_id=self.group_id, manager_id=self.manager_id, status=self.status,
        )

    def move_to(self, placement: Placement) -> None:
        self.department_id = placement.department_id
        self.role = placement.role
        self.region_id = placement.region_id
        self.group_id = placement.group_id
        self.manager_id = placement.manager_id
        self.status = placement.status

    def leave(self, left_on: date, reason: str | None) -> None:
        # Department and group stay as they were on the last day: consumers and history need them.
        self.status = EmployeeStatus.LEFT
        self.left_on = left_on
        self.leave_reason = reason


def joining_group(employee: Employee, group: SalesGroup) -> Placement:
    """The placement of ``employee`` once a member of ``group`` (the group's region wins if it has one)."""
    return replace(employee.placement, group_id=group.id, region_id=group.region_id or employee.region_id)
