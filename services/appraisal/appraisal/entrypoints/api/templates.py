"""Appraisal templates per role (A2, A4): read by anyone, changed by HR and administrators."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from appraisal.entrypoints.api.deps import AppraisalAdmin, BusDep, CurrentUser
from appraisal.entrypoints.api.schemas import TemplatePresetInstall, TemplatePresetRead, TemplateRead, TemplateWrite
from appraisal.service_layer import views

router = APIRouter(tags=["templates"])

TemplateKey = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]{0,59}$")]


@router.get("/templates")
async def list_templates(bus: BusDep, user: CurrentUser) -> list[TemplateRead]:
    """Every appraisal template with its roles and weighted indicators."""
    return [TemplateRead.from_domain(item) for item in await views.templates(bus)]


# Declared before /templates/{key}, whose pattern "presets" would match too (the key is reserved).
@router.get("/templates/presets")
async def list_template_presets(bus: BusDep, user: CurrentUser) -> list[TemplatePresetRead]:
    """Ready-made templates (A4's regional-office 70/30 appraisals) HR can install."""
    return [TemplatePresetRead.from_domain(item) for item in await views.template_presets(bus)]


@router.post("/templates/presets/{preset}/install", status_code=201)
async def install_template_preset(preset: TemplateKey, body: TemplatePresetInstall, bus: BusDep,
                                  user: AppraisalAdmin) -> TemplateRead:
    """Create a normal, editable template from a preset for the given roles; open periods of
    those roles are rescored under it at once. 409 if the key exists or a role has a template."""
    return TemplateRead.from_domain(await bus.handle(body.to_command(preset, user)))


@router.get("/templates/{key}")
async def get_template(key: TemplateKey, bus: BusDep, user: CurrentUser) -> TemplateRead:
    """One appraisal template."""
    return TemplateRead.from_domain(await views.template(bus, key))


@router.put("/templates/{key}")
async def put_template(key: TemplateKey, body: TemplateWrite, bus: BusDep, user: AppraisalAdmin) -> TemplateRead:
    """Create or replace a template; open periods are rescored under it at once, closed ones stay frozen."""
    return TemplateRead.from_domain(await bus.handle(body.to_command(key, user)))
