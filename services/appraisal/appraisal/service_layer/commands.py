"""What callers ask the appraisal service to do. Imperative names; the events they cause are past tense."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from appraisal.domain.templates import Indicator
from shared.auth import Principal


@dataclass(frozen=True)
class SubmitReview:
    period: str
    employee_id: uuid.UUID
    stage: str
    ratings: Mapping[str, Decimal]
    by: Principal


@dataclass(frozen=True)
class ClosePeriod:
    period: str
    by: Principal


@dataclass(frozen=True)
class SaveTemplate:
    key: str
    name: str
    roles: tuple[str, ...]
    indicators: tuple[Indicator, ...]
    by: Principal


@dataclass(frozen=True)
class InstallTemplatePreset:
    preset: str
    roles: tuple[str, ...]
    by: Principal
    # The new template's key and name; the preset's when not given.
    key: str | None = None
    name: str | None = None


Command = SubmitReview | ClosePeriod | SaveTemplate | InstallTemplatePreset
