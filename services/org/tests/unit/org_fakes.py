"""An in-memory unit of work for handler tests: the repositories' methods, no I/O.

State is kept in one store that :class:`shared.testing.FakeUnitOfWork` copies when a unit of work
opens and puts back when it closes without a commit, so a test can check that a refused command
left nothing behind. Repositories hand out copies, so a handler that changes an object and forgets
to save it changes nothing here either, as with the real database.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from org.adapters.attendance import StoredDay
from org.adapters.repositories import EmployeeQuery
from org.domain.assignments import Assignment
from org.domain.credentials import Credential
from org.domain.groups import LeadershipTerm
from org.domain.headcount import HeadcountPlan
from org.domain.model import EMPLOYED, Department, Employee, Region, SalesGroup
from org.domain.visibility import Visibility
from org.service_layer import commands
from org.service_layer.unit_of_work import OrgBus
from shared.clock import Clock
from shared.testing import FakeUnitOfWork


@dataclass
class FakeStore:
    departments: dict[uuid.UUID, Department] = field(default_factory=dict)
    regions: dict[uuid.UUID, Region] = field(default_factory=dict)
    groups: dict[uuid.UUID, SalesGroup] = field(default_factory=dict)
    terms: dict[uuid.UUID, LeadershipTerm] = field(default_factory=dict)
    employees: dict[uuid.UUID, Employee] = field(default_factory=dict)
    assignments: dict[uuid.UUID, Assignment] = field(default_factory=dict)
    plans: dict[tuple[uuid.UUID, str], HeadcountPlan] = field(default_factory=dict)
    credentials: dict[uuid.UUID, Credential] = field(default_factory=dict)
    attendance_days: dict[tuple[uuid.UUID, date], StoredDay] = field(default_factory=dict)


class _FakeRepository:
    def __init__(self, uow: FakeOrgUnitOfWork) -> None:
        self._uow = uow

    @property
    def _store(self) -> FakeStore:
        return self._uow.store


def _copy(item: Any) -> Any:
    return copy.deepcopy(item)


class FakeDepartments(_FakeRepository):
    async def add(self, department: Department) -> None:
        self._store.departments[department.id] = _copy(department)

    async def get(self, department_id: uuid.UUID) -> Department | None:
        return _copy(self._store.departments.get(department_id))

    async def get_by_name(self, name: str) -> Department | None:
        return _copy(next((d for d in self._store.departments.values() if d.name == name), None))

    async def visible(self, visibility: Visibility) -> list[Department]:
        found = [d for d in self._store.departments.values() if visibility.sees_department(d.id)]
        return _copy(sorted(found, key=lambda d: d.name))


class FakeRegions(_FakeRepository):
    async def add(self, region: Region) -> None:
        self._store.regions[region.id] = _copy(region)

    async def get(self, region_id: uuid.UUID) -> Region | None:
        return _copy(self._store.regions.get(region_id))

    async def get_by_name(self, department_id: uuid.UUID, name: str) -> Region | None:
        return _copy(next((r for r in self._store.regions.values()
                           if r.department_id == department_id and r.name == name), None))

    async def list_for(self, department_id: uuid.UUID) -> list[Region]:
        return _copy(sorted((r for r in self._store.regions.values() if r.department_id == department_id),
                            key=lambda r: r.name))


class FakeGroups(_FakeRepository):
    async def add(self, group: SalesGroup) -> None:
        self._store.groups[group.id] = _copy(group)

    async def get(self, group_id: uuid.UUID, *, for_update: bool = False) -> SalesGroup | None:
        return _copy(self._store.groups.get(group_id))

    async def get_by_name(self, department_id: uuid.UUID, name: str) -> SalesGroup | None:
        return _copy(next((g for g in self._store.groups.values()
                           if g.department_id == department_id and g.name == name), None))

    async def led_by(self, employee_id: uuid.UUID) -> SalesGroup | None:
        return _copy(next((g for g in self._store.groups.values() if g.leader_id == employee_id), None))

    async def save(self, group: SalesGroup) -> None:
        self._store.groups[group.id] = _copy(group)

    async def visible(self, visibility: Visibility, department_id: uuid.UUID | None = None) -> list[SalesGroup]:
        found = [g for g in self._store.groups.values()
                 if visibility.sees_group(g) and department_id in (None, g.department_id)]
        return _copy(sorted(found, key=lambda g: g.name))


class FakeLeaderships(_FakeRepository):
    async def add(self, term: LeadershipTerm) -> None:
        self._store.terms[term.id] = _copy(term)

    async def current(self, group_id: uuid.UUID) -> LeadershipTerm | None:
        return _copy(next((t for t in self._store.terms.values()
                           if t.group_id == group_id and t.valid_to is None), None))

    async def close(self, term: LeadershipTerm) -> None:
        self._store.terms[term.id].valid_to = term.valid_to

    async def history(self, group_id: uuid.UUID) -> list[LeadershipTerm]:
        return _copy(sorted((t for t in self._store.terms.values() if t.group_id == group_id),
                            key=lambda t: t.valid_from))


class FakeEmployees(_FakeRepository):
    async def add(self, employee: Employee) -> None:
        self._store.employees[employee.id] = _copy(employee)

    async def get(self, employee_id: uuid.UUID, *, for_update: bool = False) -> Employee | None:
        return self._with_login(self._store.employees.get(employee_id))

    async def save(self, employee: Employee) -> None:
        self._store.employees[employee.id] = _copy(employee)

    async def count_employed(self, department_id: uuid.UUID, role: str) -> int:
        return sum(1 for e in self._employed() if e.department_id == department_id and e.role == role)

    async def employed_with_role(self, role: str, *, for_update: bool = False) -> list[uuid.UUID]:
        return sorted((e.id for e in self._employed() if e.role == role), key=str)

    async def employed_by_role(self, department_id: uuid.UUID) -> dict[str, int]:
        counts: dict[str, int] = {}
        for e in self._employed():
            if e.department_id == department_id:
                counts[e.role] = counts.get(e.role, 0) + 1
        return counts

    async def lock_reporting_lines(self) -> None:
        self._uow.reporting_lines_locked = True

    async def manager_chain(self, start_id: uuid.UUID) -> dict[uuid.UUID, uuid.UUID | None]:
        chain: dict[uuid.UUID, uuid.UUID | None] = {}
        current: uuid.UUID | None = start_id
        while current is not None and current not in chain and current in self._store.employees:
            chain[current] = self._store.employees[current].manager_id
            current = chain[current]
        return chain

    async def search(self, visibility: Visibility, query: EmployeeQuery, *, limit: int,
                     offset: int) -> tuple[list[Employee], int]:
        found = [
            e for e in self._store.employees.values()
            if visibility.sees_employee(e)
            and query.department_id in (None, e.department_id) and query.group_id in (None, e.group_id)
            and query.role in (None, e.role) and query.status in (None, e.status)
        ]
        found.sort(key=lambda e: (e.name, str(e.id)))
        return [self._with_login(e) for e in found[offset:offset + limit]], len(found)

    async def members(self, group_id: uuid.UUID) -> list[Employee]:
        return [self._with_login(e) for e in sorted(self._employed(), key=lambda e: e.name) if e.group_id == group_id]

    async def group_sizes(self, group_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, int]:
        sizes: dict[uuid.UUID, int] = {}
        for e in self._employed():
            if e.group_id in group_ids:
                sizes[e.group_id] = sizes.get(e.group_id, 0) + 1
        return sizes

    def _employed(self) -> list[Employee]:
        return [e for e in self._store.employees.values() if e.status in EMPLOYED]

    def _with_login(self, employee: Employee | None) -> Employee | None:
        if employee is None:
            return None
        found = _copy(employee)
        credential = self._store.credentials.get(employee.id)
        found.login = credential.login if credential else None
        return found


class FakeAssignments(_FakeRepository):
    async def add(self, assignment: Assignment) -> None:
        open_ones = [a for a in self._store.assignments.values()
                     if a.employee_id == assignment.employee_id and a.is_open]
        # Mirrors the partial unique index: one open assignment per employee.
        assert not (assignment.is_open and open_ones), "a second open assignment"
        self._store.assignments[assignment.id] = _copy(assignment)

    async def current(self, employee_id: uuid.UUID) -> Assignment | None:
        return _copy(next((a for a in self._store.assignments.values()
                           if a.employee_id == employee_id and a.is_open), None))

    async def close(self, assignment: Assignment) -> None:
        self._store.assignments[assignment.id].valid_to = assignment.valid_to

    async def history(self, employee_id: uuid.UUID) -> list[Assignment]:
        return _copy(sorted((a for a in self._store.assignments.values() if a.employee_id == employee_id),
                            key=lambda a: a.valid_from))


class FakeHeadcount(_FakeRepository):
    async def get(self, department_id: uuid.UUID, role: str, *, for_update: bool = False) -> HeadcountPlan | None:
        return self._store.plans.get((department_id, role))

    async def save(self, plan: HeadcountPlan) -> None:
        self._store.plans[(plan.department_id, plan.role)] = plan

    async def list_for(self, department_id: uuid.UUID) -> list[HeadcountPlan]:
        return sorted((p for p in self._store.plans.values() if p.department_id == department_id),
                      key=lambda p: p.role)


class FakeCredentials(_FakeRepository):
    async def add(self, credential: Credential) -> None:
        assert all(c.login != credential.login for c in self._store.credentials.values()), "duplicate login"
        self._store.credentials[credential.employee_id] = _copy(credential)

    async def by_login(self, login: str) -> Credential | None:
        return _copy(next((c for c in self._store.credentials.values() if c.login == login), None))

    async def replace_hash(self, employee_id: uuid.UUID, password_hash: str) -> None:
        self._store.credentials[employee_id].password_hash = password_hash


class FakeAttendance(_FakeRepository):
    """The classified days only: what the organisation's own use cases touch of attendance."""

    async def days(self, employee_ids: Collection[uuid.UUID], start: date, end: date
                   ) -> dict[tuple[uuid.UUID, date], StoredDay]:
        return {key: _copy(day) for key, day in self._store.attendance_days.items()
                if key[0] in employee_ids and start <= key[1] <= end}

    async def save_days(self, days: list[StoredDay]) -> None:
        for day in days:
            self._store.attendance_days[(day.employee_id, day.work_date)] = _copy(day)


