"""Events published by the org service (topics ``org.department``, ``org.group``,
``org.employee``, ``org.headcount``)."""

from __future__ import annotations

import uuid
from datetime import date

from shared.events.envelope import Event, register


@register
class DepartmentCreated(Event):
    event_type = "org.department.created.v1"
    topic = "org.department"
    key_field = "department_id"
    summary = "A department (销售部, 电销部, 市场部, 行政部…) was created."

    department_id: uuid.UUID
    name: str
    kind: str


@register
class RegionCreated(Event):
    event_type = "org.region.created.v1"
    topic = "org.department"
    key_field = "department_id"
    summary = "A region or branch (区域/分公司) was created under a department."

    region_id: uuid.UUID
    department_id: uuid.UUID
    name: str


@register
class GroupCreated(Event):
    event_type = "org.group.created.v1"
    topic = "org.group"
    key_field = "group_id"
    summary = "A sales group (小组) was created with its one leader."

    group_id: uuid.UUID
    name: str
    department_id: uuid.UUID
    region_id: uuid.UUID | None = None
    leader_id: uuid.UUID


@register
class GroupLeaderChanged(Event):
    event_type = "org.group.leader_changed.v1"
    topic = "org.group"
    key_field = "group_id"
    summary = "A group's leader (组长) was replaced; the group always has exactly one."

    group_id: uuid.UUID
    previous_leader_id: uuid.UUID
    leader_id: uuid.UUID
    effective_date: date


@register
class EmployeeHired(Event):
    event_type = "org.employee.hired.v1"
    topic = "org.employee"
    key_field = "employee_id"
    summary = "An employee joined: role, department, group and manager from the hire date."

    employee_id: uuid.UUID
    name: str
    role: str
    department_id: uuid.UUID
    region_id: uuid.UUID | None = None
    group_id: uuid.UUID | None = None
    manager_id: uuid.UUID | None = None
    hired_on: date


@register
class EmployeeTransferred(Event):
    event_type = "org.employee.transferred.v1"
    topic = "org.employee"
    key_field = "employee_id"
    summary = "An employee's department, group, role or manager changed from an effective date."

    employee_id: uuid.UUID
    effective_date: date
    reason: str | None = None
    from_department_id: uuid.UUID
    to_department_id: uuid.UUID
    from_group_id: uuid.UUID | None = None
    to_group_id: uuid.UUID | None = None
    from_role: str
    to_role: str
    from_manager_id: uuid.UUID | None = None
    to_manager_id: uuid.UUID | None = None
    from_region_id: uuid.UUID | None = None
    to_region_id: uuid.UUID | None = None
    # active or retraining (转岗再培训, O5); absent from producers older than these fields.
    from_status: str | None = None
    to_status: str | None = None


@register
class EmployeeLeft(Event):
    event_type = "org.employee.left.v1"
    topic = "org.employee"
    key_field = "employee_id"
    summary = "An employee left the company on the given date."

    employee_id: uuid.UUID
    left_on: date
    reason: str | None = None
    department_id: uuid.UUID
    group_id: uuid.UUID | None = None


@register
class HeadcountPlanChanged(Event):
    event_type = "org.headcount.plan_changed.v1"
    topic = "org.headcount"
    key_field = "department_id"
    summary = "A department's planned positions (编制) for one role were set or changed."

    department_id: uuid.UUID
    role: str
    planned: int
    previous: int | None = None
