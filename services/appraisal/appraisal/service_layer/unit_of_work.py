"""The appraisal unit of work: one transaction over every appraisal repository plus the outbox;
and the appraisal bus, which hands use cases and consumers fresh units of work, the company's
clock and its appraisal policy."""

from __future__ import annotations

from appraisal.adapters.calendars import CalendarRepository
from appraisal.adapters.consequences import ConsequenceRepository
from appraisal.adapters.input_batches import InputBatchRepository
from appraisal.adapters.report_repositories import ReportRepository
from appraisal.adapters.repositories import (
    AnnualResultRepository,
    AuditRepository,
    CallRepository,
    DirectoryRepository,
    FactRepository,
    FeedbackRepository,
    HonourRepository,
    PeriodRepository,
    ResultRepository,
    ReviewRepository,
    RoleHistoryRepository,
    ScoreRepository,
    TemplateRepository,
    WeeklyRepository,
)
from appraisal.adapters.score_batches import ScoreBatchRepository
from appraisal.adapters.sweeps import SweepRepository
from appraisal.domain.policy import AppraisalPolicy
from shared.bus import Bus
from shared.db import UnitOfWork


class AppraisalUnitOfWork(UnitOfWork):
    periods: PeriodRepository
    templates: TemplateRepository
    facts: FactRepository
    reviews: ReviewRepository
    scores: ScoreRepository
    results: ResultRepository
    directory: DirectoryRepository
    feedback: FeedbackRepository
    roles: RoleHistoryRepository
    audit: AuditRepository
    annual: AnnualResultRepository
    honours: HonourRepository
    weekly: WeeklyRepository
    calls: CallRepository
    consequences: ConsequenceRepository
    reports: ReportRepository
    calendars: CalendarRepository
    input_batches: InputBatchRepository
    score_batches: ScoreBatchRepository
    sweeps: SweepRepository

    def _open(self) -> None:
        self.periods = PeriodRepository(self.session)
        self.templates = TemplateRepository(self.session)
        self.facts = FactRepository(self.session)
        self.reviews = ReviewRepository(self.session)
        self.scores = ScoreRepository(self.session)
        self.results = ResultRepository(self.session)
        self.directory = DirectoryRepository(self.session)
        self.feedback = FeedbackRepository(self.session)
        self.roles = RoleHistoryRepository(self.session)
        self.audit = AuditRepository(self.session)
        self.annual = AnnualResultRepository(self.session)
        self.honours = HonourRepository(self.session)
        self.weekly = WeeklyRepository(self.session)
        self.calls = CallRepository(self.session)
        self.consequences = ConsequenceRepository(self.session)
        self.reports = ReportRepository(self.session)
        self.calendars = CalendarRepository(self.session)
        self.input_batches = InputBatchRepository(self.session)
        self.score_batches = ScoreBatchRepository(self.session)
        self.sweeps = SweepRepository(self.session)


AppraisalBus = Bus[AppraisalUnitOfWork, AppraisalPolicy]
