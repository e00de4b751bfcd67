"""A small company for the crm integration tests, put into crm's directory replica through the
same handlers the org consumer runs, with a token for each person."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx
from sqlalchemy import text

from crm.config import CrmSettings
from shared.auth import Role
from shared.clock import first_day, shift_month
from shared.directory import DIRECTORY_HANDLERS
from shared.events import CloudEvent, Event
from shared.events.org import EmployeeHired, EmployeeLeft, GroupCreated
from shared.runtime import ServiceRuntime
from shared.testing import auth_headers, principal


@dataclass(frozen=True)
class Person:
    id: uuid.UUID
    name: str
    role: str
    department_id: uuid.UUID | None
    group_id: uuid.UUID | None
    headers: dict[str, str]


class World:
    """Field sales with groups East (leader Zhao; reps Wang Wei, Li Na, Sun Li) and West (leader Qian;
    rep Zhou), a second department (manager Feng), and company-wide people."""

    def __init__(self, runtime: ServiceRuntime, settings: CrmSettings, client: httpx.AsyncClient) -> None:
        self.runtime = runtime
        self.client = client
        self.clock = runtime.clock
        self._settings = settings
        self.sales, self.other_department = uuid.uuid4(), uuid.uuid4()
        self.east, self.west, self.far = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()

    @classmethod
    async def build(cls, runtime: ServiceRuntime, settings: CrmSettings, client: httpx.AsyncClient) -> World:
        world = cls(runtime, settings, client)
        await world._populate()
        return world

    async def _populate(self) -> None:
        self.manager = await self.hire("Chen Jie", Role.DEPARTMENT_MANAGER, self.sales)
        self.east_leader = await self.hire("Zhao Lei", Role.GROUP_LEADER, self.sales, self.east)
        self.west_leader = await self.hire("Qian Bo", Role.GROUP_LEADER, self.sales, self.west)
        await self.group(self.east, "East", self.sales, self.east_leader)
        await self.group(self.west, "West", self.sales, self.west_leader)
        self.wang = await self.hire("Wang Wei", Role.SALES_REP, self.sales, self.east)
        self.li = await self.hire("Li Na", Role.SALES_REP, self.sales, self.east)
        self.sun = await self.hire("Sun Li", Role.SALES_REP, self.sales, self.east)
        self.zhou = await self.hire("Zhou Yu", Role.SALES_REP, self.sales, self.west)
        self.other_manager = await self.hire("Feng Tao", Role.DEPARTMENT_MANAGER, self.other_department)
        self.far_leader = await self.hire("Jiang Hao", Role.GROUP_LEADER, self.other_department, self.far)
        await self.group(self.far, "Far", self.other_department, self.far_leader)
        self.assistant = await self.hire("He Min", Role.SALES_ASSISTANT, self.sales)
        self.director = await self.hire("Lu Xun", Role.SALES_DIRECTOR, None)
        self.finance = await self.hire("Ma Li", Role.FINANCE, None)
        self.hr = await self.hire("Hu Die", Role.HR, None)
        self.admin = await self.hire("Admin", Role.ADMIN, None)

    # -- the directory, through org's events --------------------------------------------------

    async def apply(self, event: Event) -> None:
        async with self.runtime.uow_factory() as uow:
            await DIRECTORY_HANDLERS[event.event_type](CloudEvent.wrap(event, source="/org"), uow, self.runtime.bus)
            await uow.commit()

    async def hire(self, name: str, role: str, department_id: uuid.UUID | None,
                   group_id: uuid.UUID | None = None) -> Person:
        employee_id = uuid.uuid4()
        if department_id is not None:
            await self.apply(EmployeeHired(employee_id=employee_id, name=name, role=role, department_id=department_id,
                                           group_id=group_id,
                                           hired_on=first_day(shift_month(self.clock.month(), -12))))
        return Person(employee_id, name, role, department_id, group_id,
                      self.headers(employee_id, role, group_id, department_id))

    async def group(self, group_id: uuid.UUID, name: str, department_id: uuid.UUID, leader: Person) -> None:
        await self.apply(GroupCreated(group_id=group_id, name=name, department_id=department_id,
                                      leader_id=leader.id))

    async def leave(self, person: Person) -> None:
        await self.apply(EmployeeLeft(employee_id=person.id, left_on=self.day(-1),
                                      department_id=person.department_id))

    def headers(self, employee_id: uuid.UUID, role: str, group_id: uuid.UUID | None = None,
                department_id: uuid.UUID | None = None) -> dict[str, str]:
        return auth_headers(principal(role, employee_id=employee_id, group_id=group_id, department_id=department_id),
                            secret=self._settings.jwt_secret, issuer=self._settings.jwt_issuer)

    def day(self, days_from_today: int = 0) -> date:
        """The company's date this many days from today, by the service's clock."""
        return self.clock.today() + timedelta(days=days_from_today)

    # -- the API ------------------------------------------------------------------------------

    async def lead(self, by: Person, *, phone: str | None = None, email: str | None = None, name: str = "Customer",
                   source: str = "marketing", expect: int = 201, **more: Any) -> dict[str, Any]:
        body = {"name": name, "source": source, **({"phone": phone} if phone else {}),
                **({"email": email} if email else {}), **more}
        response = await self.client.post("/leads", json=body, headers=by.headers)
        assert response.status_code == expect, response.text
        return response.json()

    async def to_group(self, lead: dict[str, Any], group_id: uuid.UUID, by: Person | None = None) -> dict[str, Any]:
        response = await self.client.post(f"/leads/{lead['id']}/assign-group", json={"group_id": str(group_id)},
                                          headers=(by or self.manager).headers)
        assert response.status_code == 200, response.text
        return response.json()

    async def to_rep(self, lead: dict[str, Any], rep: Person, by: Person | None = None) -> dict[str, Any]:
        response = await self.client.post(f"/leads/{lead['id']}/assign", json={"rep_id": str(rep.id)},
                                          headers=(by or self.east_leader).headers)
        assert response.status_code == 200, response.text
        return response.json()

    async def owned_lead(self, rep: Person, phone: str, group_id: uuid.UUID | None = None) -> dict[str, Any]:
        """A lead brought in by the manager, put in the rep's group and given to the rep."""
        lead = await self.lead(self.manager, phone=phone)
        await self.to_group(lead, group_id or self.east)
        leader = self.east_leader if (group_id or self.east) == self.east else self.west_leader
        return await self.to_rep(lead, rep, by=leader)

    # -- the database -------------------------------------------------------------------------

    async def rows(self, sql: str, **params: Any) -> list[Any]:
        async with self.runtime.engine.connect() as connection:
            return list(await connection.execute(text(sql), params))

    async def outbox(self) -> list[tuple[str, dict]]:
        return [(row.event_type, row.envelope) for row in
                await self.rows("SELECT event_type, envelope FROM outbox ORDER BY seq")]

    async def outbox_types(self) -> list[str]:
        return [event_type for event_type, _ in await self.outbox()]
