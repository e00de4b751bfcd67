"""A local, read-only replica of the org directory, built from org events.

Any service that must know who is in which group, under which manager, in which role (crm
to distribute leads, telesales to roll figures up, appraisal to order reviews, payroll to
pick a compensation plan) keeps these two tables in its own database and adds
:data:`DIRECTORY_HANDLERS` to one of its consumers. It never asks org over HTTP on a hot path.

Events of one employee share a partition and arrive in order; group events travel on
another partition, so the two tables are updated independently. Each change carries the
date it takes effect, and an older change never overwrites a newer one, so a replay or a
late duplicate leaves the replica as it was.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Column, Date, Index, String, Table, select
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.auth import CachedPrincipalSource, Standing
from shared.bus import Bus
from shared.db import UnitOfWork, new_metadata
from shared.events.envelope import CloudEvent
from shared.events.org import EmployeeHired, EmployeeLeft, EmployeeTransferred, GroupCreated, GroupLeaderChanged
from shared.sql import among

directory_metadata = new_metadata()

directory_employees = Table(
    "directory_employees",
    directory_metadata,
    Column("employee_id", UUID(as_uuid=True), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("role", String(40), nullable=False),
    Column("status", String(20), nullable=False),
    Column("department_id", UUID(as_uuid=True)),
    Column("region_id", UUID(as_uuid=True)),
    Column("group_id", UUID(as_uuid=True)),
    Column("manager_id", UUID(as_uuid=True)),
    Column("hired_on", Date),
    Column("left_on", Date),
    # The effective date of the last change applied: an older change arriving late is ignored.
    Column("as_of", Date, nullable=False),
    Index("ix_directory_employees_group_id", "group_id"),
)

directory_groups = Table(
    "directory_groups",
    directory_metadata,
    Column("group_id", UUID(as_uuid=True), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("department_id", UUID(as_uuid=True), nullable=False),
    Column("region_id", UUID(as_uuid=True)),
    Column("leader_id", UUID(as_uuid=True), nullable=False),
    Column("as_of", Date, nullable=False),
)


@dataclass(frozen=True)
class DirectoryEmployee:
    employee_id: uuid.UUID
    name: str
    role: str
    status: str
    department_id: uuid.UUID | None
    group_id: uuid.UUID | None
    manager_id: uuid.UUID | None
    region_id: uuid.UUID | None = None

    @property
    def is_employed(self) -> bool:
        return self.status != "left"


@dataclass(frozen=True)
class DirectoryGroup:
    group_id: uuid.UUID
    name: str
    department_id: uuid.UUID
    leader_id: uuid.UUID


# -- handlers ---------------------------------------------------------------------------------

async def _upsert_employee(session: AsyncSession, employee_id: uuid.UUID, as_of: date, values: dict) -> None:
    # Placeholders only matter if a change overtakes the hire; the hire then fills them in.
    row = {"name": "", "role": "unknown", "status": "active", **values, "employee_id": employee_id, "as_of": as_of}
    insert = pg_insert(directory_employees).values(**row)
    await session.execute(
        insert.on_conflict_do_update(
            index_elements=["employee_id"],
            set_={key: insert.excluded[key] for key in ("as_of", *values)},
            where=directory_employees.c.as_of <= insert.excluded.as_of,
        )
    )


async def on_employee_hired(envelope: CloudEvent, uow: UnitOfWork, bus: Bus) -> None:
    hired = envelope.payload(EmployeeHired)
    await _upsert_employee(uow.session, hired.employee_id, hired.hired_on, {
        "name": hired.name, "role": hired.role, "status": "active", "department_id": hired.department_id,
        "region_id": hired.region_id, "group_id": hired.group_id, "manager_id": hired.manager_id,
        "hired_on": hired.hired_on,
    })


async def on_employee_transferred(envelope: CloudEvent, uow: UnitOfWork, bus: Bus) -> None:
    moved = envelope.payload(EmployeeTransferred)
    values = {"role": moved.to_role, "department_id": moved.to_department_id, "group_id": moved.to_group_id,
              "manager_id": moved.to_manager_id}
    if moved.to_region_id is not None or moved.from_region_id is not None:
        values["region_id"] = moved.to_region_id
    if moved.to_status is not None:
        values["status"] = moved.to_status
    await _upsert_employee(uow.session, moved.employee_id, moved.effective_date, values)


async def on_employee_left(envelope: CloudEvent, uow: UnitOfWork, bus: Bus) -> None:
    left = envelope.payload(EmployeeLeft)
    await _upsert_employee(uow.session, left.employee_id, left.left_on,
                           {"status": "left", "left_on": left.left_on})


async def on_group_created(envelope: CloudEvent, uow: UnitOfWork, bus: Bus) -> None:
    group = envelope.payload(GroupCreated)
    insert = pg_insert(directory_groups).values(
        group_id=group.group_id, name=group.name, department_id=group.department_id, region_id=group.region_id,
        leader_id=group.leader_id, as_of=date.min,
    )
    # A leader change may have landed first (another partition): keep its leader.
    await uow.session.execute(insert.on_conflict_do_update(
        index_elements=["group_id"],
        set_={"name": insert.excluded.name, "department_id": insert.excluded.department_id,
              "region_id": insert.excluded.region_id},
    ))


async def on_group_leader_changed(envelope: CloudEvent, uow: UnitOfWork, bus: Bus) -> None:
    change = envelope.payload(GroupLeaderChanged)
    insert = pg_insert(directory_groups).values(
        group_id=change.group_id, name="", department_id=uuid.UUID(int=0), leader_id=change.leader_id,
        as_of=change.effective_date,
    )
    await uow.session.execute(insert.on_conflict_do_update(
        index_elements=["group_id"],
        set_={"leader_id": insert.excluded.leader_id, "as_of": insert.excluded.as_of},
        where=directory_groups.c.as_of <= insert.excluded.as_of,
    ))


DIRECTORY_TOPICS = sorted({EmployeeHired.topic, GroupCreated.topic})
DIRECTORY_HANDLERS = {
    EmployeeHired.event_type: on_employee_hired,
    EmployeeTransferred.event_type: on_employee_transferred,
    EmployeeLeft.event_type: on_employee_left,
    GroupCreated.event_type: on_group_created,
    GroupLeaderChanged.event_type: on_group_leader_changed,
}


# -- queries ----------------------------------------------------------------------------------

def _employee(row) -> DirectoryEmployee:
    return DirectoryEmployee(employee_id=row.employee_id, name=row.name, role=row.role, status=row.status,
                             department_id=row.department_id, group_id=row.group_id, manager_id=row.manager_id,
                             region_id=row.region_id)


async def employee(session: AsyncSession, employee_id: uuid.UUID) -> DirectoryEmployee | None:
    row = (await session.execute(
        select(directory_employees).where(directory_employees.c.employee_id == employee_id)
    )).first()
    return _employee(row) if row else None


async def group_members(session: AsyncSession, group_id: uuid.UUID, *, employed_only: bool = True
                        ) -> list[DirectoryEmployee]:
    query = select(directory_employees).where(directory_employees.c.group_id == group_id)
    if employed_only:
        query = query.where(directory_employees.c.status != "left")
    rows = (await session.execute(query.order_by(directory_employees.c.employee_id))).all()
    return [_employee(row) for row in rows]


async def group(session: AsyncSession, group_id: uuid.UUID) -> DirectoryGroup | None:
    row = (await session.execute(select(directory_groups).where(directory_groups.c.group_id == group_id))).first()
    if row is None:
        return None
    return DirectoryGroup(group_id=row.group_id, name=row.name, department_id=row.department_id,
                          leader_id=row.leader_id)


async def employees(session: AsyncSession, employee_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, DirectoryEmployee]:
    if not employee_ids:
        return {}
    rows = await session.execute(
        select(directory_employees).where(among(directory_employees.c.employee_id, employee_ids)))
    return {row.employee_id: _employee(row) for row in rows}


async def groups_led_by(session: AsyncSession, employee_id: uuid.UUID) -> list[uuid.UUID]:
    rows = await session.execute(
        select(directory_groups.c.group_id).where(directory_groups.c.leader_id == employee_id))
    return [row.group_id for row in rows]


class DirectoryReader:
    """Reads of the local directory replica, as a repository: a service's unit of work attaches one
    (or a subclass adding the service's own queries) as ``uow.directory``."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def employee(self, employee_id: uuid.UUID) -> DirectoryEmployee | None:
        return await employee(self._session, employee_id)

    async def employees(self, employee_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, DirectoryEmployee]:
        return await employees(self._session, employee_ids)

    async def group(self, group_id: uuid.UUID) -> DirectoryGroup | None:
        return await group(self._session, group_id)

    async def members(self, group_id: uuid.UUID, *, employed_only: bool = True) -> list[DirectoryEmployee]:
        return await group_members(self._session, group_id, employed_only=employed_only)

    async def groups_led_by(self, employee_id: uuid.UUID) -> list[uuid.UUID]:
        return await groups_led_by(self._session, employee_id)


class DirectoryPrincipalSource(CachedPrincipalSource):
    """Callers as this service's directory replica knows them: a token of someone who has left
    stops working here as soon as their EmployeeLeft event lands, a transfer counts at once."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], refresh_seconds: float) -> None:
        super().__init__(refresh_seconds)
        self._sessions = sessions

    async def look_up(self, employee_id: uuid.UUID) -> Standing | None:
        async with self._sessions() as session:
            entry = await employee(session, employee_id)
            if entry is None or entry.role == "unknown":  # not hired here yet: only a change overtook it
                return None
            led = await groups_led_by(session, employee_id)
        return Standing(employed=entry.is_employed, role=entry.role, group_id=entry.group_id,
                        department_id=entry.department_id, leads_a_group=bool(led))
