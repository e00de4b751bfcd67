"""FastAPI dependencies of the payroll API, as ``Annotated`` aliases."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Request

from payroll.adapters.repositories import PayslipScope
from payroll.service_layer.access import PAYROLL_OFFICERS, PLAN_EDITORS, PLAN_READERS, payslip_scope
from payroll.service_layer.unit_of_work import PayrollUnitOfWork
from shared.auth import CurrentUser, Principal, require_roles
from shared.runtime import ServiceRuntime


def _runtime(request: Request) -> ServiceRuntime:
    return cast(ServiceRuntime, request.app.state.runtime)


RuntimeDep = Annotated[ServiceRuntime, Depends(_runtime)]


def _unit_of_work(runtime: RuntimeDep) -> PayrollUnitOfWork:
    return cast(PayrollUnitOfWork, runtime.uow_factory())


UowDep = Annotated[PayrollUnitOfWork, Depends(_unit_of_work)]


def _scope(user: CurrentUser) -> PayslipScope:
    return payslip_scope(user)


# The payslips the caller may read; depending on it also requires a valid token.
PayslipScopeDep = Annotated[PayslipScope, Depends(_scope)]

# Runs, every payslip, approval and locking: HR and finance.
PayrollOfficer = Annotated[Principal, require_roles(*PAYROLL_OFFICERS)]
PlanEditor = Annotated[Principal, require_roles(*PLAN_EDITORS)]
PlanReader = Annotated[Principal, require_roles(*PLAN_READERS)]

__all__ = ["CurrentUser", "PayrollOfficer", "PayslipScopeDep", "PlanEditor", "PlanReader", "RuntimeDep", "UowDep"]
