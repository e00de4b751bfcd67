"""Payslips (工资条): an employee reads their own, a department manager their department's, once the
run is locked; HR and finance read all."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from payroll.entrypoints.api.deps import BusDep, CurrentUser, PayslipScopeDep
from payroll.entrypoints.api.schemas import PayslipRead, Period
from payroll.service_layer import views
from payroll.service_layer.access import payslip_scope

router = APIRouter(tags=["payslips"])


@router.get("/payslips")
async def list_payslips(bus: BusDep, scope: PayslipScopeDep, period: Period | None = None,
                        employee_id: uuid.UUID | None = None) -> list[PayslipRead]:
    """List the payslips the caller may read, optionally of one period or employee."""
    return [PayslipRead.from_record(slip)
            for slip in await views.payslips(bus, scope, period=period, employee_id=employee_id)]


# Declared before /payslips/{payslip_id} so that "me" is not read as an id.
@router.get("/payslips/me")
async def my_payslips(bus: BusDep, user: CurrentUser, period: Period | None = None) -> list[PayslipRead]:
    """The caller's own payslips (from locked runs), optionally of one period."""
    slips = await views.payslips(bus, payslip_scope(user), period=period, employee_id=user.employee_id)
    return [PayslipRead.from_record(slip) for slip in slips]


@router.get("/payslips/{payslip_id}")
async def get_payslip(payslip_id: uuid.UUID, bus: BusDep, scope: PayslipScopeDep) -> PayslipRead:
    """Read one payslip with every line's rule, formula and inputs; outside the caller's scope it is 404."""
    return PayslipRead.from_record(await views.payslip(bus, scope, payslip_id))
