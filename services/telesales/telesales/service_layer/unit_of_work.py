"""The telesales unit of work: one transaction over calls, daily figures, the directory replica and the outbox."""

from __future__ import annotations

from shared.db import UnitOfWork
from telesales.adapters.repositories import CallRepository, DirectoryRepository, FigureRepository


class TelesalesUnitOfWork(UnitOfWork):
    calls: CallRepository
    figures: FigureRepository
    directory: DirectoryRepository

    def _open(self) -> None:
        self.calls = CallRepository(self.session)
        self.figures = FigureRepository(self.session)
        self.directory = DirectoryRepository(self.session)
