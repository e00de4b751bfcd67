"""Calls from other services, never from people: the gateway checks logins here."""

from __future__ import annotations

from fastapi import APIRouter

from org.entrypoints.api.deps import BusDep, SystemCaller
from org.entrypoints.api.schemas import CredentialsCheck, SessionOpen, SessionRead, SessionToken, VerifiedLoginRead
from org.service_layer import commands, handlers, sessions

router = APIRouter(prefix="/internal", tags=["internal"])


@router.post("/credentials/verify")
async def verify_credentials(body: CredentialsCheck, bus: BusDep, caller: SystemCaller) -> VerifiedLoginRead:
    """Check a login and password; 401 when wrong or when the employee has left."""
    command = commands.VerifyCredentials(login=body.login, password=body.password.get_secret_value())
    verified: handlers.VerifiedLogin = await bus.handle(command)
    employee = verified.employee
    return VerifiedLoginRead(employee_id=employee.id, name=employee.name, roles=list(verified.roles),
                             group_id=employee.group_id, department_id=employee.department_id)


def _session_read(opened: sessions.OpenedSession) -> SessionRead:
    employee = opened.employee
    return SessionRead(employee_id=employee.id, name=employee.name, roles=list(opened.roles),
                       group_id=employee.group_id, department_id=employee.department_id,
                       refresh_token=opened.refresh_token, refresh_expires_in=opened.expires_in)


@router.post("/sessions", status_code=201)
async def open_session(body: SessionOpen, bus: BusDep, caller: SystemCaller) -> SessionRead:
    """Open a login session for an employee whose credentials were just verified."""
    return _session_read(await bus.handle(sessions.OpenSession(employee_id=body.employee_id)))


@router.post("/sessions/refresh")
async def refresh_session(body: SessionToken, bus: BusDep, caller: SystemCaller) -> SessionRead:
    """Trade a refresh token for its successor and the employee as they are now; 401 when the
    session is over, the employee has left, or the token was already used."""
    return _session_read(await bus.handle(sessions.RefreshSession(refresh_token=body.refresh_token)))


@router.post("/sessions/close", status_code=204)
async def close_session(body: SessionToken, bus: BusDep, caller: SystemCaller) -> None:
    """Log out: the session's refresh token gives no further access token."""
    await bus.handle(sessions.CloseSession(refresh_token=body.refresh_token))
