"""The telephony systems' door (T7): a service account's client id and secret, exchanged for a
short-lived token with the ``system`` role, limited to call intake by its scope claim.

The service that keeps the accounts (telesales, ``GATEWAY_SERVICE_ACCOUNTS_SERVICE``) checks the
credentials; the gateway signs the token as it does a person's. The token lives
``GATEWAY_SERVICE_TOKEN_TTL_SECONDS`` (5 minutes by default): a system asks again when it runs
out, so a revoked or rotated credential stops giving tokens at once, and telesales' workers also
refuse what a revoked account sends with a token still in hand."""

from __future__ import annotations

import logging
import uuid

import httpx
from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from gateway.deps import ClientDep, CodecDep, RequestIdDep, SettingsDep
from gateway.errors import BadGateway
from gateway.login import GATEWAY_PRINCIPAL, SYSTEM_TOKEN_TTL_SECONDS
from shared.auth import Principal, Role
from shared.errors import Unauthorized, UpstreamUnavailable
from shared.web import REQUEST_ID_HEADER

log = logging.getLogger(__name__)

router = APIRouter(prefix="/auth", tags=["auth"])

WRONG_CLIENT = "the client id or secret is wrong, or the service account was revoked"


class ClientCredentialsRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    grant_type: str = Field("client_credentials", pattern=r"^client_credentials$")
    client_id: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")
    client_secret: SecretStr = Field(min_length=1, max_length=200)


class VerifiedAccount(BaseModel):
    model_config = ConfigDict(extra="ignore")

    account_id: uuid.UUID
    name: str
    scope: str = Field(min_length=1, max_length=100)


class ServiceTokenRead(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    scope: str
    service_account_id: uuid.UUID


@router.post("/token")
async def service_token(body: ClientCredentialsRequest, response: Response, settings: SettingsDep,
                        client: ClientDep, codec: CodecDep, request_id: RequestIdDep) -> ServiceTokenRead:
    """Exchange a service account's client credentials for a short-lived intake token."""
    service = settings.service_accounts_service
    if service not in settings.services:
        raise UpstreamUnavailable(f"service accounts are kept by {service}, which this gateway does not know",
                                  service=service)
    system_token, _ = codec.issue(GATEWAY_PRINCIPAL, ttl_seconds=SYSTEM_TOKEN_TTL_SECONDS)
    try:
        answer = await client.post(
            f"{settings.services[service]}/internal/service-accounts/verify",
            json={"client_id": body.client_id, "client_secret": body.client_secret.get_secret_value()},
            headers={"Authorization": f"Bearer {system_token}", REQUEST_ID_HEADER: request_id})
    except httpx.TransportError as error:
        raise UpstreamUnavailable(f"no token right now: {service} cannot be reached", service=service) from error
    if answer.status_code == 401:
        raise Unauthorized(WRONG_CLIENT)
    if answer.status_code >= 300:
        log.warning("%s answered the service-account check with %s: %s", service, answer.status_code,
                    answer.text[:500])
        raise UpstreamUnavailable(f"no token right now: {service} could not check the credentials", service=service)
    try:
        account = VerifiedAccount.model_validate_json(answer.content)
    except ValidationError as error:
        raise BadGateway(f"{service} answered the credentials check with an unreadable body",
                         service=service) from error
    principal = Principal(employee_id=account.account_id, roles=frozenset({Role.SYSTEM}),
                          name=f"service account {account.name}")
    token, ttl = codec.issue(principal, ttl_seconds=settings.service_token_ttl_seconds, scope=account.scope)
    response.headers["Cache-Control"] = "no-store"
    return ServiceTokenRead(access_token=token, expires_in=ttl, scope=account.scope,
                            service_account_id=account.account_id)
