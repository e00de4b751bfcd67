"""FastAPI dependencies of the intake API, as ``Annotated`` aliases."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Request

from shared.deps import current_settings
from telesales.adapters.intake import IntakePublisher
from telesales.config import TelesalesSettings
from telesales.entrypoints.api.deps import BusDep, CurrentUser


def _publisher(request: Request) -> IntakePublisher:
    return cast(IntakePublisher, request.app.state.publisher)


PublisherDep = Annotated[IntakePublisher, Depends(_publisher)]
SettingsDep = Annotated[TelesalesSettings, Depends(current_settings)]

__all__ = ["BusDep", "CurrentUser", "PublisherDep", "SettingsDep"]
