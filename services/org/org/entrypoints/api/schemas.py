"""Request and response bodies of the org API, kept apart from tables and domain objects: a
request body is read field by field into a command, never bound onto stored state."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, StringConstraints

from org.domain.assignments import Assignment
from org.domain.credentials import MIN_PASSWORD_LENGTH
from org.domain.model import DepartmentKind, EmployeeStatus
from org.service_layer import commands
from org.service_layer.commands import KEEP
from org.service_layer.views import GroupDetail, GroupLoad
from shared.auth import Role
from shared.fields import IsoDate

# PostgreSQL text cannot hold NUL; refusing it here keeps it a 422 instead of a database error.
_NO_NUL = r"^[^\x00]*$"
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=_NO_NUL)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500, pattern=_NO_NUL)]
Login = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=64,
                                         pattern=r"^[A-Za-z0-9._@-]+$")]
Password = Annotated[SecretStr, Field(min_length=MIN_PASSWORD_LENGTH, max_length=256)]
# The roles of O2, as an enumeration in the OpenAPI document.
RoleName = Literal[Role.ALL]  # type: ignore[valid-type]
# Leaving has its own endpoint; a transfer moves between these two.
PlacedStatus = Literal["active", "retraining"]


class _Request(BaseModel):
    # An unknown field is a mistake worth hearing about, not something to ignore silently.
    model_config = ConfigDict(extra="forbid")


class _Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class DepartmentCreate(_Request):
    name: Name
    kind: DepartmentKind


class DepartmentRead(_Read):
    id: uuid.UUID
    name: str
    kind: DepartmentKind


class RegionCreate(_Request):
    name: Name


class RegionRead(_Read):
    id: uuid.UUID
    department_id: uuid.UUID
    name: str


class HeadcountPlanSet(_Request):
    planned: int = Field(ge=0, le=100_000)


class HeadcountLineRead(_Read):
    role: str
    planned: int
    filled: int
    vacancies: int = Field(description="planned minus filled; negative when over plan")


class HeadcountRead(BaseModel):
    department_id: uuid.UUID
    lines: list[HeadcountLineRead]


class GroupCreate(_Request):
    name: Name
    department_id: uuid.UUID
    region_id: uuid.UUID | None = None
    leader_id: uuid.UUID


class GroupRead(_Read):
    id: uuid.UUID
    name: str
    department_id: uuid.UUID
    region_id: uuid.UUID | None
    leader_id: uuid.UUID


class LeaderChange(_Request):
    leader_id: uuid.UUID
    effective_date: IsoDate


class LeadershipTermRead(_Read):
    leader_id: uuid.UUID
    valid_from: IsoDate
    valid_to: IsoDate | None


class EmployeeCreate(_Request):
    name: Name
    role: RoleName
    department_id: uuid.UUID
    region_id: uuid.UUID | None = None
    group_id: uuid.UUID | None = None
    manager_id: uuid.UUID | None = None
    hired_on: IsoDate
    login: Login | None = None
    password: Password | None = None

    def to_command(self) -> commands.HireEmployee:
        return commands.HireEmployee(
            name=self.name, role=self.role, department_id=self.department_id, hired_on=self.hired_on,
            region_id=self.region_id, group_id=self.group_id, manager_id=self.manager_id, login=self.login,
            password=self.password.get_secret_value() if self.password is not None else None,
        )


class EmployeeRead(_Read):
    id: uuid.UUID
    name: str
    role: str
    status: EmployeeStatus
    department_id: uuid.UUID
    region_id: uuid.UUID | None
    group_id: uuid.UUID | None
    manager_id: uuid.UUID | None
    hired_on: IsoDate
    left_on: IsoDate | None
    login: str | None


class EmployeePageRead(BaseModel):
    items: list[EmployeeRead]
    total: int
    limit: int
    offset: int


class GroupDetailRead(GroupRead):
    members: list[EmployeeRead] = Field(description="current members the caller may see, the leader included")
    leadership: list[LeadershipTermRead]

    @classmethod
    def from_view(cls, detail: GroupDetail) -> GroupDetailRead:
        return cls.model_validate({
            **GroupRead.model_validate(detail.group).model_dump(),
            "members": [EmployeeRead.model_validate(member) for member in detail.members],
            "leadership": [LeadershipTermRead.model_validate(term) for term in detail.leadership],
        })


class GroupLoadRead(BaseModel):
    group_id: uuid.UUID
    name: str
    department_id: uuid.UUID
    region_id: uuid.UUID | None
    leader_id: uuid.UUID
    size: int
    load: int

    @classmethod
    def from_view(cls, row: GroupLoad) -> GroupLoadRead:
        return cls(group_id=row.group.id, name=row.group.name, department_id=row.group.department_id,
                   region_id=row.group.region_id, leader_id=row.group.leader_id, size=row.size, load=row.load)


class TransferCreate(_Request):
    """Only the fields given change; ``null`` clears the region, group or manager."""

    effective_date: IsoDate
    to_department_id: uuid.UUID | None = None
    to_region_id: uuid.UUID | None = None
    to_group_id: uuid.UUID | None = None
    to_role: RoleName | None = None
    to_manager_id: uuid.UUID | None = None
    to_status: PlacedStatus | None = None
    reason: Reason | None = None

    def to_command(self, employee_id: uuid.UUID) -> commands.TransferEmployee:
        given = self.model_fields_set
        return commands.TransferEmployee(
            employee_id=employee_id, effective_date=self.effective_date, to_department_id=self.to_department_id,
            to_region_id=self.to_region_id if "to_region_id" in given else KEEP,
            to_group_id=self.to_group_id if "to_group_id" in given else KEEP,
            to_manager_id=self.to_manager_id if "to_manager_id" in given else KEEP,
            to_role=self.to_role, to_status=EmployeeStatus(self.to_status) if self.to_status else None,
            reason=self.reason,
        )


class LeaveCreate(_Request):
    left_on: IsoDate
    reason: Reason | None = None


class AssignmentRead(BaseModel):
    valid_from: IsoDate
    valid_to: IsoDate | None
    department_id: uuid.UUID
    region_id: uuid.UUID | None
    group_id: uuid.UUID | None
    role: str
    manager_id: uuid.UUID | None
    status: EmployeeStatus
    reason: str | None

    @classmethod
    def from_domain(cls, assignment: Assignment) -> AssignmentRead:
        placement = assignment.placement
        return cls(valid_from=assignment.valid_from, valid_to=assignment.valid_to,
                   department_id=placement.department_id, region_id=placement.region_id,
                   group_id=placement.group_id, role=placement.role, manager_id=placement.manager_id,
                   status=placement.status, reason=assignment.reason)


class CredentialsCheck(_Request):
    # As long as the gateway's login form allows: a login that cannot exist is a wrong login
    # (401), not a malformed request the gateway would have to explain.
    login: Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=_NO_NUL)]
    password: Annotated[SecretStr, Field(min_length=1, max_length=1024)]


class VerifiedLoginRead(BaseModel):
    employee_id: uuid.UUID
    name: str
    roles: list[str]
    group_id: uuid.UUID | None
    department_id: uuid.UUID


class SessionOpen(_Request):
    employee_id: uuid.UUID


class SessionToken(_Request):
    refresh_token: Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=_NO_NUL)]


class SessionRead(VerifiedLoginRead):
    refresh_token: str
    refresh_expires_in: int
