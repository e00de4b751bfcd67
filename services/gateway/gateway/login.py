"""Login: org checks the password, the gateway signs the token every service then trusts.

An access token lives ``jwt_ttl_seconds`` (15 minutes by default); the login also opens a session
in org whose refresh token gets the next access token (``/auth/refresh``, the refresh token being
replaced each time) until the person logs out (``/auth/logout``) or leaves. After a logout the
access token in hand keeps working until it expires, at most that quarter of an hour; a leaver's
is refused by the services within seconds (they re-read the organisation on each request)."""

from __future__ import annotations

import logging
import uuid
from typing import TypeVar

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
SESSION_OVER = "the session is over; log in again"
T = TypeVar("T", bound=BaseModel)


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


class SessionRead(EmployeeRead):
    refresh_token: str
    refresh_expires_in: int


class RefreshRequest(BaseModel):
    refresh_token: str = Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9_-]+$")


class TokenRead(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    refresh_token: str
    refresh_expires_in: int
    employee: EmployeeRead


async def ask_org(client: httpx.AsyncClient, org_url: str, codec: TokenCodec, path: str, body: dict,
                  request_id: str, *, refused: str) -> httpx.Response:
    """Call org's internal API as the gateway; its 401 becomes :class:`Unauthorized` (``refused``),
    anything else unexpected a 503 or 502 problem."""
    system_token, _ = codec.issue(GATEWAY_PRINCIPAL, ttl_seconds=SYSTEM_TOKEN_TTL_SECONDS)
    try:
        answer = await client.post(f"{org_url}{path}", json=body,
                                   headers={"Authorization": f"Bearer {system_token}", REQUEST_ID_HEADER: request_id})
    except httpx.TransportError as error:
        raise UpstreamUnavailable("login is not possible right now: org cannot be reached",
                                  service="org") from error
    if answer.status_code == 401:
        raise Unauthorized(refused)
    if answer.status_code >= 300:
        log.warning("org answered %s with %s: %s", path, answer.status_code, answer.text[:500])
        raise UpstreamUnavailable("login is not possible right now: org could not check the credentials",
                                  service="org")
    return answer


def read_org(answer: httpx.Response, model: type[T]) -> T:
    try:
        return model.model_validate_json(answer.content)
    except ValidationError as error:
        log.error("org answered with an unreadable body: %s", error)
        raise BadGateway("org answered the credentials check with an unreadable body", service="org") from error


async def verify_credentials(client: httpx.AsyncClient, org_url: str, codec: TokenCodec, body: LoginRequest,
                             request_id: str) -> EmployeeRead:
    """Ask org whose credentials these are; :class:`Unauthorized` if nobody's."""
    answer = await ask_org(client, org_url, codec, "/internal/credentials/verify",
                           {"login": body.login, "password": body.password.get_secret_value()}, request_id,
                           refused=WRONG_CREDENTIALS)
    return read_org(answer, EmployeeRead)


def tokens_for(employee: EmployeeRead, session: SessionRead, codec: TokenCodec, response: Response) -> TokenRead:
    # Only a person's roles go into a person's token, never ``system``.
    employee.roles = sorted(set(employee.roles).intersection(Role.ALL))
    principal = Principal(employee_id=employee.employee_id, roles=frozenset(employee.roles),
                          group_id=employee.group_id, department_id=employee.department_id, name=employee.name)
    token, ttl = codec.issue(principal)
    response.headers["Cache-Control"] = "no-store"
    return TokenRead(access_token=token, expires_in=ttl, refresh_token=session.refresh_token,
                     refresh_expires_in=session.refresh_expires_in, employee=employee)


@router.post("/login")
async def login(body: LoginRequest, response: Response, settings: SettingsDep, client: ClientDep,
                codec: CodecDep, request_id: RequestIdDep) -> TokenRead:
    """Exchange a login and password for a bearer token and a refresh token."""
    org = settings.services["org"]
    employee = await verify_credentials(client, org, codec, body, request_id)
    opened = await ask_org(client, org, codec, "/internal/sessions", {"employee_id": str(employee.employee_id)},
                           request_id, refused=WRONG_CREDENTIALS)
    return tokens_for(employee, read_org(opened, SessionRead), codec, response)


@router.post("/refresh")
async def refresh(body: RefreshRequest, response: Response, settings: SettingsDep, client: ClientDep,
                  codec: CodecDep, request_id: RequestIdDep) -> TokenRead:
    """A new access token, and a new refresh token in place of the one given (use each once)."""
    answer = await ask_org(client, settings.services["org"], codec, "/internal/sessions/refresh",
                           {"refresh_token": body.refresh_token}, request_id, refused=SESSION_OVER)
    session = read_org(answer, SessionRead)
    return tokens_for(EmployeeRead.model_validate(session.model_dump()), session, codec, response)


@router.post("/logout", status_code=204)
async def logout(body: RefreshRequest, settings: SettingsDep, client: ClientDep, codec: CodecDep,
                 request_id: RequestIdDep) -> None:
    """Close the session: its refresh token gives no further access token."""
    await ask_org(client, settings.services["org"], codec, "/internal/sessions/close",
                  {"refresh_token": body.refresh_token}, request_id, refused=SESSION_OVER)


@router.get("/me")
async def me(user: CurrentUser) -> EmployeeRead:
    """The caller, as their token describes them."""
    return EmployeeRead(employee_id=user.employee_id, name=user.name, roles=sorted(user.roles),
                        group_id=user.group_id, department_id=user.department_id)
