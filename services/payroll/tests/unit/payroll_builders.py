"""Small builders for the payroll unit tests."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from payroll.domain.commission import Collection
from payroll.domain.payslip import FinalResult
from payroll.domain.plans import CompensationPlan


def plan(role: str = "sales_rep", *, version: int = 1, effective_from: str = "2026-01", monthly_base: str = "3000.00",
         performance_standard: str = "2000.00", bonus_base: str = "1000.00", commission_rate: str = "0.02"
         ) -> CompensationPlan:
    return CompensationPlan(role=role, version=version, effective_from=effective_from,
                            monthly_base=Decimal(monthly_base), performance_standard=Decimal(performance_standard),
                            bonus_base=Decimal(bonus_base), commission_rate=Decimal(commission_rate))


def result(employee_id: uuid.UUID | None = None, *, period: str = "2026-10", score: str = "88",
           coefficient: str = "1.2", role: str | None = "sales_rep") -> FinalResult:
    return FinalResult(period=period, employee_id=employee_id or uuid.uuid4(), score=Decimal(score),
                       coefficient=Decimal(coefficient), role=role)


def collection(amount: str, *, rep_id: uuid.UUID | None = None, period: str = "2026-10",
               received_on: date | None = None) -> Collection:
    return Collection(payment_id=uuid.uuid4(), deal_id=uuid.uuid4(), rep_id=rep_id or uuid.uuid4(),
                      amount=Decimal(amount), received_on=received_on or date(int(period[:4]), int(period[5:]), 15),
                      period=period)
