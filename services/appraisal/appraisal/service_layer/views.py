"""Reads, each limited to the caller's data scope. An employee outside it answers exactly as if
they did not exist, so that ids cannot be probed. Each opens its own unit of work from the bus."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from appraisal.domain.annual import AnnualResult, parse_year
from appraisal.domain.facts import RecordedFact
from appraisal.domain.flow import Feedback, OverdueReview, due_on, missing_stages
from appraisal.domain.honours import Honour
from appraisal.domain.periods import AuditEntry, Period, PeriodRecord, PeriodStatus
from appraisal.domain.plans import WeeklyPlan, WeeklyReport, parse_week
from appraisal.domain.plans import due_on as plan_due_on
from appraisal.domain.presets import PRESETS, Preset
from appraisal.domain.results import AppraisalResult
from appraisal.domain.reviews import Review, Stage
from appraisal.domain.scoring import ScoreCard, SubmittedReview, score
from appraisal.domain.templates import Source, Template
from appraisal.service_layer import handlers
from appraisal.service_layer.access import may_see
from appraisal.service_layer.plan_execution import with_plan_execution
from appraisal.service_layer.unit_of_work import AppraisalBus, AppraisalUnitOfWork
from shared.auth import Principal
from shared.directory import DirectoryEmployee
from shared.errors import Conflict, NotFound


@dataclass(frozen=True)
class EmployeeScore:
    period: str
    employee_id: uuid.UUID
    role: str | None
    status: str  # open: live; closed: frozen
    card: ScoreCard
    computed_at: datetime | None
    coefficient: Decimal | None = None
    rank: int | None = None
    flags: tuple[str, ...] = ()


async def templates(bus: AppraisalBus) -> list[Template]:
    async with bus.uow() as uow:
        return await uow.templates.all()


async def template(bus: AppraisalBus, key: str) -> Template:
    async with bus.uow() as uow:
        found = await uow.templates.get(key)
    if found is None:
        raise NotFound(f"template {key} does not exist")
    return found


async def template_presets(bus: AppraisalBus) -> list[Preset]:
    """The ready-made templates HR may install (A4); data shipped with the service, not stored."""
    return sorted(PRESETS.values(), key=lambda preset: preset.key)


async def period(bus: AppraisalBus, name: str) -> PeriodRecord:
    Period.parse(name)
    async with bus.uow() as uow:
        found = await uow.periods.get(name)
    # A month nothing has happened in yet is open all the same.
    return found or PeriodRecord(period=name, status=PeriodStatus.OPEN)


async def employee_score(bus: AppraisalBus, principal: Principal, name: str, employee_id: uuid.UUID
                         ) -> EmployeeScore:
    Period.parse(name)
    async with bus.uow() as uow:
        employee = await _visible_employee(uow, principal, employee_id)
        record = await uow.periods.get(name)
        if record is not None and record.is_closed:
            result = await uow.results.get(name, employee_id)
            if result is None:
                raise NotFound(f"employee {employee_id} was not appraised in {name}")
            return _frozen(result)
        stored = await uow.scores.get(employee_id, name)
        # A plan-execution line moves with the calendar (a log turns missing at its cut-off), not
        # only when an input lands: such a card is computed afresh below.
        if stored is not None and stored.card is not None and not any(
                line.source == Source.PLAN_EXECUTION for line in stored.card.indicators):
            return EmployeeScore(period=name, employee_id=employee_id, role=stored.role, status=PeriodStatus.OPEN,
                                 card=stored.card, computed_at=stored.computed_at)
        # No input has landed yet: the score every indicator gives to nothing, computed, not stored
        # (or the card has a plan-execution line).
        role = await handlers.role_in(uow, employee_id, Period.parse(name), employee)
        found = await uow.templates.for_role(role) if role is not None else None
        if found is None:
            raise NotFound(f"employee {employee_id} has no appraisal: no template applies to the role {role}")
        tallies = await with_plan_execution(uow, bus, found, employee_id, name, role,
                                            await uow.facts.tallies(employee_id, name))
        reviews = [SubmittedReview(r.stage, r.ratings) for r in await uow.reviews.of(employee_id, name)]
        card = score(found, tallies, reviews, bus.policy)
    return EmployeeScore(period=name, employee_id=employee_id, role=role, status=PeriodStatus.OPEN, card=card,
                         computed_at=None)


async def reviews(bus: AppraisalBus, principal: Principal, name: str, employee_id: uuid.UUID
                  ) -> list[Review]:
    Period.parse(name)
    async with bus.uow() as uow:
        await _visible_employee(uow, principal, employee_id)
        return await uow.reviews.of(employee_id, name)


async def results(bus: AppraisalBus, principal: Principal, name: str) -> list[AppraisalResult]:
    Period.parse(name)
    async with bus.uow() as uow:
        record = await uow.periods.get(name)
        if record is None or not record.is_closed:
            raise Conflict(f"period {name} is open: results exist once it is closed", period=name)
        found = await uow.results.for_period(name)
        people = await uow.directory.employees([result.employee_id for result in found])
    return [result for result in found if may_see(principal, people.get(result.employee_id), result.employee_id)]


async def late_inputs(bus: AppraisalBus, name: str) -> list[RecordedFact]:
    Period.parse(name)
    async with bus.uow() as uow:
        return await uow.facts.late(name)


async def _visible_employee(uow: AppraisalUnitOfWork, principal: Principal, employee_id: uuid.UUID
                            ) -> DirectoryEmployee | None:
    employee = await uow.directory.employee(employee_id)
    if not may_see(principal, employee, employee_id):
        raise NotFound(f"employee {employee_id} does not exist")
    return employee


def _frozen(result: AppraisalResult) -> EmployeeScore:
    return EmployeeScore(period=result.period, employee_id=result.employee_id, role=result.role,
                         status=PeriodStatus.CLOSED, card=result.card, computed_at=result.finalized_at,
                         coefficient=result.coefficient, rank=result.rank, flags=result.flags)


async def overdue_reviews(bus: AppraisalBus, name: str) -> list[OverdueReview]:
    """Required stages past their due day (A1) and still not submitted, for HR to chase. Only
    employees whose template has rated indicators are reviewed at all."""
    period = Period.parse(name)
    today = bus.clock.today()
    policy = bus.policy
    due = {stage: due_on(period, stage, policy.stage_due_days) for stage in policy.required_stages}
    if not any(day < today for day in due.values()):
        return []
    async with bus.uow() as uow:
        record = await uow.periods.get(name)
        if record is not None and record.is_closed:
            return []  # the close settled every missing stage by HR's stated rule
        templates = {template.key: template for template in await uow.templates.all()}
        owners = {role: key for role, key in (await uow.templates.role_owners()).items() if templates[key].rated}
        employed = await uow.directory.employed_during(period.first_day, period.last_day, owners.keys())
        reviews = await uow.reviews.for_period(name)
        overdue = []
        for employee in employed:
            submitted = {review.stage for review in reviews.get(employee.employee_id, [])}
            lacking = [stage for stage in missing_stages(submitted, policy.required_stages) if due[stage] < today]
            if not lacking:
                continue
            reviewee = await handlers.reviewee_of(uow, employee)
            named = {Stage.SELF: employee.employee_id, Stage.LEADER: reviewee.leader_id,
                     Stage.SUPERIOR: reviewee.superior_id}
            overdue.extend(OverdueReview(employee_id=employee.employee_id, stage=stage, due_on=due[stage],
                                         reviewer_id=named.get(stage)) for stage in lacking)
    return overdue


async def feedback(bus: AppraisalBus, principal: Principal, name: str, employee_id: uuid.UUID) -> Feedback:
    Period.parse(name)
    async with bus.uow() as uow:
        await _visible_employee(uow, principal, employee_id)
        found = await uow.feedback.get(employee_id, name)
    if found is None:
        raise NotFound(f"no feedback interview is recorded for {employee_id} in {name}")
    return found


async def audit(bus: AppraisalBus, name: str) -> list[AuditEntry]:
    Period.parse(name)
    async with bus.uow() as uow:
        return await uow.audit.for_period(name)


async def annual_results(bus: AppraisalBus, principal: Principal, year: int) -> list[AnnualResult]:
    parse_year(year)
    async with bus.uow() as uow:
        found = await uow.annual.for_year(year)
        people = await uow.directory.employees(list(found))
    return sorted((item for item in found.values() if may_see(principal, people.get(item.employee_id),
                                                              item.employee_id)),
                  key=lambda item: (-item.score, str(item.employee_id)))


async def annual_result(bus: AppraisalBus, principal: Principal, year: int, employee_id: uuid.UUID) -> AnnualResult:
    parse_year(year)
    async with bus.uow() as uow:
        await _visible_employee(uow, principal, employee_id)
        found = await uow.annual.get(year, employee_id)
    if found is None:
        raise NotFound(f"no annual result of {year} for {employee_id}")
    return found


@dataclass(frozen=True)
class Ranking:
    department_id: uuid.UUID | None
    role: str
    entries: list[AppraisalResult]


@dataclass(frozen=True)
class Leaderboard:
    period: str
    rankings: list[Ranking]
    honours: list[Honour]


async def leaderboard(bus: AppraisalBus, principal: Principal, name: str) -> Leaderboard:
    """A closed period's rankings by department and role, within the caller's scope (scores are
    personal), and its honours, which are announced to everyone."""
    Period.parse(name)
    async with bus.uow() as uow:
        record = await uow.periods.get(name)
        if record is None or not record.is_closed:
            raise Conflict(f"period {name} is open: rankings and honours exist once it is closed", period=name)
        found = await uow.results.for_period(name)
        people = await uow.directory.employees([result.employee_id for result in found])
        awarded = await uow.honours.for_period(name)
    grouped: dict[tuple[str, str], Ranking] = {}
    for result in found:
        if not may_see(principal, people.get(result.employee_id), result.employee_id):
            continue
        key = (str(result.department_id or ""), result.role)
        grouped.setdefault(key, Ranking(result.department_id, result.role, [])).entries.append(result)
    rankings = [grouped[key] for key in sorted(grouped)]
    for ranking in rankings:
        ranking.entries.sort(key=lambda r: (r.department_role_rank or r.rank, str(r.employee_id)))
    return Leaderboard(period=name, rankings=rankings, honours=awarded)


async def inputs(bus: AppraisalBus, principal: Principal, name: str, employee_id: uuid.UUID,
                 indicator: str | None = None) -> list[RecordedFact]:
    """What an employee's score is made of: every stored fact of the month with the event it came
    from and its value, or those feeding one indicator of the template that scores the month."""
    period = Period.parse(name)
    async with bus.uow() as uow:
        employee = await _visible_employee(uow, principal, employee_id)
        kind = None
        if indicator is not None:
            role = await handlers.role_in(uow, employee_id, period, employee)
            found = await uow.templates.for_role(role) if role is not None else None
            line = found.indicator(indicator) if found is not None else None
            if line is None or line.is_rated:
                raise NotFound(f"no measured indicator {indicator} scores {employee_id} in {name}")
            kind = line.source
        return await uow.facts.of(employee_id, name, kind)


async def weekly_plan(bus: AppraisalBus, principal: Principal, week: str, employee_id: uuid.UUID) -> WeeklyPlan:
    parse_week(week)
    async with bus.uow() as uow:
        await _visible_employee(uow, principal, employee_id)
        found = await uow.weekly.plan(employee_id, week)
    if found is None:
        raise NotFound(f"no plan for {week} from {employee_id}")
    return found


async def weekly_report(bus: AppraisalBus, principal: Principal, week: str, employee_id: uuid.UUID
                        ) -> WeeklyReport:
    """The submitted report, or a draft: the system's figures of the week pre-filled, nothing submitted."""
    monday = parse_week(week)
    async with bus.uow() as uow:
        await _visible_employee(uow, principal, employee_id)
        found = await uow.weekly.report(employee_id, week)
        if found is not None:
            return found
        prefilled = await handlers.week_figures(uow, employee_id, monday)
    return WeeklyReport(employee_id=employee_id, week=week, fields={}, prefilled=prefilled, submitted_at=None,
                        late=False)