class FakeOrgUnitOfWork(FakeUnitOfWork[FakeStore]):
    source = "/org"

    def __init__(self, *, clock: Clock | None = None) -> None:
        self.reporting_lines_locked = False
        super().__init__(FakeStore(), clock=clock)

    def _open(self) -> None:
        self.departments = FakeDepartments(self)
        self.regions = FakeRegions(self)
        self.groups = FakeGroups(self)
        self.leaderships = FakeLeaderships(self)
        self.employees = FakeEmployees(self)
        self.assignments = FakeAssignments(self)
        self.headcount = FakeHeadcount(self)
        self.credentials = FakeCredentials(self)
        self.attendance = FakeAttendance(self)


@dataclass
class Org:
    """A small company built through the bus, as a starting point for a test. Its people were hired
    a year before the company's today, so that any dated change since is in the past."""

    bus: OrgBus
    uow: FakeOrgUnitOfWork
    sales: Department
    telesales: Department

    @property
    def today(self) -> date:
        return self.bus.clock.today()

    @property
    def hired_on(self) -> date:
        return self.today - timedelta(days=365)

    def after_hire(self, days: int) -> date:
        return self.hired_on + timedelta(days=days)

    async def hire(self, name: str, role: str = "sales_rep", department: Department | None = None,
                   **more: Any) -> Employee:
        more.setdefault("hired_on", self.hired_on)
        command = commands.HireEmployee(name=name, role=role, department_id=(department or self.sales).id, **more)
        return await self.bus.handle(command)

    async def plan(self, role: str, planned: int, department: Department | None = None) -> None:
        command = commands.SetHeadcountPlan(department_id=(department or self.sales).id, role=role, planned=planned)
        await self.bus.handle(command)

    async def group(self, name: str, leader: Employee, **more: Any) -> SalesGroup:
        command = commands.CreateGroup(name=name, department_id=leader.department_id, leader_id=leader.id, **more)
        return await self.bus.handle(command)

    def employee(self, employee_id: uuid.UUID) -> Employee:
        return self.uow.store.employees[employee_id]
