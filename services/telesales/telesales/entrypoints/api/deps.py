"""FastAPI dependencies of the telesales API, as ``Annotated`` aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from shared.deps import CurrentUser, current_bus
from telesales.service_layer.unit_of_work import TelesalesBus

BusDep = Annotated[TelesalesBus, Depends(current_bus)]

__all__ = ["BusDep", "CurrentUser"]
