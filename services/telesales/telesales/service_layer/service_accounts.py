"""Service accounts of the telephony systems (T7): created, rotated and revoked by an administrator;
verified for the gateway, which exchanges them for a short-lived ``system`` token limited to intake."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from shared.auth import Principal, Role
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthorized
from telesales.domain.service_accounts import ServiceAccount, hash_secret, new_client_id, new_secret
from telesales.service_layer import commands, intake_checks
from telesales.service_layer.compliance import forget_account
from telesales.service_layer.unit_of_work import TelesalesBus

ADMINS = (Role.ADMIN,)
WRONG_CREDENTIALS = "the client id or secret is wrong, or the service account was revoked"


@dataclass(frozen=True)
class IssuedCredentials:
    """An account with its secret in clear: shown this once, kept only as a hash."""

    account: ServiceAccount
    client_secret: str


def _admin(actor: Principal) -> None:
    if not actor.has_any(*ADMINS):
        raise Forbidden("service accounts are managed by an administrator")


async def create(command: commands.CreateServiceAccount, bus: TelesalesBus) -> IssuedCredentials:
    _admin(command.actor)
    name = command.name.strip()
    if not name:
        raise InvalidInput("name", "name the system the account is for")
    if not command.department_ids and not command.group_ids:
        raise InvalidInput("department_ids", "a service account needs a scope: at least one department or group")
    secret = new_secret()
    account = ServiceAccount(
        id=uuid.uuid4(), name=name, client_id=new_client_id(), secret_hash=hash_secret(secret),
        department_ids=command.department_ids, group_ids=command.group_ids, created_by=command.actor.employee_id,
        created_at=bus.clock.now())
    async with bus.uow() as uow:
        await uow.service_accounts.add(account)
        await uow.commit()
    return IssuedCredentials(account, secret)


async def rotate(command: commands.RotateServiceAccountSecret, bus: TelesalesBus) -> IssuedCredentials:
    """A new secret in place of the old one, which stops working at once (tokens already issued
    run out within the gateway's service-token lifetime)."""
    _admin(command.actor)
    secret = new_secret()
    async with bus.uow() as uow:
        account = await uow.service_accounts.get(command.account_id, for_update=True)
        if account is None:
            raise NotFound("no such service account", account_id=str(command.account_id))
        if not account.active:
            raise Conflict("the service account is revoked; create a new one", account_id=str(account.id))
        now = bus.clock.now()
        await uow.service_accounts.rotate(account.id, hash_secret(secret), now)
        await uow.commit()
    return IssuedCredentials(ServiceAccount(**{**account.__dict__, "secret_hash": hash_secret(secret),
                                               "rotated_at": now}), secret)


async def revoke(command: commands.RevokeServiceAccount, bus: TelesalesBus) -> None:
    _admin(command.actor)
    reason = command.reason.strip()
    if not reason:
        raise InvalidInput("reason", "say why the account is revoked")
    async with bus.uow() as uow:
        account = await uow.service_accounts.get(command.account_id, for_update=True)
        if account is None:
            raise NotFound("no such service account", account_id=str(command.account_id))
        if not account.active:
            raise Conflict("the service account is already revoked", account_id=str(account.id))
        await uow.service_accounts.revoke(account.id, actor_id=command.actor.employee_id, reason=reason,
                                          at=bus.clock.now())
        await uow.commit()
    # A worker in this process hears of it at once; the others within their refresh interval.
    forget_account(bus, account.id)
    intake_checks.forget_account(bus, account.id)


async def verify(command: commands.VerifyServiceAccount, bus: TelesalesBus) -> ServiceAccount:
    async with bus.uow() as uow:
        account = await uow.service_accounts.by_client_id(command.client_id)
    if account is None or not account.accepts(command.client_secret):
        raise Unauthorized(WRONG_CREDENTIALS)
    return account


async def accounts(bus: TelesalesBus, reader: Principal) -> list[ServiceAccount]:
    _admin(reader)
    async with bus.uow() as uow:
        return await uow.service_accounts.all()
