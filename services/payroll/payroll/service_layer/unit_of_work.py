"""The payroll unit of work: one transaction over every payroll repository plus the outbox."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from payroll.adapters.repositories import (
    AppraisalInputRepository,
    DirectoryReader,
    PaymentRepository,
    PayRunRepository,
    PlanRepository,
    lock_pay_runs,
)
from payroll.domain.payslip import PayPolicy
from shared.db import UnitOfWork


class PayrollUnitOfWork(UnitOfWork):
    plans: PlanRepository
    appraisal: AppraisalInputRepository
    payments: PaymentRepository
    runs: PayRunRepository
    directory: DirectoryReader

    def __init__(self, sessions: async_sessionmaker[AsyncSession], *, source: str, topic_prefix: str = "",
                 policy: PayPolicy, company_timezone: ZoneInfo) -> None:
        super().__init__(sessions, source=source, topic_prefix=topic_prefix)
        # Consumer handlers receive only the envelope and the unit of work: the company's pay
        # settings travel with the unit of work (bootstrap binds them from PayrollSettings).
        self.policy = policy
        self.company_timezone = company_timezone

    def _open(self) -> None:
        self.plans = PlanRepository(self.session)
        self.appraisal = AppraisalInputRepository(self.session)
        self.payments = PaymentRepository(self.session)
        self.runs = PayRunRepository(self.session)
        self.directory = DirectoryReader(self.session)

    async def lock_pay_runs(self) -> None:
        await lock_pay_runs(self.session)
