"""Login: org checks the password, the gateway signs the token every service then trusts."""

from __future__ import annotations

import logging
import uuid

import httpx
from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from gateway.deps import ClientDep, CodecDep, RequestIdDep, SettingsDep
from gateway.errors import BadGateway
from shared.auth import CurrentUser, Principal, Role, TokenCodec
from shared.errors import Unauthorized, UpstreamUnavailable
from shared.web import REQUEST_ID_HEADER

log = logging.getLogger(__name__)

router = APIRouter(prefix="/auth", tags=["auth"])

# The identity the gateway uses towards org; only lives long enough for one call.
GATEWAY_PRINCIPAL = Principal(employee_id=uuid.UUID(int=0), roles=frozenset({Role.SYSTEM}), name="gateway")
SYSTEM_TOKEN_TTL_SECONDS = 60
WRONG_CREDENTIALS = "the login or the password is wrong"


class LoginRequest(BaseModel):
    # No login holds a control character; refused here rather than sent on to org's database.
    login: str = Field(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")
    password: SecretStr = Field(min_length=1, max_length=1024)


class EmployeeRead(BaseModel):
    model_config = ConfigDict(extra="ignore")

    employee_id: uuid.UUID
    name: str
    roles: list[str]
    group_id: uuid.UUID | None = None
    department_id: uuid.UUID | None = None


class TokenRead(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    employee: EmployeeRead


async def verify_credentials(client: httpx.AsyncClient, org_url: str, codec: TokenCodec, body: LoginRequest,
                             request_id: str) -> EmployeeRead:
    """Ask org whose credentials these are; :class:`Unauthorized` if nobody's."""
    system_token, _ = codec.issue(GATEWAY_PRINCIPAL, ttl_seconds=SYSTEM_TOKEN_TTL_SECONDS)
    try:
        answer = await client.post(
            f"{org_url}/internal/credentials/verify",
            json={"login": body.login, "password": body.password.get_secret_value()},
            headers={"Authorization": f"Bearer {system_token}", REQUEST_ID_HEADER: request_id},
        )
    except httpx.TransportError as error:
        raise UpstreamUnavailable("login is not possible right now: org cannot be reached",
                                  service="org") from error
    if answer.status_code == 401:
        raise Unauthorized(WRONG_CREDENTIALS)
    if answer.status_code != 200:
        log.warning("org answered the credentials check with %s: %s", answer.status_code, answer.text[:500])
        raise UpstreamUnavailable("login is not possible right now: org could not check the credentials",
                                  service="org")
    try:
        return EmployeeRead.model_validate_json(answer.content)
    except ValidationError as error:
        log.error("org answered the credentials check with an unreadable body: %s", error)
        raise BadGateway("org answered the credentials check with an unreadable body", service="org") from error


@router.post("/login")
async def login(body: LoginRequest, response: Response, settings: SettingsDep, client: ClientDep,
                codec: CodecDep, request_id: RequestIdDep) -> TokenRead:
    """Exchange a login and password for a bearer token."""
    employee = await verify_credentials(client, settings.services["org"], codec, body, request_id)
    # Only a person's roles go into a person's token, never ``system``.
    employee.roles = sorted(set(employee.roles).intersection(Role.ALL))
    principal = Principal(employee_id=employee.employee_id, roles=frozenset(employee.roles),
                          group_id=employee.group_id, department_id=employee.department_id, name=employee.name)
    token, ttl = codec.issue(principal)
    response.headers["Cache-Control"] = "no-store"
    return TokenRead(access_token=token, expires_in=ttl, employee=employee)


@router.get("/me")
async def me(user: CurrentUser) -> EmployeeRead:
    """The caller, as their token describes them."""
    return EmployeeRead(employee_id=user.employee_id, name=user.name, roles=sorted(user.roles),
                        group_id=user.group_id, department_id=user.department_id)
