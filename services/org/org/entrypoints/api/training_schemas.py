"""Request and response bodies of the training API (O7, A6). Requests are read field by field into
commands; responses are built from the views, never from tables."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from org.domain.training import (
    Assessment,
    AssignmentStatus,
    Attendance,
    AttendeeRecord,
    OnboardingStatus,
    SessionKind,
    SessionStatus,
)
from org.entrypoints.api.schemas import Name
from org.service_layer import training_commands as commands
from org.service_layer.training_views import (
    AssignmentView,
    HistoryItem,
    ManagerTraining,
    NewHire,
    RegionalManagersMonth,
    SessionView,
)
from shared.auth import Principal
from shared.fields import IsoDate

# PostgreSQL text cannot hold NUL; refusing it here keeps it a 422 instead of a database error.
Note = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000, pattern=r"^[^\x00]*$")]
# Scores are out of 100 with at most two decimals; they travel as strings, like every Decimal here.
Score = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)]
# A day at most: a longer "session" is a course, recorded as one session per day.
Minutes = Annotated[int, Field(le=24 * 60, description="More than 0, at most 1440")]
# A sheet bigger than this is a typo or an abuse, not a class.
MAX_ATTENDEES = 500


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AttendeeLine(_Request):
    employee_id: uuid.UUID
    attendance: Attendance | None = Field(None, description="Only once the session's date has come")
    result: Assessment | None = Field(None, description="Only for an attendee marked present")
    score: Score | None = Field(None, description="0–100; only with a result")

    def to_record(self) -> AttendeeRecord:
        return AttendeeRecord(employee_id=self.employee_id, attendance=self.attendance, result=self.result,
                              score=self.score)


class SessionCreate(_Request):
    topic: Name
    kind: SessionKind = SessionKind.REGULAR
    trainer_id: uuid.UUID
    department_id: uuid.UUID | None = None
    held_on: IsoDate
    duration_minutes: Minutes
    attendees: list[AttendeeLine] = Field(min_length=1, max_length=MAX_ATTENDEES)

    def to_command(self, by: Principal) -> commands.RecordTrainingSession:
        return commands.RecordTrainingSession(
            topic=self.topic, kind=self.kind, trainer_id=self.trainer_id, department_id=self.department_id,
            held_on=self.held_on, duration_minutes=self.duration_minutes,
            attendees=tuple(line.to_record() for line in self.attendees), by=by,
        )


class SheetUpdate(_Request):
    attendees: list[AttendeeLine] = Field(min_length=1, max_length=MAX_ATTENDEES)

    def to_command(self, session_id: uuid.UUID, by: Principal) -> commands.RecordTrainingSheet:
        return commands.RecordTrainingSheet(session_id=session_id, by=by,
                                            attendees=tuple(line.to_record() for line in self.attendees))


class AssignmentClose(_Request):
    note: Note
    session_id: uuid.UUID | None = Field(None, description="The held session the employee attended that served")

    def to_command(self, assignment_id: uuid.UUID, by: Principal) -> commands.CloseRetrainingAssignment:
        return commands.CloseRetrainingAssignment(assignment_id=assignment_id, note=self.note, by=by,
                                                  session_id=self.session_id)


class AttendeeRead(BaseModel):
    employee_id: uuid.UUID
    attendance: Attendance | None
    result: Assessment | None
    score: Decimal | None

    @classmethod
    def from_domain(cls, line: AttendeeRecord) -> AttendeeRead:
        return cls(employee_id=line.employee_id, attendance=line.attendance, result=line.result, score=line.score)


class SessionRead(BaseModel):
    id: uuid.UUID
    topic: str
    kind: SessionKind
    status: SessionStatus = Field(description="held once its date has come and every attendee is marked")
    trainer_id: uuid.UUID
    department_id: uuid.UUID | None
    held_on: IsoDate
    duration_minutes: int
    recorded_by: uuid.UUID
    attendees: list[AttendeeRead]

    @classmethod
    def from_view(cls, view: SessionView) -> SessionRead:
        item = view.session
        return cls(id=item.id, topic=item.topic, kind=item.kind, status=item.status, trainer_id=item.trainer_id,
                   department_id=item.department_id, held_on=item.held_on, duration_minutes=item.duration_minutes,
                   recorded_by=item.recorded_by, attendees=[AttendeeRead.from_domain(line) for line in view.attendees])


class HistoryItemRead(BaseModel):
    session_id: uuid.UUID
    topic: str
    kind: SessionKind
    status: SessionStatus
    held_on: IsoDate
    duration_minutes: int
    trainer_id: uuid.UUID
    as_trainer: bool
    attendance: Attendance | None
    result: Assessment | None
    score: Decimal | None

    @classmethod
    def from_view(cls, item: HistoryItem) -> HistoryItemRead:
        line = item.line
        return cls(session_id=item.session.id, topic=item.session.topic, kind=item.session.kind,
                   status=item.session.status, held_on=item.session.held_on,
                   duration_minutes=item.session.duration_minutes, trainer_id=item.session.trainer_id,
                   as_trainer=item.as_trainer, attendance=line.attendance if line else None,
                   result=line.result if line else None, score=line.score if line else None)


class NewHireRead(BaseModel):
    employee_id: uuid.UUID
    name: str
    department_id: uuid.UUID
    group_id: uuid.UUID | None
    hired_on: IsoDate
    window_ends_on: IsoDate
    onboarding: OnboardingStatus = Field(description="attended; pending while the first week runs; missing after")
    session_id: uuid.UUID | None

    @classmethod
    def from_view(cls, hire: NewHire) -> NewHireRead:
        person = hire.employee
        return cls(employee_id=person.id, name=person.name, department_id=person.department_id,
                   group_id=person.group_id, hired_on=person.hired_on, window_ends_on=hire.window_ends_on,
                   onboarding=hire.status, session_id=hire.session_id)


class ManagerTrainingRead(BaseModel):
    employee_id: uuid.UUID
    name: str
    department_id: uuid.UUID
    sessions_held: int
    below_minimum: bool

    @classmethod
    def from_view(cls, line: ManagerTraining) -> ManagerTrainingRead:
        return cls(employee_id=line.employee.id, name=line.employee.name, department_id=line.employee.department_id,
                   sessions_held=line.sessions_held, below_minimum=line.below_minimum)


class RegionalManagersRead(BaseModel):
    month: str
    minimum_sessions: int
    managers: list[ManagerTrainingRead]
    below_minimum: list[ManagerTrainingRead]

    @classmethod
    def from_view(cls, report: RegionalManagersMonth) -> RegionalManagersRead:
        return cls(month=report.month, minimum_sessions=report.minimum,
                   managers=[ManagerTrainingRead.from_view(line) for line in report.managers],
                   below_minimum=[ManagerTrainingRead.from_view(line) for line in report.below])


class AssignmentRead(BaseModel):
    id: uuid.UUID
    employee_id: uuid.UUID
    employee_name: str | None
    department_id: uuid.UUID | None
    period: str
    flags: list[str]
    status: AssignmentStatus
    opened_at: datetime
    closed_at: datetime | None
    closed_by: uuid.UUID | None
    note: str | None
    session_id: uuid.UUID | None

    @classmethod
    def from_view(cls, view: AssignmentView) -> AssignmentRead:
        item, person = view.assignment, view.employee
        return cls(id=item.id, employee_id=item.employee_id, employee_name=person.name if person else None,
                   department_id=person.department_id if person else None, period=item.period, flags=item.flags,
                   status=item.status, opened_at=item.opened_at, closed_at=item.closed_at, closed_by=item.closed_by,
                   note=item.note, session_id=item.session_id)
