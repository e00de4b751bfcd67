"""Login sessions: opened at login, refreshed (once per refresh token), closed at logout."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from org.domain.model import Employee
from org.domain.sessions import LoginSession, new_refresh_token, token_digest
from org.service_layer.unit_of_work import OrgBus, OrgUnitOfWork
from shared.auth import Role
from shared.bus import CommandHandler
from shared.db import new_id
from shared.errors import NotFound, Unauthorized

SESSION_OVER = "the session is over; log in again"


@dataclass(frozen=True)
class OpenSession:
    employee_id: uuid.UUID


@dataclass(frozen=True)
class RefreshSession:
    refresh_token: str


@dataclass(frozen=True)
class CloseSession:
    refresh_token: str


@dataclass(frozen=True)
class OpenedSession:
    session_id: uuid.UUID
    employee: Employee
    roles: tuple[str, ...]
    refresh_token: str
    expires_in: int


async def open_session(command: OpenSession, bus: OrgBus) -> OpenedSession:
    async with bus.uow() as uow:
        employee = await uow.employees.get(command.employee_id)
        if employee is None or not employee.is_employed:
            raise NotFound(f"no current employee {command.employee_id}")
        opened = await _open(uow, bus, employee)
        await uow.commit()
    return opened


async def refresh_session(command: RefreshSession, bus: OrgBus) -> OpenedSession:
    now = bus.clock.now()
    async with bus.uow() as uow:
        current = await uow.login_sessions.by_digest(token_digest(command.refresh_token))
        if current is None:
            raise Unauthorized(SESSION_OVER)
        if current.succeeded_by is not None:
            # Used before: a copy is being replayed. Nobody keeps a session opened from a copy.
            await uow.login_sessions.close_all_of(current.employee_id, now)
            await uow.commit()
            raise Unauthorized("this refresh token was already used; every session of its owner is now closed")
        employee = await uow.employees.get(current.employee_id)
        if not current.is_open_at(now) or employee is None or not employee.is_employed:
            raise Unauthorized(SESSION_OVER)
        opened = await _open(uow, bus, employee)
        await uow.login_sessions.close(current.id, now, succeeded_by=opened.session_id)
        await uow.commit()
    return opened


async def close_session(command: CloseSession, bus: OrgBus) -> None:
    """Logging out twice, or with a token already over, is the same as once."""
    async with bus.uow() as uow:
        current = await uow.login_sessions.by_digest(token_digest(command.refresh_token))
        if current is not None:
            await uow.login_sessions.close(current.id, bus.clock.now())
            await uow.commit()


async def roles_of(uow: OrgUnitOfWork, employee: Employee) -> tuple[str, ...]:
    # Leading a group is what gives its leader the group's scope, whatever their primary role.
    led_group = await uow.groups.led_by(employee.id)
    return tuple(sorted({employee.role} | ({Role.GROUP_LEADER} if led_group is not None else set())))


async def _open(uow: OrgUnitOfWork, bus: OrgBus, employee: Employee) -> OpenedSession:
    token, now, ttl = new_refresh_token(), bus.clock.now(), bus.policy.session_ttl
    session = LoginSession(id=new_id(), employee_id=employee.id, token_digest=token_digest(token),
                           opened_at=now, expires_at=now + ttl)
    await uow.login_sessions.add(session)
    return OpenedSession(session_id=session.id, employee=employee, roles=await roles_of(uow, employee),
                         refresh_token=token, expires_in=int(ttl.total_seconds()))


SESSION_COMMAND_HANDLERS: dict[type, CommandHandler] = {
    OpenSession: open_session,
    RefreshSession: refresh_session,
    CloseSession: close_session,
}
