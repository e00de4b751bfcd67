"""Use cases and reads of expense claims (P7) and payslip disputes (P8), and what a pay run takes
from them: approved claims and accepted disputes, each paid once, as its own line.

Access, narrower than the usual data scope on purpose (this is money): an employee their own
claims and disputes; a department manager the claims of their department, which they approve;
HR and finance everything. Finance alone answers and resolves disputes. Anything outside the
caller's reach answers 404, as if it did not exist.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection as Many
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from payroll.adapters.expenses import ClaimFilter
from payroll.domain.disputes import Dispute, DisputeStatus, Outcome, dispute_line
from payroll.domain.expenses import (
    ExpenseClaim,
    Receipt,
    assess,
    ensure_valid_claim,
    expense_line,
)
from payroll.domain.lines import PayslipLine
from payroll.service_layer.access import PAYROLL_OFFICERS, may_read, payslip_scope
from payroll.service_layer.unit_of_work import PayrollBus, PayrollUnitOfWork
from shared.auth import Principal, Role
from shared.bus import refuses_duplicates
from shared.db import new_id
from shared.errors import Conflict, NotFound
from shared.scope import DataScope

# --- commands ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubmitExpenseClaim:
    by: Principal
    category: str
    incurred_on: date
    amount: Decimal
    receipts: tuple[Receipt, ...]
    description: str = ""


@dataclass(frozen=True)
class ApproveExpenseClaim:
    claim_id: uuid.UUID
    by: Principal


@dataclass(frozen=True)
class RefuseExpenseClaim:
    claim_id: uuid.UUID
    by: Principal
    reason: str


@dataclass(frozen=True)
class OpenDispute:
    payslip_id: uuid.UUID
    line_index: int
    by: Principal
    comment: str


@dataclass(frozen=True)
class CommentOnDispute:
    dispute_id: uuid.UUID
    by: Principal
    comment: str


@dataclass(frozen=True)
class AnswerDispute:
    dispute_id: uuid.UUID
    by: Principal
    comment: str


@dataclass(frozen=True)
class ResolveDispute:
    dispute_id: uuid.UUID
    by: Principal
    outcome: Outcome
    comment: str
    amount: Decimal | None = None


# --- access -----------------------------------------------------------------------------------------


def claim_scope(principal: Principal) -> DataScope:
    if principal.has_any(*PAYROLL_OFFICERS):
        return DataScope(everything=True)
    departments = (frozenset({principal.department_id})
                   if principal.has_any(Role.DEPARTMENT_MANAGER) and principal.department_id else frozenset())
    return DataScope(employee_ids=frozenset({principal.employee_id}), department_ids=departments)


def may_see_claim(principal: Principal, claim: ExpenseClaim) -> bool:
    return claim_scope(principal).sees(employee_id=claim.employee_id, group_id=None,
                                       department_id=claim.department_id)


def may_decide_claim(principal: Principal, claim: ExpenseClaim) -> bool:
    """The branch (department) manager of the claimant, or HR/finance. The claimant sees their own
    claim but may not decide it: the domain refuses that with a 403."""
    if principal.has_any(*PAYROLL_OFFICERS) or principal.employee_id == claim.employee_id:
        return True
    return (principal.has_any(Role.DEPARTMENT_MANAGER) and principal.department_id is not None
            and principal.department_id == claim.department_id)


# --- expense claims ---------------------------------------------------------------------------------


async def submit_claim(command: SubmitExpenseClaim, bus: PayrollBus) -> ExpenseClaim:
    ensure_valid_claim(command.category, command.amount, command.receipts, command.incurred_on,
                       bus.clock.today(), bus.policy.expenses)
    async with bus.uow() as uow:
        # Whose manager approves: the department the directory replica holds, else the token's.
        employee = await uow.directory.employee(command.by.employee_id)
        claim = ExpenseClaim(
            id=new_id(), employee_id=command.by.employee_id,
            department_id=employee.department_id if employee else command.by.department_id,
            category=command.category, incurred_on=command.incurred_on, amount=command.amount,
            receipts=command.receipts, description=command.description.strip(), submitted_at=bus.clock.now())
        await uow.expenses.add(claim)
        await uow.commit()
    return claim


async def approve_claim(command: ApproveExpenseClaim, bus: PayrollBus) -> ExpenseClaim:
    async with bus.uow() as uow:
        claim = await _decidable_claim(uow, command.claim_id, command.by)
        standard = bus.policy.expenses.standard(claim.category)
        start, end = standard.span(claim.incurred_on)
        already = await uow.expenses.approved_total(claim.employee_id, claim.category, start, end, excluding=claim.id)
        claim.approve(command.by.employee_id, bus.clock.now(),
                      assess(claim.amount, standard, already, category=claim.category))
        await uow.expenses.save(claim)
        await uow.commit()
    return claim


async def refuse_claim(command: RefuseExpenseClaim, bus: PayrollBus) -> ExpenseClaim:
    async with bus.uow() as uow:
        claim = await _decidable_claim(uow, command.claim_id, command.by)
        claim.refuse(command.by.employee_id, bus.clock.now(), command.reason)
        await uow.expenses.save(claim)
        await uow.commit()
    return claim


async def _decidable_claim(uow: PayrollUnitOfWork, claim_id: uuid.UUID, by: Principal) -> ExpenseClaim:
    found = await uow.expenses.get(claim_id)
    if found is None or not may_see_claim(by, found) or not may_decide_claim(by, found):
        raise NotFound(f"expense claim {claim_id} does not exist")
    # Approvals of one employee's claims one at a time: each counts what the others approved.
    await uow.expenses.lock_employee(found.employee_id)
    claim = await uow.expenses.get(claim_id, for_update=True)
    assert claim is not None  # claims are never deleted
    return claim


async def claims(bus: PayrollBus, principal: Principal, where: ClaimFilter) -> list[ExpenseClaim]:
    async with bus.uow() as uow:
        return await uow.expenses.list(claim_scope(principal), where)


async def claim(bus: PayrollBus, principal: Principal, claim_id: uuid.UUID) -> ExpenseClaim:
    async with bus.uow() as uow:
        found = await uow.expenses.get(claim_id)
    if found is None or not may_see_claim(principal, found):
        raise NotFound(f"expense claim {claim_id} does not exist")
    return found


# --- disputes ---------------------------------------------------------------------------------------


@refuses_duplicates({"uq_payslip_disputes_open_line": ("line", "this line already has an open dispute")})
async def open_dispute(command: OpenDispute, bus: PayrollBus) -> Dispute:
    async with bus.uow() as uow:
        payslip = await uow.runs.payslip(command.payslip_id)
        # Only one's own payslip: anyone else's answers as if it did not exist.
        if payslip is None or payslip.employee_id != command.by.employee_id:
            raise NotFound(f"payslip {command.payslip_id} does not exist")
        existing = await uow.disputes.open_on_line(payslip.id, command.line_index)
        if existing is not None:
            raise Conflict("this line already has an open dispute", field="line", dispute_id=str(existing.id))
        dispute = Dispute.open(new_id(), payslip, command.line_index, command.by.employee_id, command.comment,
                               bus.clock.now())
        await uow.disputes.add(dispute)
        await uow.commit()
    return dispute


async def comment_on_dispute(command: CommentOnDispute, bus: PayrollBus) -> Dispute:
    async with bus.uow() as uow:
        dispute = await _dispute(uow, command.dispute_id, command.by, for_update=True)
        if dispute.employee_id != command.by.employee_id:
            raise NotFound(f"dispute {command.dispute_id} does not exist")
        dispute.comment(command.by.employee_id, command.comment, bus.clock.now())
        await uow.disputes.save(dispute)
        await uow.commit()
    return dispute


async def answer_dispute(command: AnswerDispute, bus: PayrollBus) -> Dispute:
    async with bus.uow() as uow:
        dispute = await _dispute(uow, command.dispute_id, command.by, for_update=True)
        dispute.answer(command.by.employee_id, command.comment, bus.clock.now())
        await uow.disputes.save(dispute)
        await uow.commit()
    return dispute


async def resolve_dispute(command: ResolveDispute, bus: PayrollBus) -> Dispute:
    async with bus.uow() as uow:
        dispute = await _dispute(uow, command.dispute_id, command.by, for_update=True)
        dispute.resolve(command.by.employee_id, command.outcome, command.comment, bus.clock.now(), command.amount)
        await uow.disputes.save(dispute)
        await uow.commit()
    return dispute


async def _dispute(uow: PayrollUnitOfWork, dispute_id: uuid.UUID, principal: Principal, *,
                   for_update: bool = False) -> Dispute:
    found = await uow.disputes.get(dispute_id, for_update=for_update)
    if found is None or not (principal.has_any(*PAYROLL_OFFICERS) or found.employee_id == principal.employee_id):
        raise NotFound(f"dispute {dispute_id} does not exist")
    return found


async def dispute(bus: PayrollBus, principal: Principal, dispute_id: uuid.UUID) -> Dispute:
    async with bus.uow() as uow:
        return await _dispute(uow, dispute_id, principal)


async def disputes(bus: PayrollBus, status: DisputeStatus | None = None) -> list[Dispute]:
    async with bus.uow() as uow:
        return await uow.disputes.list(status)


async def payslip_disputes(bus: PayrollBus, principal: Principal, payslip_id: uuid.UUID) -> list[Dispute]:
    """The disputes of a payslip, for whoever may read the payslip (its line's history)."""
    async with bus.uow() as uow:
        payslip = await uow.runs.payslip(payslip_id)
        if payslip is None or not may_read(payslip_scope(principal), payslip):
            raise NotFound(f"payslip {payslip_id} does not exist")
        return await uow.disputes.of_payslip(payslip_id)


# --- what a run pays --------------------------------------------------------------------------------


async def settle_claims_and_disputes(uow: PayrollUnitOfWork, run_id: uuid.UUID, period: str,
                                     employee_ids: Many[uuid.UUID]) -> dict[uuid.UUID, list[PayslipLine]]:
    """Take for the run every approved claim and accepted dispute not yet paid (or already this
    run's, when a draft is recomputed), as one line each. The caller holds the pay-run lock."""
    lines: dict[uuid.UUID, list[PayslipLine]] = defaultdict(list)
    for paid_claim in await uow.expenses.settle(run_id, period, employee_ids):
        lines[paid_claim.employee_id].append(expense_line(paid_claim))
    for accepted in await uow.disputes.settle(run_id, period, employee_ids):
        lines[accepted.employee_id].append(dispute_line(accepted))
    return lines
