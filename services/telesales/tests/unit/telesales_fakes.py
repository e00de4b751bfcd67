"""Fakes for the intake tests: a publisher that keeps what it was given, or fails like a broker; and
the database intake reads, in memory."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from shared.directory import DirectoryEmployee
from shared.errors import UpstreamUnavailable
from shared.testing import FakeUnitOfWork
from telesales.adapters.intake import CallSubmitted
from telesales.adapters.intake_reads import StoredCall
from telesales.domain.service_accounts import ServiceAccount


class FakePublisher:
    def __init__(self, *, fail: bool = False) -> None:
        self.published: list[CallSubmitted] = []
        self.calls = 0
        self._fail = fail

    async def publish(self, records: Sequence[CallSubmitted]) -> None:
        self.calls += 1
        if self._fail:
            raise UpstreamUnavailable("broker down")
        self.published.extend(records)


# -- what intake reads of the telesales database, in memory, counting the queries ---------------------

@dataclass
class IntakeStore:
    people: dict[uuid.UUID, DirectoryEmployee] = field(default_factory=dict)
    accounts: dict[uuid.UUID, ServiceAccount] = field(default_factory=dict)
    calls: dict[str, StoredCall] = field(default_factory=dict)
    queries: list[str] = field(default_factory=list)


class _FakeDirectory:
    def __init__(self, uow: FakeIntakeUnitOfWork) -> None:
        self._uow = uow

    async def employees(self, employee_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, DirectoryEmployee]:
        self._uow.store.queries.append("directory")
        return {i: self._uow.store.people[i] for i in employee_ids if i in self._uow.store.people}


class _FakeAccounts:
    def __init__(self, uow: FakeIntakeUnitOfWork) -> None:
        self._uow = uow

    async def get(self, account_id: uuid.UUID, *, for_update: bool = False) -> ServiceAccount | None:
        self._uow.store.queries.append("account")
        return self._uow.store.accounts.get(account_id)


class _FakeIntakeReads:
    def __init__(self, uow: FakeIntakeUnitOfWork) -> None:
        self._uow = uow

    async def stored(self, call_ids: Collection[str]) -> dict[str, StoredCall]:
        self._uow.store.queries.append("calls")
        return {i: self._uow.store.calls[i] for i in call_ids if i in self._uow.store.calls}


class FakeIntakeUnitOfWork(FakeUnitOfWork[IntakeStore]):
    """Intake only reads: the store stays the test's own object (no snapshot to roll back to),
    so a test sees the queries and may change what the next batch reads."""

    async def __aenter__(self) -> FakeIntakeUnitOfWork:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        return None

    def _open(self) -> None:
        self.directory = _FakeDirectory(self)
        self.service_accounts = _FakeAccounts(self)
        self.intake = _FakeIntakeReads(self)
