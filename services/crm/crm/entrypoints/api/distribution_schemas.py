"""Bodies of the distribution settings and of the department level's distribution (C4)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from crm.service_layer.distribution import DistributionReport, DistributionSettingView

StrategyName = Literal["round_robin", "weighted", "least_loaded"]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RepWeight(_Request):
    rep_id: uuid.UUID
    weight: int = Field(1, description="capacity/ability: a rep of weight 2 is given twice the leads of weight 1")
    cap: int | None = Field(None, description="own cap on open leads; 0 takes no leads; none: the default cap")


class GroupWeight(_Request):
    group_id: uuid.UUID
    weight: int = 1
    cap: int | None = Field(None, description="cap on the group's open leads (pool and reps); none: no cap")


class GroupDistributionSetting(_Request):
    strategy: StrategyName
    reps: list[RepWeight] = Field(default_factory=list, max_length=500,
                                  description="reps not named: weight 1 and the default cap")


class DepartmentDistributionSetting(_Request):
    strategy: StrategyName
    groups: list[GroupWeight] = Field(default_factory=list, max_length=500,
                                      description="groups not named: weight 1, no cap")


class MemberRead(BaseModel):
    id: uuid.UUID
    name: str
    weight: int
    cap: int | None
    open_leads: int
    configured: bool = Field(description="false: the defaults apply")


class DistributionSettingRead(BaseModel):
    level: Literal["group", "department"]
    unit_id: uuid.UUID
    strategy: StrategyName
    is_default: bool = Field(description="true: never set, the service's default strategy applies")
    members: list[MemberRead] = Field(description="the reps who take leads (group) or the groups (department)")
    updated_by: uuid.UUID | None
    updated_at: datetime | None

    @classmethod
    def of(cls, view: DistributionSettingView) -> DistributionSettingRead:
        return cls(level=view.level, unit_id=view.unit_id, strategy=view.strategy.value, is_default=view.is_default,
                   members=[MemberRead(id=m.member_id, name=m.name, weight=m.weight, cap=m.cap,
                                       open_leads=m.open_leads, configured=m.configured) for m in view.members],
                   updated_by=view.updated_by, updated_at=view.updated_at)


class DepartmentAssignedRead(BaseModel):
    lead_id: uuid.UUID
    group_id: uuid.UUID
    reason: str = Field(description="why this group: strategy, load, weight, cap")


class DepartmentDistributionRead(BaseModel):
    department_id: uuid.UUID
    strategy: StrategyName
    assigned: list[DepartmentAssignedRead]
    left_over: list[uuid.UUID] = Field(description="stay with the department: no group could take more")
    left_over_reason: str | None
    skipped: list[uuid.UUID] = Field(description="asked for, but not a lead of the department in no group")

    @classmethod
    def of(cls, report: DistributionReport) -> DepartmentDistributionRead:
        return cls(department_id=report.unit_id, strategy=report.strategy.value,
                   assigned=[DepartmentAssignedRead(lead_id=a.lead_id, group_id=a.to_id, reason=a.reason)
                             for a in report.assigned],
                   left_over=report.left_over, left_over_reason=report.why_left_over, skipped=report.skipped)
