"""The telesales unit of work: one transaction over calls, daily figures, the directory replica and
the outbox; and the bus every use case, consumer and route of telesales is given."""

from __future__ import annotations

from shared.bus import Bus
from shared.db import UnitOfWork
from telesales.adapters.repositories import CallRepository, DirectoryRepository, FigureRepository
from telesales.domain.policy import TelesalesPolicy


class TelesalesUnitOfWork(UnitOfWork):
    calls: CallRepository
    figures: FigureRepository
    directory: DirectoryRepository

    def _open(self) -> None:
        self.calls = CallRepository(self.session)
        self.figures = FigureRepository(self.session)
        self.directory = DirectoryRepository(self.session)


TelesalesBus = Bus[TelesalesUnitOfWork, TelesalesPolicy]
