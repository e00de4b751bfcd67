"""Exports of a run (issue 9 item 11) and the bank accounts its transfer summary needs.

Who reads what, as for payslips (access.py) with the account number on top: finance every run and
full account numbers; HR every run, account numbers masked; a department manager the locked runs'
payslips of their department (and their own), masked. Anyone else may not export (403 at the
route). A run the caller may not read yet (a draft, for a manager) answers 404 like a missing one.
Finance alone keeps bank accounts; HR reads them masked.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from payroll.domain.exports import AccountView, BankAccount, Transfer, normalise_account_number, transfers
from payroll.domain.runs import PayRun, PayslipRecord, RunStatus
from payroll.service_layer.access import payslip_scope
from payroll.service_layer.unit_of_work import PayrollBus
from shared.auth import Principal, Role
from shared.errors import NotFound

EXPORT_READERS = (Role.HR, Role.FINANCE, Role.DEPARTMENT_MANAGER)
ACCOUNT_KEEPERS = (Role.FINANCE,)
ACCOUNT_READERS = (Role.HR, Role.FINANCE)


def sees_full_accounts(principal: Principal) -> bool:
    return principal.has_any(*ACCOUNT_KEEPERS)


@dataclass(frozen=True)
class SetBankAccount:
    employee_id: uuid.UUID
    account_holder: str
    bank_name: str
    account_number: str
    by: uuid.UUID


async def set_bank_account(command: SetBankAccount, bus: PayrollBus) -> AccountView:
    account = BankAccount(employee_id=command.employee_id, account_holder=command.account_holder,
                          bank_name=command.bank_name, account_number=normalise_account_number(command.account_number),
                          updated_by=command.by, updated_at=bus.clock.now())
    async with bus.uow() as uow:
        if not await uow.directory.known(command.employee_id):
            raise NotFound(f"employee {command.employee_id} is not in the directory", field="employee_id")
        await uow.bank_accounts.put(account)
        await uow.commit()
    return account.seen_by(full=True)


async def bank_account(bus: PayrollBus, principal: Principal, employee_id: uuid.UUID) -> AccountView:
    async with bus.uow() as uow:
        found = (await uow.bank_accounts.of([employee_id])).get(employee_id)
    if found is None:
        raise NotFound(f"no bank account is on file for employee {employee_id}")
    return found.seen_by(full=sees_full_accounts(principal))


async def run_payslips(bus: PayrollBus, principal: Principal, run_id: uuid.UUID) -> tuple[PayRun, list[PayslipRecord]]:
    """The run and the payslips of it the caller may read, in the run's order (name, then id)."""
    scope = payslip_scope(principal)
    async with bus.uow() as uow:
        run = await uow.runs.get(run_id)
        if run is None or (scope.locked_only and run.status != RunStatus.LOCKED):
            raise NotFound(f"pay run {run_id} does not exist")
        slips = await uow.runs.payslips(scope, run_id=run_id)
    return run, sorted(slips, key=lambda slip: (slip.employee_name or "", str(slip.employee_id)))


async def run_transfers(bus: PayrollBus, principal: Principal, run_id: uuid.UUID) -> tuple[PayRun, list[Transfer]]:
    run, slips = await run_payslips(bus, principal, run_id)
    async with bus.uow() as uow:
        accounts = await uow.bank_accounts.of([slip.employee_id for slip in slips])
    return run, transfers(slips, accounts, full_account=sees_full_accounts(principal))
