"""Response bodies of the telesales API, kept apart from tables and domain objects."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from shared.fields import IsoDate
from telesales.domain.figures import DailyFigures
from telesales.domain.targets import Progress
from telesales.service_layer.views import AgentLine, FiguresReport, ReadableCall, Subtotal


class CallRead(BaseModel):
    call_id: str
    agent_id: uuid.UUID
    group_id: uuid.UUID | None
    department_id: uuid.UUID | None
    lead_id: uuid.UUID | None
    number_dialled: str = Field(description="whole for the agent who dialled it, masked for everyone else")
    number_masked: bool
    started_at: datetime
    call_date: IsoDate = Field(description="the company's calendar day of the call")
    duration_seconds: int
    connected: bool
    disposition: str
    effective: bool = Field(description="the effective-conversation rule as configured when the call was stored")
    stage_reached: str | None
    notes: str | None
    next_step: str | None
    received_at: datetime | None
    violations: list[str] = Field(description="compliance rules the call broke when stored (T6)")
    version: int = Field(description="1 as submitted; each correction adds one")
    submitted_by: uuid.UUID | None = Field(description="the person or service account that sent the record")
    service_account_id: uuid.UUID | None = Field(description="the telephony system's account, if one sent it")

    @classmethod
    def from_view(cls, view: ReadableCall) -> CallRead:
        call = view.call
        return cls(
            call_id=call.call_id, agent_id=call.agent_id, group_id=call.placement.group_id,
            department_id=call.placement.department_id, lead_id=call.lead_id, number_dialled=view.number,
            number_masked=view.number_masked, started_at=call.started_at, call_date=call.call_date,
            duration_seconds=call.duration_seconds, connected=call.connected, disposition=call.disposition.value,
            effective=call.effective, stage_reached=call.stage_reached.value if call.stage_reached else None,
            notes=call.notes, next_step=call.next_step, received_at=call.received_at,
            violations=list(call.violations), version=call.version, submitted_by=call.submitted_by,
            service_account_id=call.service_account_id,
        )


class CallPageRead(BaseModel):
    items: list[CallRead]
    total: int
    limit: int
    offset: int


class FiguresRead(BaseModel):
    dials: int
    connected: int
    effective: int = Field(description="effective conversations (T3)")
    intents: int = Field(description="calls with the outcome intent (意向客户)")
    appointments: int
    orders: int
    talk_seconds: int = Field(description="seconds on connected calls")
    violations: int = Field(description="calls that broke a compliance rule (T6)")

    @classmethod
    def of(cls, figures: DailyFigures) -> FiguresRead:
        return cls(**figures.as_dict())


class ProgressRead(BaseModel):
    target: int = Field(description="dials expected today (T4), per role; a total sums its agents' targets")
    done: int
    remaining: int
    percent: int = Field(description="whole percent of the target reached, floored; may exceed 100")
    met: bool

    @classmethod
    def of(cls, progress: Progress) -> ProgressRead:
        return cls(target=progress.target, done=progress.done, remaining=progress.remaining,
                   percent=progress.percent, met=progress.met)


class AgentFiguresRead(BaseModel):
    agent_id: uuid.UUID
    name: str | None
    role: str | None
    group_id: uuid.UUID | None
    department_id: uuid.UUID | None
    figures: FiguresRead
    progress: ProgressRead

    @classmethod
    def of(cls, line: AgentLine) -> AgentFiguresRead:
        return cls(agent_id=line.agent_id, name=line.name, role=line.role, group_id=line.group_id,
                   department_id=line.department_id, figures=FiguresRead.of(line.figures),
                   progress=ProgressRead.of(line.progress))


class TotalRead(BaseModel):
    agents: int
    figures: FiguresRead
    progress: ProgressRead

    @classmethod
    def fields_of(cls, subtotal: Subtotal) -> dict:
        return {"agents": subtotal.agents, "figures": FiguresRead.of(subtotal.figures),
                "progress": ProgressRead.of(subtotal.progress)}


class GroupTotalRead(TotalRead):
    group_id: uuid.UUID


class DepartmentTotalRead(TotalRead):
    department_id: uuid.UUID


class DailyFiguresRead(BaseModel):
    date: IsoDate
    timezone: str
    agents: list[AgentFiguresRead]
    groups: list[GroupTotalRead]
    departments: list[DepartmentTotalRead]
    total: TotalRead

    @classmethod
    def of(cls, report: FiguresReport, timezone: str) -> DailyFiguresRead:
        return cls(
            date=report.day, timezone=timezone, agents=[AgentFiguresRead.of(line) for line in report.agents],
            groups=[GroupTotalRead(group_id=s.id, **TotalRead.fields_of(s)) for s in report.groups],
            departments=[DepartmentTotalRead(department_id=s.id, **TotalRead.fields_of(s)) for s in report.departments],
            total=TotalRead(**TotalRead.fields_of(report.total)),
        )
