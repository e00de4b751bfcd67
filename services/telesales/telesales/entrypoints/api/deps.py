"""FastAPI dependencies of the telesales API, as ``Annotated`` aliases."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Request

from shared.auth import CurrentUser
from shared.runtime import ServiceRuntime
from telesales.config import TelesalesSettings
from telesales.service_layer.unit_of_work import TelesalesUnitOfWork


def _runtime(request: Request) -> ServiceRuntime:
    return cast(ServiceRuntime, request.app.state.runtime)


RuntimeDep = Annotated[ServiceRuntime, Depends(_runtime)]


def _unit_of_work(runtime: RuntimeDep) -> TelesalesUnitOfWork:
    return cast(TelesalesUnitOfWork, runtime.uow_factory())


def _settings(runtime: RuntimeDep) -> TelesalesSettings:
    return cast(TelesalesSettings, runtime.settings)


UowDep = Annotated[TelesalesUnitOfWork, Depends(_unit_of_work)]
SettingsDep = Annotated[TelesalesSettings, Depends(_settings)]

__all__ = ["CurrentUser", "RuntimeDep", "SettingsDep", "UowDep"]
