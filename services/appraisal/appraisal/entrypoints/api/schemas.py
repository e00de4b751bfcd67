"""Request and response bodies of the appraisal API, kept apart from tables and domain objects.
Decimals travel as strings."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from appraisal.domain.consequences import DismissalCase
from appraisal.domain.facts import RecordedFact
from appraisal.domain.flow import MissingRule
from appraisal.domain.presets import Preset
from appraisal.domain.results import AppraisalResult
from appraisal.domain.reviews import Review, Stage
from appraisal.domain.templates import Indicator, Rule, Source, Template, decimal_params
from appraisal.service_layer import commands
from appraisal.service_layer.handlers import ClosedPeriod
from appraisal.service_layer.views import EmployeeScore, Leaderboard
from shared.auth import Principal, Role
from shared.fields import IsoDate

_NO_NUL = r"^[^\x00]*$"
Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,59}$")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=_NO_NUL)]
Label = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200, pattern=_NO_NUL)]
RoleName = Literal[Role.ALL]  # type: ignore[valid-type]
SourceName = Literal[Source.ALL]  # type: ignore[valid-type]
RuleName = Literal[Rule.ALL]  # type: ignore[valid-type]
StageName = Literal[Stage.ORDER]  # type: ignore[valid-type]
Weight = Annotated[Decimal, Field(gt=0, le=100, max_digits=5, decimal_places=2)]
Parameter = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=4)]
Rating = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class IndicatorWrite(_Request):
    key: Key
    label: Label = ""
    source: SourceName
    weight: Weight
    rule: RuleName
    params: dict[Key, Parameter] = Field(default_factory=dict, max_length=10)

    def to_domain(self) -> Indicator:
        return Indicator(key=self.key, label=self.label, source=self.source, weight=self.weight, rule=self.rule,
                         params=decimal_params(self.params))


class TemplateWrite(_Request):
    name: Name
    roles: list[RoleName] = Field(min_length=1, max_length=len(Role.ALL))
    indicators: list[IndicatorWrite] = Field(min_length=1, max_length=50)

    def to_command(self, key: str, by: Principal) -> commands.SaveTemplate:
        return commands.SaveTemplate(key=key, name=self.name, roles=tuple(self.roles),
                                     indicators=tuple(item.to_domain() for item in self.indicators), by=by)


class IndicatorRead(_Read):
    key: str
    label: str
    source: str
    weight: Decimal
    rule: str
    params: dict[str, Decimal]


class TemplateRead(_Read):
    key: str
    name: str
    roles: list[str]
    indicators: list[IndicatorRead]

    @classmethod
    def from_domain(cls, template: Template) -> TemplateRead:
        return cls(key=template.key, name=template.name, roles=list(template.roles),
                   indicators=[IndicatorRead(key=i.key, label=i.label, source=i.source, weight=i.weight, rule=i.rule,
                                             params=dict(i.params)) for i in template.indicators])


class TemplatePresetRead(BaseModel):
    key: str
    name: str
    description: str
    suggested_roles: list[str]
    indicators: list[IndicatorRead]

    @classmethod
    def from_domain(cls, preset: Preset) -> TemplatePresetRead:
        return cls(key=preset.key, name=preset.name, description=preset.description,
                   suggested_roles=list(preset.suggested_roles),
                   indicators=[IndicatorRead(key=i.key, label=i.label, source=i.source, weight=i.weight, rule=i.rule,
                                             params=dict(i.params)) for i in preset.indicators])


class TemplatePresetInstall(_Request):
    roles: list[RoleName] = Field(min_length=1, max_length=len(Role.ALL),
                                  description="The roles the new template scores; none may have a template yet")
    key: Key | None = Field(None, description="The new template's key; the preset's by default")
    name: Name | None = Field(None, description="The new template's name; the preset's by default")

    def to_command(self, preset: str, by: Principal) -> commands.InstallTemplatePreset:
        return commands.InstallTemplatePreset(preset=preset, roles=tuple(self.roles), by=by, key=self.key,
                                              name=self.name)


class ReviewCreate(_Request):
    stage: StageName
    ratings: dict[Key, Rating] = Field(min_length=1, max_length=50,
                                       description="Rated indicator key → rating 0–100")


class ReviewRead(_Read):
    id: uuid.UUID
    employee_id: uuid.UUID
    period: str
    stage: str
    reviewer_id: uuid.UUID
    ratings: dict[str, Decimal]
    total: Decimal
    submitted_at: datetime

    @classmethod
    def from_domain(cls, review: Review) -> ReviewRead:
        return cls(id=review.id, employee_id=review.employee_id, period=review.period, stage=review.stage,
                   reviewer_id=review.reviewer_id, ratings=dict(review.ratings), total=review.total,
                   submitted_at=review.submitted_at)


class IndicatorScoreRead(_Read):
    key: str
    label: str
    source: str
    rule: str
    raw_value: Decimal | None = Field(description="Sum of the facts, or the composite rating; null when pending "
                                                  "or (legacy) assumed")
    points: Decimal
    weight: Decimal
    contribution: Decimal = Field(description="points × weight ÷ 100")
    inputs: int = Field(description="How many events (or reviews) fed this indicator")
    # "assumed" is no longer produced: attendance is measured. It remains readable because
    # results frozen before attendance was measured keep it, and history is not rewritten.
    status: Literal["measured", "rated", "pending", "assumed"]


class ScoreRead(BaseModel):
    period: str
    employee_id: uuid.UUID
    role: str | None
    status: Literal["open", "closed"]
    template_key: str
    total: Decimal
    indicators: list[IndicatorScoreRead]
    computed_at: datetime | None
    coefficient: Decimal | None = None
    rank: int | None = None
    flags: list[str] = Field(default_factory=list)

    @classmethod
    def from_view(cls, view: EmployeeScore) -> ScoreRead:
        return cls(period=view.period, employee_id=view.employee_id, role=view.role, status=view.status,  # type: ignore[arg-type]
                   template_key=view.card.template_key, total=view.card.total,
                   indicators=[IndicatorScoreRead.model_validate(line) for line in view.card.indicators],
                   computed_at=view.computed_at, coefficient=view.coefficient, rank=view.rank,
                   flags=list(view.flags))


class PeriodRead(_Read):
    period: str
    status: Literal["open", "closed"]
    closed_at: datetime | None = None
    closed_by: uuid.UUID | None = None
    employee_count: int | None = None
    revision: int = Field(0, description="Closes so far; a close after a reopen freezes the next revision")
    reopened_at: datetime | None = None
    reopened_by: uuid.UUID | None = None
    reopen_reason: str | None = None


class ResultRead(BaseModel):
    employee_id: uuid.UUID
    role: str | None
    score: Decimal
    coefficient: Decimal
    rank: int
    flags: list[str]
    missing_stages: list[str] = Field(default_factory=list,
                                      description="Required review stages never submitted (A3)")
    missing_stages_rule: str | None = Field(None, description="HR's stated rule for them at the close")
    revision: int = Field(1, description="The period's close that froze it")
    department_id: uuid.UUID | None = None
    department_role_rank: int | None = Field(None, description="Rank by score within the department and role (A7)")

    @classmethod
    def from_domain(cls, result: AppraisalResult) -> ResultRead:
        return cls(employee_id=result.employee_id, role=result.role, score=result.score,
                   coefficient=result.coefficient, rank=result.rank, flags=list(result.flags),
                   missing_stages=list(result.missing_stages), missing_stages_rule=result.missing_stages_rule,
                   revision=result.revision, department_id=result.department_id,
                   department_role_rank=result.department_role_rank)


class UnappraisedRead(_Read):
    employee_id: uuid.UUID
    role: str | None
    reason: str


class PeriodClosedRead(BaseModel):
    period: PeriodRead
    results: list[ResultRead]
    unappraised: list[UnappraisedRead]

    @classmethod
    def from_domain(cls, closed: ClosedPeriod) -> PeriodClosedRead:
        return cls(
            period=PeriodRead.model_validate(closed.period),
            results=[ResultRead.from_domain(result) for result in closed.results],
            unappraised=[UnappraisedRead.model_validate(item) for item in closed.unappraised],
        )


class LateInputRead(BaseModel):
    employee_id: uuid.UUID
    period: str
    kind: str
    value: Decimal
    source_id: str
    event_id: uuid.UUID
    occurred_on: IsoDate
    recorded_at: datetime

    @classmethod
    def from_domain(cls, recorded: RecordedFact) -> LateInputRead:
        fact = recorded.fact
        return cls(employee_id=fact.employee_id, period=fact.period, kind=fact.kind, value=fact.value,
                   source_id=fact.source_id, event_id=fact.event_id, occurred_on=fact.occurred_on,
                   recorded_at=recorded.recorded_at)



Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000, pattern=_NO_NUL)]
Comment = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000, pattern=_NO_NUL)]


class ClosePeriodBody(_Request):
    missing_stages_rule: Literal[MissingRule.ALL] | None = Field(  # type: ignore[valid-type]
        None, description="Required only while reviews are missing: zero (a missing stage rates 0), leader "
                          "(it counts as the leader's ratings, 0 without them) or reweight (the submitted stages "
                          "share its weight). Recorded on every result it touched.")


class OverdueReviewRead(_Read):
    employee_id: uuid.UUID
    stage: str
    due_on: IsoDate
    reviewer_id: uuid.UUID | None


class InterviewCreate(_Request):
    held_on: IsoDate
    notes: Text
    improvement_plan: Text

    def to_command(self, period: str, employee_id: uuid.UUID, by: Principal) -> commands.RecordInterview:
        return commands.RecordInterview(period=period, employee_id=employee_id, held_on=self.held_on,
                                        notes=self.notes, improvement_plan=self.improvement_plan, by=by)


class AcknowledgementCreate(_Request):
    comment: Comment | None = None


class FeedbackRead(_Read):
    employee_id: uuid.UUID
    period: str
    interviewer_id: uuid.UUID
    held_on: IsoDate
    notes: str
    improvement_plan: str
    recorded_at: datetime
    acknowledged_at: datetime | None
    acknowledgement_comment: str | None


class ReopenBody(_Request):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=2000,
                                             pattern=_NO_NUL)]


class AuditEntryRead(_Read):
    period: str
    action: str
    at: datetime
    by: uuid.UUID | None
    employee_id: uuid.UUID | None
    details: dict


class AnnualResultRead(_Read):
    year: int
    employee_id: uuid.UUID
    score: Decimal = Field(description="Mean of the monthly scores, half-up to the cent (A1)")
    coefficient: Decimal
    months_scored: list[str]
    months_missing: list[str]
    missing_months_rule: str = Field(description="employed_months: left out; zero: counted as 0 (÷ 12)")
    revision: int
    computed_at: datetime


class RankingEntryRead(BaseModel):
    rank: int
    employee_id: uuid.UUID
    score: Decimal


class RankingRead(BaseModel):
    department_id: uuid.UUID | None
    role: str
    entries: list[RankingEntryRead]


class HonourRead(_Read):
    honour: str
    name: str
    employee_id: uuid.UUID
    group_id: uuid.UUID | None
    department_id: uuid.UUID | None
    measure: str
    value: Decimal


class LeaderboardRead(BaseModel):
    period: str
    rankings: list[RankingRead]
    honours: list[HonourRead]

    @classmethod
    def from_view(cls, board: Leaderboard) -> LeaderboardRead:
        return cls(period=board.period, honours=[HonourRead.model_validate(h) for h in board.honours], rankings=[
            RankingRead(department_id=r.department_id, role=r.role, entries=[
                RankingEntryRead(rank=e.department_role_rank or e.rank, employee_id=e.employee_id, score=e.score)
                for e in r.entries]) for r in board.rankings])


class InputRead(BaseModel):
    kind: str
    value: Decimal
    source_id: str = Field(description="The business id measured (deal:…, call:…, …; …@<id> when rolled up)")
    event_id: uuid.UUID = Field(description="The CloudEvent it came from")
    occurred_on: IsoDate
    late: bool = Field(description="Arrived after the period closed: kept, not scored")
    revision: int | None = None

    @classmethod
    def from_domain(cls, recorded: RecordedFact) -> InputRead:
        fact = recorded.fact
        return cls(kind=fact.kind, value=fact.value, source_id=fact.source_id, event_id=fact.event_id,
                   occurred_on=fact.occurred_on, late=recorded.late, revision=fact.revision)


Entry = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000, pattern=_NO_NUL)]


class WeeklyPlanWrite(_Request):
    content: dict[Key, Entry] = Field(min_length=1, max_length=30,
                                      description="The plan's items: goals, visits planned, customers, …")


class WeeklyPlanDecision(_Request):
    decision: Literal["approve", "return"]
    note: Comment | None = None


class WeeklyPlanRead(_Read):
    employee_id: uuid.UUID
    week: str
    content: dict[str, str]
    status: Literal["submitted", "approved", "returned"]
    submitted_at: datetime
    late: bool
    decided_by: uuid.UUID | None
    decided_at: datetime | None
    decision_note: str | None


class WeeklyReportWrite(_Request):
    fields: dict[Key, Entry] = Field(min_length=1, max_length=20, description=(
        "A8's fields: sales_volume, collections, customer_visits, expenses, promotion_results, key_customers, "
        "new_customers, bad_credit_customers, prospects, competitor_moves, local_policy_changes"))


class WeeklyReportRead(_Read):
    employee_id: uuid.UUID
    week: str
    fields: dict[str, str]
    prefilled: dict[str, Decimal] = Field(description="The system's own figures of the week (sales, collections)")
    submitted_at: datetime | None = Field(description="None: a draft, nothing submitted yet")
    late: bool


class WeeklySubmissionRead(_Read):
    employee_id: uuid.UUID
    plan_status: str | None = Field(description="None: no plan submitted")
    plan_late: bool = Field(description="Submitted after its day, or missing past it")
    report_submitted: bool
    report_late: bool


class MonthlyScoreRead(BaseModel):
    period: str
    score: Decimal


class DismissalCaseRead(BaseModel):
    id: uuid.UUID
    employee_id: uuid.UUID
    status: Literal["open", "decided"]
    retraining_period: str = Field(description="The month whose result flagged retraining (A6)")
    retraining_flags: list[str]
    failing: list[MonthlyScoreRead] = Field(description="The results after retraining that still failed")
    failing_below: Decimal
    opened_at: datetime
    decision: Literal["dismiss", "retain"] | None = None
    reason: str | None = None
    decided_by: uuid.UUID | None = None
    decided_at: datetime | None = None

    @classmethod
    def from_domain(cls, case: DismissalCase) -> DismissalCaseRead:
        return cls(id=case.id, employee_id=case.employee_id, status=case.status,
                   retraining_period=case.retraining_period, retraining_flags=list(case.retraining_flags),
                   failing=[MonthlyScoreRead(period=item.period, score=item.score) for item in case.failing],
                   failing_below=case.failing_below, opened_at=case.opened_at, decision=case.decision,
                   reason=case.reason, decided_by=case.decided_by, decided_at=case.decided_at)


class DismissalDecisionWrite(_Request):
    decision: Literal["dismiss", "retain"]
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000, pattern=_NO_NUL)]

    def to_command(self, case_id: uuid.UUID, by: Principal) -> commands.DecideDismissalCase:
        return commands.DecideDismissalCase(case_id=case_id, decision=self.decision, reason=self.reason, by=by)
