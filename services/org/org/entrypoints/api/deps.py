"""FastAPI dependencies of the org API, as ``Annotated`` aliases."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Request

from org.domain.visibility import Visibility
from org.service_layer.access import visibility_of
from org.service_layer.unit_of_work import OrgUnitOfWork
from shared.auth import CurrentUser, Principal, Role, require_roles
from shared.runtime import ServiceRuntime


def _runtime(request: Request) -> ServiceRuntime:
    return cast(ServiceRuntime, request.app.state.runtime)


RuntimeDep = Annotated[ServiceRuntime, Depends(_runtime)]


def _unit_of_work(runtime: RuntimeDep) -> OrgUnitOfWork:
    return cast(OrgUnitOfWork, runtime.uow_factory())


UowDep = Annotated[OrgUnitOfWork, Depends(_unit_of_work)]


def _visibility(user: CurrentUser) -> Visibility:
    return visibility_of(user)


# The caller's data scope; depending on it also requires a valid token.
VisibilityDep = Annotated[Visibility, Depends(_visibility)]

# Changing the organisation is HR's and the administrators' work.
OrgEditor = Annotated[Principal, require_roles(Role.ADMIN, Role.HR)]

# Another service (the gateway) calling on behalf of nobody in particular.
SystemCaller = Annotated[Principal, require_roles(Role.SYSTEM)]

__all__ = ["CurrentUser", "OrgEditor", "RuntimeDep", "SystemCaller", "UowDep", "VisibilityDep"]
