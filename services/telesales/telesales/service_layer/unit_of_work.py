"""The telesales unit of work: one transaction over calls, daily figures, the directory replica and
the outbox; and the bus every use case, consumer and route of telesales is given."""

from __future__ import annotations

from shared.bus import Bus
from shared.db import UnitOfWork
from telesales.adapters.call_batches import CallBatchRepository
from telesales.adapters.compliance import DncRepository, RefusalRepository, RulesRepository, ServiceAccountRepository
from telesales.adapters.intake_reads import IntakeReads
from telesales.adapters.reports import ReportRepository
from telesales.adapters.repositories import CallRepository, DirectoryRepository, FigureRepository
from telesales.domain.policy import TelesalesPolicy


class TelesalesUnitOfWork(UnitOfWork):
    calls: CallRepository
    call_batches: CallBatchRepository
    figures: FigureRepository
    directory: DirectoryRepository
    dnc: DncRepository
    rules: RulesRepository
    refusals: RefusalRepository
    service_accounts: ServiceAccountRepository
    reports: ReportRepository
    intake: IntakeReads

    def _open(self) -> None:
        self.calls = CallRepository(self.session)
        self.call_batches = CallBatchRepository(self.session)
        self.figures = FigureRepository(self.session)
        self.directory = DirectoryRepository(self.session)
        self.dnc = DncRepository(self.session)
        self.rules = RulesRepository(self.session)
        self.refusals = RefusalRepository(self.session)
        self.service_accounts = ServiceAccountRepository(self.session)
        self.reports = ReportRepository(self.session)
        self.intake = IntakeReads(self.session)


TelesalesBus = Bus[TelesalesUnitOfWork, TelesalesPolicy]
