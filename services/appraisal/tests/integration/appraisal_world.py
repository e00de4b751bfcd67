"""A small company for the appraisal integration tests, fed to the service the way Kafka would:
org events into the directory replica, crm and telesales events into the consumer handlers,
each in its own unit of work (the runner's inbox is left out on purpose: fact uniqueness must
hold without it)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import text

from appraisal.config import AppraisalSettings
from appraisal.entrypoints.consumers import CONSUMERS
from shared.auth import Role
from shared.clock import first_day, shift_month
from shared.events.envelope import CloudEvent, Event
from shared.events.org import EmployeeHired, GroupCreated
from shared.runtime import ServiceRuntime
from shared.testing import auth_headers, principal

HANDLERS = {event_type: handler for spec in CONSUMERS for event_type, handler in spec.handlers.items()}


class Tokens:
    def __init__(self, settings: AppraisalSettings) -> None:
        self._secret, self._issuer = settings.jwt_secret, settings.jwt_issuer

    def of(self, person: Person, *roles: str) -> dict[str, str]:
        return auth_headers(principal(*(roles or (person.role,)), employee_id=person.id, group_id=person.group_id,
                                      department_id=person.department_id), secret=self._secret, issuer=self._issuer)

    def hr(self) -> dict[str, str]:
        return auth_headers(principal(Role.HR), secret=self._secret, issuer=self._issuer)


class Person:
    def __init__(self, name: str, role: str, department_id: uuid.UUID, group_id: uuid.UUID | None = None,
                 manager: Person | None = None, hired_on: date | None = None) -> None:
        self.id = uuid.uuid4()
        self.name = name
        self.role = role
        self.department_id = department_id
        self.group_id = group_id
        self.manager_id = manager.id if manager else None
        self.hired_on = hired_on

    def hired(self) -> EmployeeHired:
        assert self.hired_on is not None, f"{self.name} has no hire date"
        return EmployeeHired(employee_id=self.id, name=self.name, role=self.role, department_id=self.department_id,
                             group_id=self.group_id, manager_id=self.manager_id, hired_on=self.hired_on)


class World:
    """Field sales: manager → leader of East 1 (reps Li and Wang) and leader of East 2 (rep Zhao).
    Telesales: manager → agent Sun. Every test gets this in its own database; everyone was hired
    two years before the clock's month, long before any month a test closes."""

    def __init__(self, runtime: ServiceRuntime) -> None:
        self.runtime = runtime
        self.sales, self.telesales = uuid.uuid4(), uuid.uuid4()
        self.east1, self.east2, self.phones = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        hired_on = first_day(shift_month(runtime.clock.month(), -24))

        def person(name: str, role: str, department_id: uuid.UUID, group_id: uuid.UUID | None = None,
                   manager: Person | None = None) -> Person:
            return Person(name, role, department_id, group_id, manager, hired_on=hired_on)

        self.manager = person("Manager Qian", Role.DEPARTMENT_MANAGER, self.sales)
        self.leader = person("Leader Zhang", Role.GROUP_LEADER, self.sales, self.east1, self.manager)
        self.leader2 = person("Leader Chen", Role.GROUP_LEADER, self.sales, self.east2, self.manager)
        self.rep = person("Rep Li", Role.SALES_REP, self.sales, self.east1, self.leader)
        self.rep2 = person("Rep Wang", Role.SALES_REP, self.sales, self.east1, self.leader)
        self.rep3 = person("Rep Zhao", Role.SALES_REP, self.sales, self.east2, self.leader2)
        self.tele_manager = person("Manager Zhou", Role.DEPARTMENT_MANAGER, self.telesales)
        self.tele_leader = person("Leader Wu", Role.GROUP_LEADER, self.telesales, self.phones, self.tele_manager)
        self.agent = person("Agent Sun", Role.TELESALES_AGENT, self.telesales, self.phones, self.tele_leader)

    @property
    def people(self) -> list[Person]:
        return [self.manager, self.leader, self.leader2, self.rep, self.rep2, self.rep3, self.tele_manager,
                self.tele_leader, self.agent]

    @property
    def appraised(self) -> list[Person]:
        """Everyone whose role has a default template."""
        return [p for p in self.people if p.role in (Role.SALES_REP, Role.GROUP_LEADER, Role.TELESALES_AGENT)]

    async def build(self, *, skip: tuple[Person, ...] = ()) -> None:
        for person in self.people:
            if person not in skip:
                await self.apply(person.hired())
        await self.apply(
            GroupCreated(group_id=self.east1, name="East 1", department_id=self.sales, leader_id=self.leader.id),
            GroupCreated(group_id=self.east2, name="East 2", department_id=self.sales, leader_id=self.leader2.id),
            GroupCreated(group_id=self.phones, name="Phones", department_id=self.telesales,
                         leader_id=self.tele_leader.id),
        )

    async def apply(self, *events: Event | CloudEvent) -> None:
        for item in events:
            envelope = item if isinstance(item, CloudEvent) else CloudEvent.wrap(item, source="/test")
            async with self.runtime.uow_factory() as uow:
                await HANDLERS[envelope.type](envelope, uow, self.runtime.bus)
                await uow.commit()

    async def outbox(self, event_type: str | None = None) -> list[dict[str, Any]]:
        query = "SELECT event_type, envelope FROM outbox"
        query += " WHERE event_type = :type ORDER BY seq" if event_type else " ORDER BY seq"
        async with self.runtime.engine.connect() as connection:
            rows = await connection.execute(text(query), {"type": event_type} if event_type else {})
            return [row.envelope for row in rows]

    async def fact_count(self) -> int:
        async with self.runtime.engine.connect() as connection:
            return (await connection.execute(text("SELECT count(*) FROM facts"))).scalar_one()


def d(value: str | int) -> Decimal:
    return Decimal(str(value))


def on(period: str, day: int) -> date:
    """The ``day``-th of ``period`` (a month, YYYY-MM)."""
    return first_day(period).replace(day=day)
