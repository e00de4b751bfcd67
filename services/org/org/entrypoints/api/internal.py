"""Calls from other services, never from people: the gateway checks logins here."""

from __future__ import annotations

from fastapi import APIRouter

from org.entrypoints.api.deps import BusDep, SystemCaller
from org.entrypoints.api.schemas import CredentialsCheck, VerifiedLoginRead
from org.service_layer import commands, handlers

router = APIRouter(prefix="/internal", tags=["internal"])


@router.post("/credentials/verify")
async def verify_credentials(body: CredentialsCheck, bus: BusDep, caller: SystemCaller) -> VerifiedLoginRead:
    """Check a login and password; 401 when wrong or when the employee has left."""
    command = commands.VerifyCredentials(login=body.login, password=body.password.get_secret_value())
    verified: handlers.VerifiedLogin = await bus.handle(command)
    employee = verified.employee
    return VerifiedLoginRead(employee_id=employee.id, name=employee.name, roles=list(verified.roles),
                             group_id=employee.group_id, department_id=employee.department_id)
