"""Reads of training (O7) and retraining assignments (A6), each limited to the caller's data scope:
a rep sees their own, a group leader their group's, a department manager their department's, HR
everything. Something outside the scope answers as if it did not exist."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from org.domain.model import Employee
from org.domain.training import (
    AssignmentStatus,
    AttendeeRecord,
    OnboardingStatus,
    RetrainingAssignment,
    SessionKind,
    TrainingSession,
    below_minimum,
    onboarding_status,
    onboarding_window,
)
from org.domain.visibility import Visibility
from org.service_layer.access import visibility_of
from org.service_layer.unit_of_work import OrgBus, OrgUnitOfWork
from shared.auth import Principal, Role
from shared.clock import first_day, last_day
from shared.errors import InvalidInput, NotFound

# A report over more than a year is a mistake or an export, not a screen.
MAX_RANGE_DAYS = 366


@dataclass(frozen=True)
class SessionView:
    session: TrainingSession
    # The sheet as far as the caller may see it: whole for HR, the trainer, the recorder and the
    # session's department's managers; otherwise only the lines of people in the caller's scope.
    attendees: list[AttendeeRecord]


@dataclass(frozen=True)
class HistoryItem:
    session: TrainingSession
    as_trainer: bool
    line: AttendeeRecord | None


@dataclass(frozen=True)
class NewHire:
    employee: Employee
    window_ends_on: date
    status: OnboardingStatus
    session_id: uuid.UUID | None


@dataclass(frozen=True)
class ManagerTraining:
    employee: Employee
    sessions_held: int
    below_minimum: bool


@dataclass(frozen=True)
class RegionalManagersMonth:
    month: str
    minimum: int
    managers: list[ManagerTraining]

    @property
    def below(self) -> list[ManagerTraining]:
        return [line for line in self.managers if line.below_minimum]


@dataclass(frozen=True)
class AssignmentView:
    assignment: RetrainingAssignment
    employee: Employee | None


async def session(bus: OrgBus, by: Principal, session_id: uuid.UUID) -> SessionView:
    async with bus.uow() as uow:
        training = await uow.training.get(session_id)
        view = await visible_sessions(uow, visibility_of(by), by, [training]) if training else []
    if not view:
        raise NotFound(f"training session {session_id} does not exist")
    return view[0]


async def sessions(bus: OrgBus, by: Principal, held_from: date, held_to: date, *,
                   kind: SessionKind | None = None, trainer_id: uuid.UUID | None = None) -> list[SessionView]:
    _check_range(held_from, held_to, "held_from", "held_to")
    async with bus.uow() as uow:
        found = await uow.training.held_between(held_from, held_to, trainer_id=trainer_id, kind=kind)
        return await visible_sessions(uow, visibility_of(by), by, found)


async def history(bus: OrgBus, by: Principal, employee_id: uuid.UUID) -> list[HistoryItem]:
    """An employee's training: the sessions they attended or were on the sheet of, and those they trained."""
    async with bus.uow() as uow:
        employee = await uow.employees.get(employee_id)
        if employee is None or not visibility_of(by).sees_employee(employee):
            raise NotFound(f"employee {employee_id} does not exist")
        found = await uow.training.of_employee(employee_id)
    return [HistoryItem(session=item, as_trainer=item.trainer_id == employee_id, line=item.line_of(employee_id))
            for item in found]


async def new_hires(bus: OrgBus, by: Principal, hired_from: date, hired_to: date) -> list[NewHire]:
    """Everyone hired in the range, in the caller's scope, and whether they attended an onboarding
    session in their first week (O5)."""
    _check_range(hired_from, hired_to, "hired_from", "hired_to")
    policy, today = bus.policy.training, bus.clock.today()
    visibility = visibility_of(by)
    async with bus.uow() as uow:
        hires = [hire for hire in await uow.training.hired_between(hired_from, hired_to)
                 if visibility.sees_employee(hire)]
        _, last_window_day = onboarding_window(hired_to, policy)
        attended = await uow.training.onboarding_attended([hire.id for hire in hires], hired_from, last_window_day)
    lines = []
    for hire in hires:
        start, end = onboarding_window(hire.hired_on, policy)
        in_window = [(session_id, day) for session_id, day in attended.get(hire.id, []) if start <= day <= end]
        status = onboarding_status(hire.hired_on, [day for _, day in in_window], today, policy)
        lines.append(NewHire(employee=hire, window_ends_on=end, status=status,
                             session_id=in_window[0][0] if in_window else None))
    return lines


async def regional_managers(bus: OrgBus, by: Principal, month: str) -> RegionalManagersMonth:
    """Every regional manager of the month in the caller's scope and the sessions they held as trainer (O7)."""
    policy = bus.policy.training
    start, end = first_day(month), last_day(month)
    visibility = visibility_of(by)
    async with bus.uow() as uow:
        managers = [manager for manager in await uow.training.holders_of_role(Role.REGIONAL_MANAGER, start, end)
                    if visibility.sees_employee(manager)]
        counts = await uow.training.held_counts([manager.id for manager in managers], start, end)
    lines = [ManagerTraining(employee=manager, sessions_held=counts.get(manager.id, 0),
                             below_minimum=below_minimum(counts.get(manager.id, 0), policy))
             for manager in managers]
    return RegionalManagersMonth(month=month, minimum=policy.minimum_sessions_per_month, managers=lines)


async def retraining_assignments(bus: OrgBus, by: Principal,
                                 status: AssignmentStatus | None) -> list[AssignmentView]:
    visibility = visibility_of(by)
    async with bus.uow() as uow:
        found = await uow.retraining.listing(status)
        people = await uow.training.people({item.employee_id for item in found})
    return [AssignmentView(assignment=item, employee=people.get(item.employee_id)) for item in found
            if visibility.everything or (item.employee_id in people
                                         and visibility.sees_employee(people[item.employee_id]))]


async def retraining_assignment(bus: OrgBus, by: Principal, assignment_id: uuid.UUID) -> AssignmentView:
    visibility = visibility_of(by)
    async with bus.uow() as uow:
        found = await uow.retraining.get(assignment_id)
        person = (await uow.training.people({found.employee_id})).get(found.employee_id) if found else None
    if found is None or not (visibility.everything or (person is not None and visibility.sees_employee(person))):
        raise NotFound(f"retraining assignment {assignment_id} does not exist")
    return AssignmentView(assignment=found, employee=person)


async def visible_sessions(uow: OrgUnitOfWork, visibility: Visibility, by: Principal,
                           found: list[TrainingSession]) -> list[SessionView]:
    """The sessions of ``found`` the caller may see, each with the part of its sheet they may see."""
    people = await uow.training.people(
        {person for item in found for person in (item.trainer_id, *(line.employee_id for line in item.attendees))})

    def sees(employee_id: uuid.UUID) -> bool:
        person = people.get(employee_id)
        return person is not None and visibility.sees_employee(person)

    views = []
    for item in found:
        whole = (visibility.everything or by.employee_id in (item.trainer_id, item.recorded_by)
                 or (item.department_id is not None and item.department_id in visibility.department_ids))
        lines = item.attendees if whole else [line for line in item.attendees if sees(line.employee_id)]
        if whole or lines or sees(item.trainer_id):
            views.append(SessionView(session=item, attendees=list(lines)))
    return views


def _check_range(start: date, end: date, start_field: str, end_field: str) -> None:
    if end < start:
        raise InvalidInput(end_field, f"must be on or after {start_field} ({start.isoformat()})")
    if (end - start).days >= MAX_RANGE_DAYS:
        raise InvalidInput(end_field, f"the range may span at most {MAX_RANGE_DAYS} days")
