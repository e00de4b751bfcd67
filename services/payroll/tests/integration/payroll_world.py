"""Test helpers: deliver events to the payroll consumers exactly as the runner does (one unit of
work with the inbox row), set plans, read back what payroll stored, and mint tokens."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import text

from payroll.config import PayrollSettings
from payroll.entrypoints.consumers import CONSUMERS
from payroll.service_layer import commands, handlers
from payroll.service_layer.unit_of_work import PayrollUnitOfWork
from shared.auth import Principal, TokenCodec
from shared.events import CloudEvent
from shared.events.appraisal import AppraisalResultFinalized, PeriodClosed
from shared.events.crm import PaymentReceived
from shared.events.envelope import Event
from shared.events.org import EmployeeHired
from shared.runtime import ServiceRuntime

PERIOD = "2026-10"
SALES = uuid.UUID("00000000-0000-0000-0000-00000000d001")
TELESALES = uuid.UUID("00000000-0000-0000-0000-00000000d002")


def closed(period: str = PERIOD, count: int = 2) -> PeriodClosed:
    return PeriodClosed(period=period, closed_at=datetime(2026, 11, 5, 9, tzinfo=UTC), closed_by=uuid.uuid4(),
                        employee_count=count)


def finalized(employee_id: uuid.UUID, *, period: str = PERIOD, score: str = "88", coefficient: str = "1.2",
              role: str | None = "sales_rep") -> AppraisalResultFinalized:
    return AppraisalResultFinalized(period=period, employee_id=employee_id, role=role, score=Decimal(score),
                                    coefficient=Decimal(coefficient))


def paid(rep_id: uuid.UUID, amount: str, received_on: date, payment_id: uuid.UUID | None = None) -> PaymentReceived:
    return PaymentReceived(payment_id=payment_id or uuid.uuid4(), deal_id=uuid.uuid4(), rep_id=rep_id,
                           amount=Decimal(amount), received_on=received_on)


def hired(employee_id: uuid.UUID, role: str = "sales_rep", department_id: uuid.UUID = SALES,
          name: str = "Li Na") -> EmployeeHired:
    return EmployeeHired(employee_id=employee_id, name=name, role=role, department_id=department_id,
                         hired_on=date(2025, 1, 6))


class PayrollWorld:
    def __init__(self, runtime: ServiceRuntime) -> None:
        self.runtime = runtime
        self.handled = 0
        self.duplicates = 0

    def uow(self) -> PayrollUnitOfWork:
        return cast(PayrollUnitOfWork, self.runtime.uow_factory())

    async def deliver(self, item: Event | CloudEvent) -> CloudEvent:
        """Hand one event to the consumer that handles its type, as ConsumerRunner does."""
        envelope = item if isinstance(item, CloudEvent) else CloudEvent.wrap(item, source="/test")
        (spec,) = [spec for spec in CONSUMERS if envelope.type in spec.handlers]
        async with self.uow() as uow:
            if not await uow.claim_inbox(spec.name, envelope):
                self.duplicates += 1
                return envelope
            await spec.handlers[envelope.type](envelope, uow)
            await uow.commit()
        self.handled += 1
        return envelope

    async def set_plan(self, role: str = "sales_rep", effective_from: str = "2026-01", *, monthly_base: str = "3000.00",
                       performance_standard: str = "2000.00", bonus_base: str = "1000.00",
                       commission_rate: str = "0.02") -> Any:
        return await handlers.handle(commands.SetPlan(
            role=role, effective_from=effective_from, monthly_base=Decimal(monthly_base),
            performance_standard=Decimal(performance_standard), bonus_base=Decimal(bonus_base),
            commission_rate=Decimal(commission_rate), set_by=uuid.uuid4()), self.uow())

    async def query(self, sql: str, **params: Any) -> list[Any]:
        async with self.runtime.sessions() as session:
            return list((await session.execute(text(sql), params)).all())

    async def runs(self) -> list[Any]:
        return await self.query("SELECT * FROM pay_runs ORDER BY period")

    async def payslips(self, period: str = PERIOD) -> dict[uuid.UUID, Any]:
        rows = await self.query("SELECT * FROM payslips WHERE period = :period", period=period)
        return {row.employee_id: row for row in rows}

    async def outbox(self, event_type: str) -> list[dict]:
        rows = await self.query("SELECT envelope FROM outbox WHERE event_type = :t ORDER BY seq", t=event_type)
        return [row.envelope for row in rows]


def amounts(payslip: Any) -> dict[str, Decimal]:
    return {line["rule"]: Decimal(line["amount"]) for line in payslip.lines}


class Tokens:
    """Bearer headers for any principal, signed with the service's secret as the gateway signs them."""

    def __init__(self, settings: PayrollSettings) -> None:
        self._codec = TokenCodec(settings.jwt_secret, settings.jwt_issuer)

    def headers(self, *roles: str, employee_id: uuid.UUID | None = None,
                department_id: uuid.UUID | None = None) -> dict[str, str]:
        principal = Principal(employee_id=employee_id or uuid.uuid4(), roles=frozenset(roles),
                              department_id=department_id)
        token, _ = self._codec.issue(principal)
        return {"Authorization": f"Bearer {token}"}
