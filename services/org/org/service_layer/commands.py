"""What callers ask the org service to do. Imperative names; the events they cause are past tense."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Literal

from org.domain.model import DepartmentKind, EmployeeStatus


class _Keep(Enum):
    KEEP = "keep"


# "Leave this as it is" in a transfer, distinct from None, which clears an optional field.
KEEP = _Keep.KEEP
Keep = Literal[_Keep.KEEP]


@dataclass(frozen=True)
class CreateDepartment:
    name: str
    kind: DepartmentKind


@dataclass(frozen=True)
class CreateRegion:
    department_id: uuid.UUID
    name: str


@dataclass(frozen=True)
class SetHeadcountPlan:
    department_id: uuid.UUID
    role: str
    planned: int


@dataclass(frozen=True)
class CreateGroup:
    name: str
    department_id: uuid.UUID
    leader_id: uuid.UUID
    region_id: uuid.UUID | None = None


@dataclass(frozen=True)
class ChangeGroupLeader:
    group_id: uuid.UUID
    leader_id: uuid.UUID
    effective_date: date


@dataclass(frozen=True)
class HireEmployee:
    name: str
    role: str
    department_id: uuid.UUID
    hired_on: date
    region_id: uuid.UUID | None = None
    group_id: uuid.UUID | None = None
    manager_id: uuid.UUID | None = None
    login: str | None = None
    password: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class TransferEmployee:
    employee_id: uuid.UUID
    effective_date: date
    to_department_id: uuid.UUID | None = None
    to_region_id: uuid.UUID | Keep | None = KEEP
    to_group_id: uuid.UUID | Keep | None = KEEP
    to_role: str | None = None
    to_manager_id: uuid.UUID | Keep | None = KEEP
    to_status: EmployeeStatus | None = None
    reason: str | None = None


@dataclass(frozen=True)
class RecordLeaving:
    employee_id: uuid.UUID
    left_on: date
    reason: str | None = None


@dataclass(frozen=True)
class VerifyCredentials:
    login: str
    password: str = field(repr=False)


@dataclass(frozen=True)
class SeedAdministrator:
    """First start of a company: an Administration department with one admin who can log in."""

    login: str
    password: str = field(repr=False)
    name: str = "Administrator"
    department_name: str = "Administration"


Command = (
    CreateDepartment | CreateRegion | SetHeadcountPlan | CreateGroup | ChangeGroupLeader | HireEmployee
    | TransferEmployee | RecordLeaving | VerifyCredentials | SeedAdministrator
)
