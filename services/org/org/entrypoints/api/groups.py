"""Sales groups (小组): each with exactly one leader (组长)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from org.entrypoints.api.deps import BusDep, OrgEditor, VisibilityDep
from org.entrypoints.api.schemas import GroupCreate, GroupDetailRead, GroupLoadRead, GroupRead, LeaderChange
from org.service_layer import commands, views

router = APIRouter(tags=["groups"])


@router.post("/groups", status_code=201)
async def create_group(body: GroupCreate, bus: BusDep, user: OrgEditor) -> GroupRead:
    """Create a group led by an active employee of its department, who becomes a member of it."""
    command = commands.CreateGroup(name=body.name, department_id=body.department_id, region_id=body.region_id,
                                   leader_id=body.leader_id)
    return GroupRead.model_validate(await bus.handle(command))


@router.get("/groups")
async def list_groups(bus: BusDep, visibility: VisibilityDep, department_id: uuid.UUID | None = None
                      ) -> list[GroupRead]:
    """List the groups the caller may see, optionally of one department."""
    return [GroupRead.model_validate(group) for group in await views.groups(bus, visibility, department_id)]


# Declared before /groups/{group_id} so that "report" is not read as a group id.
@router.get("/groups/report")
async def group_report(bus: BusDep, visibility: VisibilityDep, department_id: uuid.UUID | None = None
                       ) -> list[GroupLoadRead]:
    """Group size and load side by side, so that groups are compared fairly (O4)."""
    return [GroupLoadRead.from_view(row) for row in await views.group_report(bus, visibility, department_id)]


@router.get("/groups/{group_id}")
async def get_group(group_id: uuid.UUID, bus: BusDep, visibility: VisibilityDep) -> GroupDetailRead:
    """Read a group with the members the caller may see and its history of leaders."""
    return GroupDetailRead.from_view(await views.group_detail(bus, visibility, group_id))


@router.put("/groups/{group_id}/leader")
async def change_group_leader(group_id: uuid.UUID, body: LeaderChange, bus: BusDep, user: OrgEditor) -> GroupRead:
    """Replace the group's leader from an effective date; the previous leader stays a member."""
    command = commands.ChangeGroupLeader(group_id=group_id, leader_id=body.leader_id,
                                         effective_date=body.effective_date)
    return GroupRead.model_validate(await bus.handle(command))
