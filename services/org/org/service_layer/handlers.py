"""Use cases of the org service. Each one opens a unit of work from the bus, checks the rules,
changes state, records its events and commits once; an error anywhere before the commit leaves
nothing behind. "Today" is the company's business date, from the bus's clock."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from org.domain.assignments import Assignment, close, ensure_not_in_future, first_assignment, succeed
from org.domain.credentials import MIN_PASSWORD_LENGTH, Credential, PasswordHashing, normalise_login
from org.domain.groups import (
    LeadershipTerm,
    ensure_leader_may_leave,
    ensure_leader_stays,
    ensure_may_lead,
    next_term,
)
from org.domain.headcount import HeadcountLine, HeadcountPlan, ensure_position_open
from org.domain.model import (
    Department,
    DepartmentKind,
    Employee,
    EmployeeStatus,
    Placement,
    Region,
    SalesGroup,
    joining_group,
)
from org.domain.reporting import ensure_no_reporting_cycle
from org.service_layer import attendance, commands
from org.service_layer.commands import KEEP
from org.service_layer.sessions import SESSION_COMMAND_HANDLERS, roles_of
from org.service_layer.training import TRAINING_COMMAND_HANDLERS
from org.service_layer.unit_of_work import OrgBus, OrgUnitOfWork
from shared.auth import Role
from shared.bus import CommandHandler, refuses_duplicates
from shared.db import new_id
from shared.errors import Conflict, InvalidInput, NotFound, RuleViolation, Unauthorized
from shared.events.org import (
    DepartmentCreated,
    EmployeeHired,
    EmployeeLeft,
    EmployeeTransferred,
    GroupCreated,
    GroupLeaderChanged,
    HeadcountPlanChanged,
    RegionCreated,
)

# The checks in the handlers find duplicates first and name what they collide with; these
# constraints catch the duplicate a concurrent request committed between check and insert.
UNIQUE_CONSTRAINTS = {
    "uq_credentials_login": ("login", "this login is already taken"),
    "uq_departments_name": ("name", "a department with this name already exists"),
    "uq_regions_department_id_name": ("name", "a region with this name already exists in the department"),
    "uq_sales_groups_department_id_name": ("name", "a group with this name already exists in the department"),
    "uq_sales_groups_leader_id": ("leader_id", "this employee already leads a group"),
}


# --- departments, regions, headcount -------------------------------------------------------------


@refuses_duplicates(UNIQUE_CONSTRAINTS)
async def create_department(command: commands.CreateDepartment, bus: OrgBus) -> Department:
    async with bus.uow() as uow:
        department = await _create_department(uow, command.name, command.kind)
        await uow.commit()
    return department


@refuses_duplicates(UNIQUE_CONSTRAINTS)
async def create_region(command: commands.CreateRegion, bus: OrgBus) -> Region:
    async with bus.uow() as uow:
        await _department(uow, command.department_id, field="department_id")
        same_name = await uow.regions.get_by_name(command.department_id, command.name)
        if same_name is not None:
            raise Conflict("a region with this name already exists in the department", field="name",
                           conflicting_region_id=str(same_name.id))
        region = Region(id=new_id(), department_id=command.department_id, name=command.name)
        await uow.regions.add(region)
        uow.emit(RegionCreated(region_id=region.id, department_id=region.department_id, name=region.name))
        await uow.commit()
    return region


@refuses_duplicates(UNIQUE_CONSTRAINTS)
async def set_headcount_plan(command: commands.SetHeadcountPlan, bus: OrgBus) -> HeadcountLine:
    async with bus.uow() as uow:
        await _department(uow, command.department_id, field="department_id")
        await _set_plan(uow, command.department_id, command.role, command.planned)
        filled = await uow.employees.count_employed(command.department_id, command.role)
        await uow.commit()
    return HeadcountLine(role=command.role, planned=command.planned, filled=filled)


# --- groups --------------------------------------------------------------------------------------


@refuses_duplicates(UNIQUE_CONSTRAINTS)
async def create_group(command: commands.CreateGroup, bus: OrgBus) -> SalesGroup:
    today = bus.clock.today()
    async with bus.uow() as uow:
        await _department(uow, command.department_id, field="department_id")
        if command.region_id is not None:
            await _region_of(uow, command.region_id, command.department_id, field="region_id")
        same_name = await uow.groups.get_by_name(command.department_id, command.name)
        if same_name is not None:
            raise Conflict("a group with this name already exists in the department", field="name",
                           conflicting_group_id=str(same_name.id))
        leader = await _employee(uow, command.leader_id, field="leader_id", for_update=True)
        ensure_may_lead(leader, command.department_id, await uow.groups.led_by(leader.id))

        group = SalesGroup(id=new_id(), name=command.name, department_id=command.department_id,
                           region_id=command.region_id, leader_id=leader.id)
        await uow.groups.add(group)
        await uow.leaderships.add(LeadershipTerm(id=new_id(), group_id=group.id, leader_id=leader.id,
                                                 valid_from=today))
        uow.emit(GroupCreated(group_id=group.id, name=group.name, department_id=group.department_id,
                              region_id=group.region_id, leader_id=leader.id))
        # The leader is a member of the group they lead.
        await _move(uow, leader, joining_group(leader, group), today, f"leads the new group {group.name}",
                    field="leader_id")
        await uow.commit()
    return group


@refuses_duplicates(UNIQUE_CONSTRAINTS)
async def change_group_leader(command: commands.ChangeGroupLeader, bus: OrgBus) -> SalesGroup:
    async with bus.uow() as uow:
        group = await _group(uow, command.group_id, field="group_id")
        if command.leader_id == group.leader_id:
            return group  # already so: setting it again changes nothing and announces nothing
        ensure_not_in_future("effective_date", command.effective_date, bus.clock.today())
        # Employee before group, the order every use case locks in, so that two of them never
        # wait for each other. The group is read again under its lock: another change may have won.
        leader = await _employee(uow, command.leader_id, field="leader_id", for_update=True)
        group = await _group(uow, command.group_id, field="group_id", for_update=True)
        if command.leader_id == group.leader_id:
            return group
        ensure_may_lead(leader, group.department_id, await uow.groups.led_by(leader.id))

        term = await uow.leaderships.current(group.id)
        if term is None:
            raise RuntimeError(f"group {group.id} has no open leadership term")
        following = next_term(term, leader.id, command.effective_date)
        await uow.leaderships.close(term)
        await uow.leaderships.add(following)

        # The previous leader stays a member: a person leads at most one group, so they lead no other.
        previous_leader_id = group.leader_id
        group.leader_id = leader.id
        await uow.groups.save(group)
        uow.emit(GroupLeaderChanged(group_id=group.id, previous_leader_id=previous_leader_id, leader_id=leader.id,
                                    effective_date=command.effective_date))
        if leader.group_id != group.id:
            await _move(uow, leader, joining_group(leader, group), command.effective_date,
                        f"leads group {group.name}", field="effective_date")
        await uow.commit()
    return group


# --- employees -----------------------------------------------------------------------------------


@refuses_duplicates(UNIQUE_CONSTRAINTS)
async def hire_employee(command: commands.HireEmployee, bus: OrgBus) -> Employee:
    password_hash = await _hash_new_password(bus.policy.passwords, command.login, command.password)
    async with bus.uow() as uow:
        employee = await _hire(uow, command, password_hash)
        await uow.commit()
    return employee


@refuses_duplicates(UNIQUE_CONSTRAINTS)
async def transfer_employee(command: commands.TransferEmployee, bus: OrgBus) -> Employee:
    if command.to_status == EmployeeStatus.LEFT:
        raise InvalidInput("to_status", "a leaving is recorded with the leave endpoint, not a transfer")
    async with bus.uow() as uow:
        employee = await _employee(uow, command.employee_id, field="employee_id", for_update=True)
        if not employee.is_employed:
            raise RuleViolation("this employee has left; a transfer needs a current employee",
                                left_on=_iso(employee.left_on))
        ensure_not_in_future("effective_date", command.effective_date, bus.clock.today())
        target = await _transfer_target(uow, employee, command)
        if target == employee.placement:
            raise InvalidInput("transfer", "changes nothing: give a new department, region, group, role, "
                                           "manager or status")
        ensure_leader_stays(await uow.groups.led_by(employee.id), target)
        if employee.role == Role.ADMIN and target.role != Role.ADMIN:
            await _ensure_another_admin(uow, employee, "lose the admin role")
        if target.manager_id is not None and target.manager_id != employee.manager_id:
            await uow.employees.lock_reporting_lines()
            chain = await uow.employees.manager_chain(target.manager_id)
            ensure_no_reporting_cycle(employee.id, target.manager_id, chain)
        if (target.department_id, target.role) != (employee.department_id, employee.role):
            await _ensure_position_open(uow, target.department_id, target.role)
        await _move(uow, employee, target, command.effective_date, command.reason, field="effective_date")
        await uow.commit()
    return employee


@refuses_duplicates(UNIQUE_CONSTRAINTS)
async def record_leaving(command: commands.RecordLeaving, bus: OrgBus) -> Employee:
    async with bus.uow() as uow:
        employee = await _employee(uow, command.employee_id, field="employee_id", for_update=True)
        if not employee.is_employed:
            raise Conflict("this employee has already left", left_on=_iso(employee.left_on))
        ensure_not_in_future("left_on", command.left_on, bus.clock.today())
        ensure_leader_may_leave(await uow.groups.led_by(employee.id))
        if employee.role == Role.ADMIN:
            await _ensure_another_admin(uow, employee, "leave")
        current = await _open_assignment(uow, employee)
        close(current, command.left_on, field="left_on")
        await uow.assignments.close(current)
        employee.leave(command.left_on, command.reason)
        await uow.employees.save(employee)
        uow.emit(EmployeeLeft(employee_id=employee.id, left_on=command.left_on, reason=command.reason,
                              department_id=employee.department_id, group_id=employee.group_id))
        await attendance.void_after_leaving(uow, employee, bus.clock.today())
        await uow.commit()
    return employee


# --- credentials ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifiedLogin:
    employee: Employee
    roles: tuple[str, ...]


async def verify_credentials(command: commands.VerifyCredentials, bus: OrgBus) -> VerifiedLogin:
    refused = Unauthorized("the login or the password is wrong")
    passwords = bus.policy.passwords
    async with bus.uow() as uow:
        credential = await uow.credentials.by_login(normalise_login(command.login))
        employee = await uow.employees.get(credential.employee_id) if credential else None
        roles = await roles_of(uow, employee) if employee else ()
    # Hashing happens outside the transaction: it is slow on purpose and holds nothing.
    if credential is None or employee is None:
        await passwords.verify_nothing(command.password)
        raise refused
    if not await passwords.verify(credential.password_hash, command.password) or not employee.is_employed:
        raise refused
    if passwords.needs_rehash(credential.password_hash):
        new_hash = await passwords.hash(command.password)
        async with bus.uow() as uow:
            await uow.credentials.replace_hash(employee.id, new_hash)
            await uow.commit()
    return VerifiedLogin(employee=employee, roles=roles)


@dataclass(frozen=True)
class SeededAdministrator:
    employee: Employee
    department: Department
    created: bool


@refuses_duplicates(UNIQUE_CONSTRAINTS)
async def seed_administrator(command: commands.SeedAdministrator, bus: OrgBus) -> SeededAdministrator:
    password_hash = await _hash_new_password(bus.policy.passwords, command.login, command.password)
    async with bus.uow() as uow:
        existing = await uow.credentials.by_login(normalise_login(command.login))
        if existing is not None:
            employee = await _employee(uow, existing.employee_id, field="login")
            if employee.role != Role.ADMIN or not employee.is_employed:
                raise Conflict("this login belongs to someone who is not a current admin", field="login",
                               conflicting_employee_id=str(employee.id))
            department = await _department(uow, employee.department_id, field="login")
            return SeededAdministrator(employee=employee, department=department, created=False)
        department = await uow.departments.get_by_name(command.department_name)
        if department is None:
            department = await _create_department(uow, command.department_name, DepartmentKind.ADMIN)
        elif department.kind != DepartmentKind.ADMIN:
            raise Conflict(f"the department {department.name!r} exists but is not an admin department",
                           conflicting_department_id=str(department.id))
        # Seeding is the way back in when the known logins no longer work: it makes room for
        # one more admin rather than be refused by the plan.
        plan = await uow.headcount.get(department.id, Role.ADMIN)
        employed = await uow.employees.count_employed(department.id, Role.ADMIN)
        if plan is None or plan.planned <= employed:
            await _set_plan(uow, department.id, Role.ADMIN, employed + 1)
        hire = commands.HireEmployee(name=command.name, role=Role.ADMIN, department_id=department.id,
                                     hired_on=bus.clock.today(), login=command.login, password=command.password)
        employee = await _hire(uow, hire, password_hash)
        await uow.commit()
    return SeededAdministrator(employee=employee, department=department, created=True)


# --- steps shared by the use cases; they run inside an open unit of work ----------------------------


async def _ensure_another_admin(uow: OrgUnitOfWork, employee: Employee, change: str) -> None:
    """Nobody could log in to administer the company after the last admin steps down."""
    others = [admin for admin in await uow.employees.employed_with_role(Role.ADMIN, for_update=True)
              if admin != employee.id]
    if not others:
        raise RuleViolation(f"the last current administrator cannot {change}: appoint another admin first",
                            field="employee_id")


async def _create_department(uow: OrgUnitOfWork, name: str, kind: DepartmentKind) -> Department:
    same_name = await uow.departments.get_by_name(name)
    if same_name is not None:
        raise Conflict("a department with this name already exists", field="name",
                       conflicting_department_id=str(same_name.id))
    department = Department(id=new_id(), name=name, kind=kind)
    await uow.departments.add(department)
    uow.emit(DepartmentCreated(department_id=department.id, name=department.name, kind=department.kind.value))
    return department


async def _set_plan(uow: OrgUnitOfWork, department_id: uuid.UUID, role: str, planned: int) -> None:
    current = await uow.headcount.get(department_id, role, for_update=True)
    previous = current.planned if current is not None else None
    if previous == planned:
        return
    await uow.headcount.save(HeadcountPlan(department_id=department_id, role=role, planned=planned))
    uow.emit(HeadcountPlanChanged(department_id=department_id, role=role, planned=planned, previous=previous))


async def _hash_new_password(passwords: PasswordHashing, login: str | None, password: str | None) -> str | None:
    if login is None and password is None:
        return None
    if login is None:
        raise InvalidInput("login", "is required when a password is given")
    if password is None:
        raise InvalidInput("password", "is required when a login is given")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("password", f"must have at least {MIN_PASSWORD_LENGTH} characters")
    return await passwords.hash(password)


async def _hire(uow: OrgUnitOfWork, command: commands.HireEmployee, password_hash: str | None) -> Employee:
    await _department(uow, command.department_id, field="department_id")
    placement = await _checked_placement(
        uow, department_id=command.department_id, role=command.role, region_id=command.region_id,
        region_given=command.region_id is not None, group_id=command.group_id, manager_id=command.manager_id,
        check_manager=True, status=EmployeeStatus.ACTIVE, prefix="",
    )
    login = normalise_login(command.login) if command.login is not None else None
    if login is not None:
        holder = await uow.credentials.by_login(login)
        if holder is not None:
            raise Conflict("this login is already taken", field="login",
                           conflicting_employee_id=str(holder.employee_id))
    await _ensure_position_open(uow, command.department_id, command.role)

    employee = Employee(id=new_id(), name=command.name, hired_on=command.hired_on, role=placement.role,
                        department_id=placement.department_id, login=login)
    employee.move_to(placement)
    await uow.employees.add(employee)
    await uow.assignments.add(first_assignment(employee))
    if login is not None and password_hash is not None:
        await uow.credentials.add(Credential(employee_id=employee.id, login=login, password_hash=password_hash))
    uow.emit(EmployeeHired(
        employee_id=employee.id, name=employee.name, role=employee.role, department_id=employee.department_id,
        region_id=employee.region_id, group_id=employee.group_id, manager_id=employee.manager_id,
        hired_on=employee.hired_on,
    ))
    return employee


async def _ensure_position_open(uow: OrgUnitOfWork, department_id: uuid.UUID, role: str) -> None:
    # Locking the plan row first makes concurrent hires into one position take turns.
    plan = await uow.headcount.get(department_id, role, for_update=True)
    filled = await uow.employees.count_employed(department_id, role)
    ensure_position_open(department_id, role, plan.planned if plan is not None else 0, filled)


async def _transfer_target(uow: OrgUnitOfWork, employee: Employee,
                           command: commands.TransferEmployee) -> Placement:
    department_id = command.to_department_id or employee.department_id
    changes_department = department_id != employee.department_id
    if changes_department:
        await _department(uow, department_id, field="to_department_id")
    # A group or region belongs to one department: moving department leaves them unless new ones are given.
    if command.to_group_id is KEEP:
        group_id = None if changes_department else employee.group_id
    else:
        group_id = command.to_group_id
    if command.to_region_id is KEEP:
        region_id = None if changes_department else employee.region_id
    else:
        region_id = command.to_region_id
    manager_id = employee.manager_id if command.to_manager_id is KEEP else command.to_manager_id
    return await _checked_placement(
        uow, department_id=department_id, role=command.to_role or employee.role, region_id=region_id,
        region_given=command.to_region_id is not KEEP, group_id=group_id, manager_id=manager_id,
        # A manager who left since is no reason to refuse an unrelated change; a new one must be current.
        check_manager=manager_id != employee.manager_id, status=command.to_status or employee.status,
        prefix="to_",
    )


async def _checked_placement(
    uow: OrgUnitOfWork, *, department_id: uuid.UUID, role: str, region_id: uuid.UUID | None, region_given: bool,
    group_id: uuid.UUID | None, manager_id: uuid.UUID | None, check_manager: bool, status: EmployeeStatus,
    prefix: str,
) -> Placement:
    """A placement whose region, group and manager exist and fit the department; a member of a
    group with a region sits in that region."""
    if group_id is not None:
        group = await _group(uow, group_id, field=f"{prefix}group_id")
        if group.department_id != department_id:
            raise InvalidInput(f"{prefix}group_id", "belongs to another department")
        if group.region_id is not None and region_id != group.region_id:
            if region_given:
                raise InvalidInput(f"{prefix}region_id", f"differs from the group's region {group.region_id}")
            region_id = group.region_id
    if region_id is not None:
        await _region_of(uow, region_id, department_id, field=f"{prefix}region_id")
    if manager_id is not None and check_manager:
        manager = await _employee(uow, manager_id, field=f"{prefix}manager_id")
        if not manager.is_employed:
            raise InvalidInput(f"{prefix}manager_id", "has left the company")
    return Placement(department_id=department_id, role=role, region_id=region_id, group_id=group_id,
                     manager_id=manager_id, status=status)


async def _move(uow: OrgUnitOfWork, employee: Employee, target: Placement, effective_date: date,
                reason: str | None, *, field: str) -> None:
    """Record a transfer: close the open assignment, open the next, update the record, announce it."""
    current = await _open_assignment(uow, employee)
    following = succeed(current, target, effective_date, reason, field=field)
    await uow.assignments.close(current)
    await uow.assignments.add(following)
    before = employee.placement
    employee.move_to(target)
    await uow.employees.save(employee)
    uow.emit(EmployeeTransferred(
        employee_id=employee.id, effective_date=effective_date, reason=reason,
        from_department_id=before.department_id, to_department_id=target.department_id,
        from_group_id=before.group_id, to_group_id=target.group_id, from_role=before.role, to_role=target.role,
        from_manager_id=before.manager_id, to_manager_id=target.manager_id,
        from_region_id=before.region_id, to_region_id=target.region_id,
        from_status=before.status, to_status=target.status,
    ))


async def _open_assignment(uow: OrgUnitOfWork, employee: Employee) -> Assignment:
    current = await uow.assignments.current(employee.id)
    if current is None:
        # Every hire opens an assignment and only leaving closes the last one: this is corruption.
        raise RuntimeError(f"employee {employee.id} has no open assignment")
    return current


async def _department(uow: OrgUnitOfWork, department_id: uuid.UUID, *, field: str) -> Department:
    department = await uow.departments.get(department_id)
    if department is None:
        raise NotFound(f"department {department_id} does not exist", field=field)
    return department


async def _region_of(uow: OrgUnitOfWork, region_id: uuid.UUID, department_id: uuid.UUID, *, field: str) -> Region:
    region = await uow.regions.get(region_id)
    if region is None:
        raise NotFound(f"region {region_id} does not exist", field=field)
    if region.department_id != department_id:
        raise InvalidInput(field, "belongs to another department")
    return region


async def _group(uow: OrgUnitOfWork, group_id: uuid.UUID, *, field: str, for_update: bool = False) -> SalesGroup:
    group = await uow.groups.get(group_id, for_update=for_update)
    if group is None:
        raise NotFound(f"group {group_id} does not exist", field=field)
    return group


async def _employee(uow: OrgUnitOfWork, employee_id: uuid.UUID, *, field: str,
                    for_update: bool = False) -> Employee:
    employee = await uow.employees.get(employee_id, for_update=for_update)
    if employee is None:
        raise NotFound(f"employee {employee_id} does not exist", field=field)
    return employee


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


COMMAND_HANDLERS: dict[type, CommandHandler] = {
    commands.CreateDepartment: create_department,
    commands.CreateRegion: create_region,
    commands.SetHeadcountPlan: set_headcount_plan,
    commands.CreateGroup: create_group,
    commands.ChangeGroupLeader: change_group_leader,
    commands.HireEmployee: hire_employee,
    commands.TransferEmployee: transfer_employee,
    commands.RecordLeaving: record_leaving,
    commands.VerifyCredentials: verify_credentials,
    commands.SeedAdministrator: seed_administrator,
    **TRAINING_COMMAND_HANDLERS,
    **SESSION_COMMAND_HANDLERS,
    **attendance.COMMAND_HANDLERS,
}
