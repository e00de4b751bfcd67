"""Automatic distribution (C4): a group's pool to its reps, a department's new leads to its groups,
each by the strategy its leader or manager set, and those settings."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from crm.entrypoints.api.deps import BusDep, CurrentUser
from crm.entrypoints.api.distribution_schemas import (
    DepartmentDistributionRead,
    DepartmentDistributionSetting,
    DistributionSettingRead,
    GroupDistributionSetting,
)
from crm.entrypoints.api.schemas import DistributionRead, DistributionRequest
from crm.service_layer import commands
from crm.service_layer import distribution_commands as dcommands
from crm.service_layer.distribution import distribution_setting

router = APIRouter(tags=["distribution"])


@router.post("/groups/{group_id}/distribute")
async def distribute(group_id: uuid.UUID, bus: BusDep, user: CurrentUser,
                     body: DistributionRequest | None = None) -> DistributionRead:
    """Hand the group's unassigned leads to its reps by the group's strategy, within each rep's cap;
    each assignment says why."""
    report = await bus.handle(commands.DistributeGroupLeads(
        by=user, group_id=group_id, lead_ids=body.lead_ids if body else None,
        strategy=body.strategy if body else None))
    return DistributionRead.of(report)


@router.get("/groups/{group_id}/distribution")
async def group_distribution(group_id: uuid.UUID, bus: BusDep, user: CurrentUser) -> DistributionSettingRead:
    """The group's strategy and its reps' weights, caps and loads (its leader and managers)."""
    return DistributionSettingRead.of(await distribution_setting(bus, user, "group", group_id))


@router.put("/groups/{group_id}/distribution")
async def set_group_distribution(group_id: uuid.UUID, body: GroupDistributionSetting, bus: BusDep,
                                 user: CurrentUser) -> DistributionSettingRead:
    """Set the group's strategy and its reps' weights and own caps, as a whole."""
    view = await bus.handle(dcommands.ConfigureDistribution(
        by=user, level="group", unit_id=group_id, strategy=body.strategy,
        members=[dcommands.MemberWeight(r.rep_id, r.weight, r.cap) for r in body.reps]))
    return DistributionSettingRead.of(view)


@router.post("/departments/{department_id}/distribute")
async def distribute_department(department_id: uuid.UUID, bus: BusDep, user: CurrentUser,
                                body: DistributionRequest | None = None) -> DepartmentDistributionRead:
    """Hand the department's leads that are in no group yet to its groups by the department's strategy."""
    report = await bus.handle(dcommands.DistributeDepartmentLeads(
        by=user, department_id=department_id, lead_ids=body.lead_ids if body else None,
        strategy=body.strategy if body else None))
    return DepartmentDistributionRead.of(report)


@router.get("/departments/{department_id}/distribution")
async def department_distribution(department_id: uuid.UUID, bus: BusDep,
                                  user: CurrentUser) -> DistributionSettingRead:
    """The department's strategy over its groups and the groups' weights, caps and loads (its managers)."""
    return DistributionSettingRead.of(await distribution_setting(bus, user, "department", department_id))


@router.put("/departments/{department_id}/distribution")
async def set_department_distribution(department_id: uuid.UUID, body: DepartmentDistributionSetting, bus: BusDep,
                                      user: CurrentUser) -> DistributionSettingRead:
    """Set the department's strategy over its groups and the groups' weights and caps, as a whole."""
    view = await bus.handle(dcommands.ConfigureDistribution(
        by=user, level="department", unit_id=department_id, strategy=body.strategy,
        members=[dcommands.MemberWeight(g.group_id, g.weight, g.cap) for g in body.groups]))
    return DistributionSettingRead.of(view)
