"""FastAPI dependencies of the payroll API, as ``Annotated`` aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from payroll.adapters.repositories import PayslipScope
from payroll.service_layer.access import PAYROLL_OFFICERS, PLAN_EDITORS, PLAN_READERS, payslip_scope
from payroll.service_layer.unit_of_work import PayrollBus
from shared.auth import CurrentUser, Principal, require_roles
from shared.deps import current_bus

BusDep = Annotated[PayrollBus, Depends(current_bus)]


def _scope(user: CurrentUser) -> PayslipScope:
    return payslip_scope(user)


# The payslips the caller may read; depending on it also requires a valid token.
PayslipScopeDep = Annotated[PayslipScope, Depends(_scope)]

# Runs, every payslip, approval and locking: HR and finance.
PayrollOfficer = Annotated[Principal, require_roles(*PAYROLL_OFFICERS)]
PlanEditor = Annotated[Principal, require_roles(*PLAN_EDITORS)]
PlanReader = Annotated[Principal, require_roles(*PLAN_READERS)]

__all__ = ["BusDep", "CurrentUser", "PayrollOfficer", "PayslipScopeDep", "PlanEditor", "PlanReader"]
