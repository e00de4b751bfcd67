"""Service accounts of the telephony systems: managed by an administrator, verified for the gateway."""

from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from telesales.domain.service_accounts import INTAKE_SCOPE, ServiceAccount
from telesales.entrypoints.api.deps import BusDep, CurrentUser, SystemCaller
from telesales.service_layer import commands, service_accounts
from telesales.service_layer.service_accounts import IssuedCredentials

router = APIRouter(tags=["service accounts"])


class ServiceAccountCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, description="the system, e.g. 'dialler, Shanghai floor'")
    department_ids: list[uuid.UUID] = Field(default_factory=list, max_length=100)
    group_ids: list[uuid.UUID] = Field(default_factory=list, max_length=500)


class Revocation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=1000)


class ServiceAccountRead(BaseModel):
    id: uuid.UUID
    name: str
    client_id: str
    department_ids: list[uuid.UUID]
    group_ids: list[uuid.UUID]
    created_by: uuid.UUID
    created_at: datetime
    rotated_at: datetime | None
    revoked_at: datetime | None
    revoke_reason: str | None
    active: bool

    @classmethod
    def of(cls, account: ServiceAccount) -> ServiceAccountRead:
        return cls(id=account.id, name=account.name, client_id=account.client_id,
                   department_ids=sorted(account.department_ids), group_ids=sorted(account.group_ids),
                   created_by=account.created_by, created_at=account.created_at, rotated_at=account.rotated_at,
                   revoked_at=account.revoked_at, revoke_reason=account.revoke_reason, active=account.active)


class CredentialsRead(ServiceAccountRead):
    client_secret: str = Field(description="shown this once; only its hash is kept")

    @classmethod
    def issued(cls, issued: IssuedCredentials) -> CredentialsRead:
        return cls(**ServiceAccountRead.of(issued.account).model_dump(), client_secret=issued.client_secret)


class ClientCredentials(BaseModel):
    model_config = ConfigDict(extra="forbid")

    client_id: str = Field(min_length=1, max_length=40)
    client_secret: str = Field(min_length=1, max_length=200)


class VerifiedAccount(BaseModel):
    account_id: uuid.UUID
    name: str
    scope: str


@router.post("/service-accounts", status_code=201)
async def create_service_account(body: ServiceAccountCreate, bus: BusDep, user: CurrentUser) -> CredentialsRead:
    """Create a telephony system's account (admin), scoped to departments and/or groups."""
    issued = await bus.handle(commands.CreateServiceAccount(
        name=body.name, department_ids=frozenset(body.department_ids), group_ids=frozenset(body.group_ids),
        actor=user))
    return CredentialsRead.issued(issued)


@router.get("/service-accounts")
async def list_service_accounts(bus: BusDep, user: CurrentUser) -> list[ServiceAccountRead]:
    """Every service account, revoked ones included (admin)."""
    return [ServiceAccountRead.of(account) for account in await service_accounts.accounts(bus, user)]


@router.post("/service-accounts/{account_id}/rotation")
async def rotate_secret(account_id: uuid.UUID, bus: BusDep, user: CurrentUser) -> CredentialsRead:
    """A new secret; the old one stops working at once (admin)."""
    return CredentialsRead.issued(await bus.handle(commands.RotateServiceAccountSecret(account_id=account_id,
                                                                                       actor=user)))


@router.post("/service-accounts/{account_id}/revocation", status_code=204)
async def revoke_service_account(account_id: uuid.UUID, body: Revocation, bus: BusDep, user: CurrentUser) -> None:
    """Revoke the account (admin): no new token, and the workers store nothing it sends from now on."""
    await bus.handle(commands.RevokeServiceAccount(account_id=account_id, reason=body.reason, actor=user))


@router.post("/internal/service-accounts/verify", tags=["internal"])
async def verify_service_account(body: ClientCredentials, bus: BusDep, caller: SystemCaller) -> VerifiedAccount:
    """The gateway's check of client credentials; 401 when wrong or revoked."""
    account = await bus.handle(commands.VerifyServiceAccount(client_id=body.client_id,
                                                             client_secret=body.client_secret))
    return VerifiedAccount(account_id=account.id, name=account.name, scope=INTAKE_SCOPE)
