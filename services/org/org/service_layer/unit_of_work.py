"""The org unit of work: one transaction over every org repository plus the outbox; and the org bus
(units of work, the company's clock, the org policy) every use case is given."""

from __future__ import annotations

from org.adapters.attendance import AttendanceRepository, LeaveRepository
from org.adapters.repositories import (
    AssignmentRepository,
    CredentialRepository,
    DepartmentRepository,
    EmployeeRepository,
    GroupRepository,
    HeadcountRepository,
    LeadershipRepository,
    RegionRepository,
)
from org.adapters.sessions import SessionRepository
from org.adapters.training_repository import RetrainingRepository, TrainingRepository
from org.domain.policy import OrgPolicy
from shared.bus import Bus
from shared.db import UnitOfWork


class OrgUnitOfWork(UnitOfWork):
    departments: DepartmentRepository
    regions: RegionRepository
    groups: GroupRepository
    leaderships: LeadershipRepository
    employees: EmployeeRepository
    assignments: AssignmentRepository
    headcount: HeadcountRepository
    credentials: CredentialRepository
    training: TrainingRepository
    retraining: RetrainingRepository
    attendance: AttendanceRepository
    leave: LeaveRepository
    login_sessions: SessionRepository

    def _open(self) -> None:
        self.departments = DepartmentRepository(self.session)
        self.regions = RegionRepository(self.session)
        self.groups = GroupRepository(self.session)
        self.leaderships = LeadershipRepository(self.session)
        self.employees = EmployeeRepository(self.session)
        self.assignments = AssignmentRepository(self.session)
        self.headcount = HeadcountRepository(self.session)
        self.credentials = CredentialRepository(self.session)
        self.training = TrainingRepository(self.session)
        self.retraining = RetrainingRepository(self.session)
        self.attendance = AttendanceRepository(self.session)
        self.leave = LeaveRepository(self.session)
        self.login_sessions = SessionRepository(self.session)


OrgBus = Bus[OrgUnitOfWork, OrgPolicy]
