"""Events published by the payroll service (topic ``payroll.run``)."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from shared.events.envelope import Event, register


@register
class PayRunComputed(Event):
    event_type = "payroll.run.computed.v1"
    topic = "payroll.run"
    key_field = "pay_run_id"
    summary = "A pay run was computed for a closed period and awaits review (P8)."

    pay_run_id: uuid.UUID
    period: str
    payslip_count: int
    total_gross: Decimal
    computed_at: datetime


@register
class PayRunLocked(Event):
    event_type = "payroll.run.locked.v1"
    topic = "payroll.run"
    key_field = "pay_run_id"
    summary = "A pay run was approved and locked; it never changes again (P8)."

    pay_run_id: uuid.UUID
    period: str
    payslip_count: int
    total_gross: Decimal
    locked_by: uuid.UUID
    locked_at: datetime
