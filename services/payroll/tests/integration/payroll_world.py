"""Test helpers: deliver events to the payroll consumers exactly as the runner does (one unit of
work with the inbox row), set plans, read back what payroll stored, and mint tokens."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import text

from payroll.config import PayrollSettings
from payroll.entrypoints.consumers import CONSUMERS
from payroll.service_layer import commands
from payroll.service_layer.unit_of_work import PayrollUnitOfWork
from shared.clock import first_day, last_day, shift_month
from shared.events import CloudEvent
from shared.events.appraisal import AppraisalResultFinalized, PeriodClosed
from shared.events.crm import PaymentReceived
from shared.events.envelope import Event
from shared.events.org import EmployeeHired
from shared.runtime import ServiceRuntime
from shared.testing import auth_headers, principal

SALES = uuid.UUID("00000000-0000-0000-0000-00000000d001")
TELESALES = uuid.UUID("00000000-0000-0000-0000-00000000d002")


def day(period: str, n: int) -> date:
    """The ``n``-th day of the period's month; a negative ``n`` counts from its end (-1 is the last day)."""
    return first_day(period) + timedelta(days=n - 1) if n > 0 else last_day(period) + timedelta(days=n + 1)


def closed(period: str, count: int = 2) -> PeriodClosed:
    """appraisal closes the period on the 5th of the month after it."""
    closed_at = datetime.combine(day(shift_month(period, 1), 5), time(9), tzinfo=UTC)
    return PeriodClosed(period=period, closed_at=closed_at, closed_by=uuid.uuid4(), employee_count=count)


def finalized(employee_id: uuid.UUID, period: str, *, score: str = "88", coefficient: str = "1.2",
              role: str | None = "sales_rep") -> AppraisalResultFinalized:
    return AppraisalResultFinalized(period=period, employee_id=employee_id, role=role, score=Decimal(score),
                                    coefficient=Decimal(coefficient))


def paid(rep_id: uuid.UUID, amount: str, received_on: date, payment_id: uuid.UUID | None = None) -> PaymentReceived:
    return PaymentReceived(payment_id=payment_id or uuid.uuid4(), deal_id=uuid.uuid4(), rep_id=rep_id,
                           amount=Decimal(amount), received_on=received_on)


def hired(employee_id: uuid.UUID, period: str, role: str = "sales_rep", department_id: uuid.UUID = SALES,
          name: str = "Li Na") -> EmployeeHired:
    """Hired well before the period."""
    return EmployeeHired(employee_id=employee_id, name=name, role=role, department_id=department_id,
                         hired_on=day(shift_month(period, -21), 6))


class PayrollWorld:
    def __init__(self, runtime: ServiceRuntime, period: str) -> None:
        self.runtime = runtime
        # The period the tests pay; plans start well before it unless a test says otherwise.
        self.period = period
        self.handled = 0
        self.duplicates = 0

    def uow(self) -> PayrollUnitOfWork:
        return cast(PayrollUnitOfWork, self.runtime.uow_factory())

    async def deliver(self, item: Event | CloudEvent) -> CloudEvent:
        """Hand one event to the consumer that handles its type, as ConsumerRunner does."""
        envelope = (item if isinstance(item, CloudEvent)
                    else CloudEvent.wrap(item, source="/test", time=self.runtime.clock.now()))
        (spec,) = [spec for spec in CONSUMERS if envelope.type in spec.handlers]
        async with self.uow() as uow:
            if not await uow.claim_inbox(spec.name, envelope):
                self.duplicates += 1
                return envelope
            await spec.handlers[envelope.type](envelope, uow, self.runtime.bus)
            await uow.commit()
        self.handled += 1
        return envelope

    async def set_plan(self, role: str = "sales_rep", effective_from: str | None = None, *,
                       monthly_base: str = "3000.00", performance_standard: str = "2000.00",
                       bonus_base: str = "1000.00", commission_rate: str = "0.02") -> Any:
        return await self.runtime.bus.handle(commands.SetPlan(
            role=role, effective_from=effective_from or shift_month(self.period, -9),
            monthly_base=Decimal(monthly_base), performance_standard=Decimal(performance_standard),
            bonus_base=Decimal(bonus_base), commission_rate=Decimal(commission_rate), set_by=uuid.uuid4()))

    async def query(self, sql: str, **params: Any) -> list[Any]:
        async with self.runtime.sessions() as session:
            return list((await session.execute(text(sql), params)).all())

    async def runs(self) -> list[Any]:
        return await self.query("SELECT * FROM pay_runs ORDER BY period")

    async def payslips(self, period: str | None = None) -> dict[uuid.UUID, Any]:
        period = period or self.period
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
        self._settings = settings

    def headers(self, *roles: str, employee_id: uuid.UUID | None = None,
                department_id: uuid.UUID | None = None) -> dict[str, str]:
        who = principal(*roles, employee_id=employee_id, department_id=department_id)
        return auth_headers(who, secret=self._settings.jwt_secret, issuer=self._settings.jwt_issuer)
