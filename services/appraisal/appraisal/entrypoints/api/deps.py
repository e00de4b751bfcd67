"""FastAPI dependencies of the appraisal API, as ``Annotated`` aliases."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Path, Request

from appraisal.domain.periods import PERIOD_PATTERN
from appraisal.service_layer.unit_of_work import AppraisalUnitOfWork
from shared.auth import CurrentUser, Principal, Role, require_roles
from shared.runtime import ServiceRuntime


def _runtime(request: Request) -> ServiceRuntime:
    return cast(ServiceRuntime, request.app.state.runtime)


RuntimeDep = Annotated[ServiceRuntime, Depends(_runtime)]


def _unit_of_work(runtime: RuntimeDep) -> AppraisalUnitOfWork:
    return cast(AppraisalUnitOfWork, runtime.uow_factory())


UowDep = Annotated[AppraisalUnitOfWork, Depends(_unit_of_work)]

# Templates, closing periods and the late-input report are HR's and the administrators' work.
AppraisalAdmin = Annotated[Principal, require_roles(Role.HR, Role.ADMIN)]

PeriodPath = Annotated[str, Path(pattern=PERIOD_PATTERN, description="The month, YYYY-MM", examples=["2026-10"])]

__all__ = ["AppraisalAdmin", "CurrentUser", "PeriodPath", "RuntimeDep", "UowDep"]
