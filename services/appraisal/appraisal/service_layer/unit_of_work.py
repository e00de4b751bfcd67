"""The appraisal unit of work: one transaction over every appraisal repository plus the outbox.

It also carries the company's appraisal policy, so that event handlers, which receive only the
envelope and the unit of work, score by the configured rules.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from appraisal.adapters.repositories import (
    DirectoryRepository,
    FactRepository,
    PeriodRepository,
    ResultRepository,
    ReviewRepository,
    ScoreRepository,
    TemplateRepository,
)
from appraisal.domain.policy import AppraisalPolicy
from shared.db import UnitOfWork


class AppraisalUnitOfWork(UnitOfWork):
    periods: PeriodRepository
    templates: TemplateRepository
    facts: FactRepository
    reviews: ReviewRepository
    scores: ScoreRepository
    results: ResultRepository
    directory: DirectoryRepository

    def __init__(self, sessions: async_sessionmaker[AsyncSession], *, source: str, topic_prefix: str = "",
                 policy: AppraisalPolicy) -> None:
        super().__init__(sessions, source=source, topic_prefix=topic_prefix)
        self.policy = policy

    def _open(self) -> None:
        self.periods = PeriodRepository(self.session)
        self.templates = TemplateRepository(self.session)
        self.facts = FactRepository(self.session)
        self.reviews = ReviewRepository(self.session)
        self.scores = ScoreRepository(self.session)
        self.results = ResultRepository(self.session)
        self.directory = DirectoryRepository(self.session)
