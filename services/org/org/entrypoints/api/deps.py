"""FastAPI dependencies of the org API, as ``Annotated`` aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from org.domain.visibility import Visibility
from org.service_layer.access import visibility_of
from org.service_layer.unit_of_work import OrgBus
from shared.auth import CurrentUser, Principal, Role, require_roles
from shared.deps import current_bus

BusDep = Annotated[OrgBus, Depends(current_bus)]


def _visibility(user: CurrentUser) -> Visibility:
    return visibility_of(user)


# The caller's data scope; depending on it also requires a valid token.
VisibilityDep = Annotated[Visibility, Depends(_visibility)]
# Changing the organisation is HR's and the administrators' work.
OrgEditor = Annotated[Principal, require_roles(Role.ADMIN, Role.HR)]
# Another service (the gateway) calling on behalf of nobody in particular.
SystemCaller = Annotated[Principal, require_roles(Role.SYSTEM)]

__all__ = ["BusDep", "CurrentUser", "OrgEditor", "SystemCaller", "VisibilityDep"]
