"""FastAPI dependencies of the telesales API, as ``Annotated`` aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from shared.auth import Principal, Role, principal_accepting, require_roles
from shared.deps import CurrentUser, current_bus
from telesales.domain.service_accounts import INTAKE_SCOPE
from telesales.service_layer.unit_of_work import TelesalesBus

BusDep = Annotated[TelesalesBus, Depends(current_bus)]
# Routes a telephony system calls with its intake-scoped token, besides people.
IntakeCaller = Annotated[Principal, Depends(principal_accepting(INTAKE_SCOPE))]
# Another service (the gateway) calling on behalf of nobody in particular; never a scoped token.
SystemCaller = Annotated[Principal, require_roles(Role.SYSTEM)]

__all__ = ["BusDep", "CurrentUser", "IntakeCaller", "SystemCaller"]