@dataclass(frozen=True)
class WeeklySubmission:
    employee_id: uuid.UUID
    plan_status: str | None  # None: not submitted
    plan_late: bool  # submitted late, or missing past its day
    report_submitted: bool
    report_late: bool


async def weekly_submissions(bus: AppraisalBus, week: str) -> list[WeeklySubmission]:
    """For HR: everyone on the books that week in a role a template appraises, with their plan and
    report, late or missing past their day (A8)."""
    monday = parse_week(week)
    today = bus.clock.today()
    policy = bus.policy
    plan_due = plan_due_on(monday, policy.weekly_plan_due_offset_days)
    report_due = plan_due_on(monday, policy.weekly_report_due_offset_days)
    async with bus.uow() as uow:
        owners = await uow.templates.role_owners()
        employed = await uow.directory.employed_during(monday, monday + timedelta(days=6), owners.keys())
        plans, reports = await uow.weekly.of_week(week)
    rows = []
    for employee in employed:
        plan = plans.get(employee.employee_id)
        rows.append(WeeklySubmission(
            employee_id=employee.employee_id, plan_status=plan.status if plan is not None else None,
            plan_late=plan.late if plan is not None else today > plan_due,
            report_submitted=employee.employee_id in reports,
            report_late=reports.get(employee.employee_id, today > report_due)))
    return rows
