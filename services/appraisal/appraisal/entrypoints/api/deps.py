"""FastAPI dependencies of the appraisal API, as ``Annotated`` aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path

from appraisal.domain.periods import PERIOD_PATTERN
from appraisal.service_layer.unit_of_work import AppraisalBus
from shared.auth import CurrentUser, Principal, Role, require_roles
from shared.deps import current_bus

BusDep = Annotated[AppraisalBus, Depends(current_bus)]

# Templates, closing periods and the late-input report are HR's and the administrators' work.
AppraisalAdmin = Annotated[Principal, require_roles(Role.HR, Role.ADMIN)]

# Reopening a closed period is HR's alone (issue 10 item 4).
HROnly = Annotated[Principal, require_roles(Role.HR)]

PeriodPath = Annotated[str, Path(pattern=PERIOD_PATTERN, description="The month, YYYY-MM", examples=["2026-10"])]

__all__ = ["AppraisalAdmin", "BusDep", "CurrentUser", "HROnly", "PeriodPath"]
