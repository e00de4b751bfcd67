"""The payroll unit of work: one transaction over every payroll repository plus the outbox."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from payroll.adapters.annual import AnnualBonusLedger, AnnualResultRepository
from payroll.adapters.attendance import AttendanceRepository
from payroll.adapters.commission import CommissionLedgerRepository, CommissionPlanRepository
from payroll.adapters.deals import DealRepository
from payroll.adapters.expenses import DisputeRepository, ExpenseRepository
from payroll.adapters.pay_plans import IncentiveRepository, OverrideRepository
from payroll.adapters.repositories import (
    AppraisalInputRepository,
    DirectoryRepository,
    PaymentRepository,
    PayRunRepository,
    PlanRepository,
    lock_pay_runs,
)
from payroll.adapters.revisions import RevisionRepository
from payroll.adapters.what_ifs import BankAccountRepository, WhatIfRepository
from payroll.domain.payslip import PayPolicy
from shared.bus import Bus
from shared.db import UnitOfWork


class PayrollUnitOfWork(UnitOfWork):
    plans: PlanRepository
    appraisal: AppraisalInputRepository
    payments: PaymentRepository
    runs: PayRunRepository
    directory: DirectoryRepository
    attendance: AttendanceRepository
    expenses: ExpenseRepository
    disputes: DisputeRepository
    overrides: OverrideRepository
    incentives: IncentiveRepository
    deals: DealRepository
    commission_plans: CommissionPlanRepository
    commission: CommissionLedgerRepository
    what_ifs: WhatIfRepository
    bank_accounts: BankAccountRepository
    revisions: RevisionRepository
    annual_results: AnnualResultRepository
    annual_bonus: AnnualBonusLedger

    def _open(self) -> None:
        self.plans = PlanRepository(self.session)
        self.appraisal = AppraisalInputRepository(self.session)
        self.payments = PaymentRepository(self.session)
        self.runs = PayRunRepository(self.session)
        self.directory = DirectoryRepository(self.session)
        self.attendance = AttendanceRepository(self.session)
        self.expenses = ExpenseRepository(self.session)
        self.disputes = DisputeRepository(self.session)
        self.overrides = OverrideRepository(self.session)
        self.incentives = IncentiveRepository(self.session)
        self.deals = DealRepository(self.session)
        self.commission_plans = CommissionPlanRepository(self.session)
        self.commission = CommissionLedgerRepository(self.session)
        self.what_ifs = WhatIfRepository(self.session)
        self.bank_accounts = BankAccountRepository(self.session)
        self.revisions = RevisionRepository(self.session)
        self.annual_results = AnnualResultRepository(self.session)
        self.annual_bonus = AnnualBonusLedger(self.session)

    async def lock_pay_runs(self) -> None:
        await lock_pay_runs(self.session)

    @asynccontextmanager
    async def rehearsal(self) -> AsyncIterator[None]:
        """Run the block in a SAVEPOINT that is always rolled back, with the events it recorded: the
        real computation can then be run for its figures alone (a what-if) and leave nothing behind."""
        pending = len(self._pending)
        savepoint = await self.session.begin_nested()
        try:
            yield
        finally:
            await savepoint.rollback()
            del self._pending[pending:], self._pending_topics[pending:]


# What every payroll use case, consumer handler and route is given: fresh units of work, the
# company's clock and its pay policy.
PayrollBus = Bus[PayrollUnitOfWork, PayPolicy]
