"""FastAPI dependencies of the intake API, as ``Annotated`` aliases."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Request

from shared.auth import Principal, principal_accepting
from shared.deps import current_settings
from telesales.adapters.intake import IntakePublisher
from telesales.config import TelesalesSettings
from telesales.domain.service_accounts import INTAKE_SCOPE
from telesales.entrypoints.api.deps import BusDep

# People, unlimited system tokens, and the telephony systems' intake-scoped tokens.
CurrentUser = Annotated[Principal, Depends(principal_accepting(INTAKE_SCOPE))]


def _publisher(request: Request) -> IntakePublisher:
    return cast(IntakePublisher, request.app.state.publisher)


PublisherDep = Annotated[IntakePublisher, Depends(_publisher)]
SettingsDep = Annotated[TelesalesSettings, Depends(current_settings)]

__all__ = ["BusDep", "CurrentUser", "PublisherDep", "SettingsDep"]
