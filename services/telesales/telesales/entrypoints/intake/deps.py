"""FastAPI dependencies of the intake API, as ``Annotated`` aliases."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Request

from shared.auth import CurrentUser
from telesales.adapters.intake import IntakePublisher
from telesales.config import TelesalesSettings


def _publisher(request: Request) -> IntakePublisher:
    return cast(IntakePublisher, request.app.state.publisher)


def _settings(request: Request) -> TelesalesSettings:
    return cast(TelesalesSettings, request.app.state.settings)


PublisherDep = Annotated[IntakePublisher, Depends(_publisher)]
SettingsDep = Annotated[TelesalesSettings, Depends(_settings)]

__all__ = ["CurrentUser", "PublisherDep", "SettingsDep"]
