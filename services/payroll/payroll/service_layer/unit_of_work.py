"""The payroll unit of work: one transaction over every payroll repository plus the outbox."""

from __future__ import annotations

from payroll.adapters.attendance import AttendanceRepository
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

    async def lock_pay_runs(self) -> None:
        await lock_pay_runs(self.session)


# What every payroll use case, consumer handler and route is given: fresh units of work, the
# company's clock and its pay policy.
PayrollBus = Bus[PayrollUnitOfWork, PayPolicy]
