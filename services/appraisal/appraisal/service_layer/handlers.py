"""Use cases of the appraisal service.

Command handlers (``async def handler(command, bus)``) open a unit of work from the bus, check
the rules, change state, record their events and commit once. Event use cases
(:func:`record_inputs`, :func:`rescore_employee`) run inside the unit of work the consumer runner
opened, beside its inbox row, and leave the commit to it. Time is the bus's clock (the company's
calendar), the rules' numbers the bus's policy.

Scores are never adjusted by a delta: every recomputation reads all stored facts and reviews of
the employee and period, so redelivered, reordered or late inputs cannot skew them.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from appraisal.domain.annual import AnnualResult, annual_score, months_of, parse_year
from appraisal.domain.calls import CallVersion, corrected_facts, intent_fact
from appraisal.domain.facts import Fact
from appraisal.domain.flow import (
    Feedback,
    MissingRule,
    apply_missing_rule,
    ensure_interview_may_follow,
    ensure_may_acknowledge,
    missing_stages,
)
from appraisal.domain.honours import Contender, award, department_role_ranks
from appraisal.domain.periods import AuditAction, AuditEntry, Period, PeriodRecord
from appraisal.domain.plans import (
    REPORT_FIELDS,
    Decision,
    PlanStatus,
    WeeklyPlan,
    WeeklyReport,
    ensure_plan_may_be_decided,
    ensure_plan_may_be_submitted,
    parse_week,
)
from appraisal.domain.plans import due_on as week_due_on
from appraisal.domain.prefill import PREFILLED_SOURCES, prefilled_figures
from appraisal.domain.presets import PRESETS
from appraisal.domain.reports import Decision as ReportDecision
from appraisal.domain.reports import SubmissionKind
from appraisal.domain.results import AppraisalResult, coefficient_for, flags_for, ranks
from appraisal.domain.reviews import (
    Review,
    Reviewee,
    Reviewer,
    Stage,
    ensure_distinct_reviewer,
    ensure_in_order,
    ensure_may_review,
    review_total,
    validate_ratings,
)
from appraisal.domain.roles import role_in_period, rolled_up, rolled_up_again
from appraisal.domain.scoring import ScoreCard, SubmittedReview, score
from appraisal.domain.templates import Source, Template, validate_template
from appraisal.service_layer import commands, consequences, score_batches
from appraisal.service_layer.access import may_see
from appraisal.service_layer.plan_execution import (
    plan_executions_of,
    uses_plan_execution,
    with_plan_execution,
    with_plan_execution_tally,
)
from appraisal.service_layer.unit_of_work import AppraisalBus, AppraisalUnitOfWork
from shared.auth import Principal, Role
from shared.bus import CommandHandler, refuses_duplicates
from shared.clock import Clock, month_of_date
from shared.db import new_id
from shared.directory import DirectoryEmployee
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound, RuleViolation
from shared.events.appraisal import (
    AnnualResultFinalized,
    AppraisalResultFinalized,
    FeedbackInterviewHeld,
    HonourAwarded,
    PeriodClosed,
    PeriodReopened,
    ResultAcknowledged,
    ReviewSubmitted,
    ScoreUpdated,
)

# --- inputs from events --------------------------------------------------------------------------


async def record_inputs(uow: AppraisalUnitOfWork, bus: AppraisalBus, facts: Iterable[Fact]) -> None:
    """Store the facts of one event and have whom they concern rescored before the transaction
    commits (once per employee and period, however many events the transaction holds); facts for
    a closed period are kept as late inputs and leave the frozen score alone. A fact stored for
    the first time also counts for the group leader and the department's managers (domain.roles);
    a repeated one adds nothing to anyone."""
    added = await _store_facts(uow, bus, facts)
    await _roll_up(uow, bus, added)


async def roll_up_open_facts(uow: AppraisalUnitOfWork, bus: AppraisalBus, employee_ids: Iterable[uuid.UUID]) -> None:
    """The directory learned where employees belong (a hire, a new group) after some of their
    inputs arrived: roll those of open periods up now. Derived facts are keyed by source and
    recipient, so what was rolled up already is not counted twice."""
    await uow.directory.lock_roll_ups()
    await _roll_up(uow, bus, await uow.facts.open_of(list(employee_ids), list(Source.ROLLED_UP)))


async def roll_up_to_new_head(uow: AppraisalUnitOfWork, bus: AppraisalBus, employee_id: uuid.UUID) -> None:
    """A department-wide manager hired or moved in after their people's inputs of the open months:
    those roll up to them now (the others who had them already get nothing twice)."""
    await uow.directory.lock_roll_ups()
    employee = await uow.directory.employee(employee_id)
    if employee is None or employee.department_id is None:
        return
    if employee_id not in await uow.directory.department_heads(employee.department_id):
        return
    await roll_up_open_facts(uow, bus, await uow.directory.department_members(employee.department_id))


async def _roll_up(uow: AppraisalUnitOfWork, bus: AppraisalBus, facts: Iterable[Fact]) -> None:
    facts = [fact for fact in facts if fact.kind in Source.ROLLED_UP]
    if not facts:
        return
    await uow.directory.lock_roll_ups()
    derived: list[Fact] = []
    for fact in facts:
        if fact.kind not in Source.ROLLED_UP:
            continue
        if fact.revision is not None:
            holders = await uow.facts.rolled_up_to(fact.source_id, Source.ROLLED_UP[fact.kind])
            if holders:
                derived.extend(rolled_up_again(fact, holders))
                continue
        employee = await uow.directory.employee(fact.employee_id)
        if employee is None:
            continue  # rolled up when the hire arrives (roll_up_open_facts)
        group = await uow.directory.group(employee.group_id) if employee.group_id is not None else None
        heads = await uow.directory.department_heads(employee.department_id) if employee.department_id else []
        derived.extend(rolled_up(fact, group.leader_id if group is not None else None, heads))
    await _store_facts(uow, bus, derived)


async def record_call(uow: AppraisalUnitOfWork, bus: AppraisalBus, call: CallVersion, logged: Iterable[Fact],
                      previous_disposition: str | None = None) -> None:
    """Apply one version of a telesales call (domain.calls): nothing unless it is above the version
    applied; version 1 adds its dial and conversation (``logged``), a later one replaces them and
    the shares rolled up from them. The lead's intent mark is derived again from every call applied
    when this call is or was intent (``previous_disposition``: the version it replaces, as the
    event says, for a call whose earlier version appraisal never saw)."""
    stored = await uow.calls.get_for_update(call.call_id)
    if not await uow.calls.apply(call):
        return  # redelivered, or overtaken by a later version already applied
    intents = bus.policy.intent_dispositions
    facts = list(logged) if call.version == 1 and stored is None else corrected_facts(call)
    await record_inputs(uow, bus, [fact for fact in facts if fact.kind != Source.INTENT_CUSTOMERS])
    was_intent = (stored is not None and stored.is_intent(intents)) or previous_disposition in intents
    if call.is_intent(intents) or was_intent:
        marked = await uow.calls.marks_intent(call, intents)
        await _store_facts(uow, bus, [intent_fact(call, marked)], replace=True)


async def _store_facts(uow: AppraisalUnitOfWork, bus: AppraisalBus, facts: Iterable[Fact], *,
                       replace: bool = False) -> list[Fact]:
    grouped: dict[tuple[str, uuid.UUID], list[Fact]] = {}
    for fact in facts:
        grouped.setdefault((fact.period, fact.employee_id), []).append(fact)
    stored: list[Fact] = []
    for (period, employee_id), group in sorted(grouped.items(), key=lambda item: (item[0][0], str(item[0][1]))):
        record = await uow.periods.lock(period)
        added = [fact for fact in group if await uow.facts.add(fact, late=record.is_closed, replace=replace)]
        stored.extend(added)
        if added and not record.is_closed:
            rescore_before_commit(uow, bus, employee_id, period)
    return stored


def rescore_before_commit(uow: AppraisalUnitOfWork, bus: AppraisalBus, employee_id: uuid.UUID, period: str) -> None:
    # The period lock taken above is held until the commit, so the period cannot close in between.
    uow.before_commit(f"score:{period}:{employee_id}", lambda: recompute(uow, bus, employee_id, period))


async def rescore_employee(uow: AppraisalUnitOfWork, bus: AppraisalBus, employee_id: uuid.UUID) -> None:
    """After a directory change (a new role, a hire that arrived after the employee's first
    inputs), rescore the employee's open periods under the template that now applies."""
    for period in await uow.scores.open_periods_of(employee_id):
        if not (await uow.periods.lock(period)).is_closed:
            rescore_before_commit(uow, bus, employee_id, period)


async def recompute(uow: AppraisalUnitOfWork, bus: AppraisalBus, employee_id: uuid.UUID, period: str
                    ) -> ScoreCard | None:
    """Score the employee for an open period from everything stored; announce a change.

    The caller holds the period lock (shared). The score row is locked first so that two
    inputs for one employee recompute one after the other, the second seeing the first's facts.
    """
    stored = await uow.scores.lock(employee_id, period)
    employee = await uow.directory.employee(employee_id)
    role = await role_in(uow, employee_id, Period.parse(period), employee)
    card = await _live_card(uow, bus, employee_id, period, role)
    now = bus.clock.now()
    await uow.scores.save(employee_id, period, role, card, now)
    if card is not None and card.total != stored.total:
        uow.emit(ScoreUpdated(employee_id=employee_id, period=period, score=card.total, computed_at=now))
    return card


async def _live_card(uow: AppraisalUnitOfWork, bus: AppraisalBus, employee_id: uuid.UUID, period: str,
                     role: str | None) -> ScoreCard | None:
    template = await uow.templates.for_role(role) if role is not None else None
    if template is None:
        return None  # not appraised in this role (or not in the directory yet); facts wait
    tallies = await with_plan_execution(uow, bus, template, employee_id, period, role,
                                        await uow.facts.tallies(employee_id, period))
    reviews = await uow.reviews.of(employee_id, period)
    return score(template, tallies, [SubmittedReview(r.stage, r.ratings) for r in reviews], bus.policy)


# --- reviews -------------------------------------------------------------------------------------


@refuses_duplicates()
async def submit_review(command: commands.SubmitReview, bus: AppraisalBus) -> Review:
    period = _past_or_current(command.period, bus.clock)
    reviewer = command.by
    async with bus.uow() as uow:
        employee = await uow.directory.employee(command.employee_id)
        reviewee = await reviewee_of(uow, employee) if employee is not None else None
        named_reviewer = reviewee is not None and reviewer.employee_id in (reviewee.leader_id, reviewee.superior_id)
        if employee is None or not (named_reviewer or may_see(reviewer, employee)):
            raise NotFound(f"employee {command.employee_id} does not exist")
        assert reviewee is not None
        record = await uow.periods.lock(str(period))
        if record.is_closed:
            raise Conflict(f"period {period} is closed; its reviews are frozen", period=str(period),
                           closed_at=record.closed_at.isoformat() if record.closed_at else None)
        template = await _template_for(uow, employee, period)
        ensure_may_review(command.stage, reviewee, Reviewer(
            employee_id=reviewer.employee_id, department_id=reviewer.department_id,
            department_wide=reviewer.is_department_wide, is_hr=reviewer.has_any(Role.HR)))
        # Locking the score row first makes two stages submitted at once take turns.
        await uow.scores.lock(employee.employee_id, str(period))
        earlier = await uow.reviews.of(employee.employee_id, str(period))
        submitted = {review.stage for review in earlier}
        ensure_in_order(command.stage, submitted)
        ensure_distinct_reviewer(command.stage, reviewer.employee_id, earlier)
        validate_ratings(command.ratings, template)
        review = Review(id=new_id(), employee_id=employee.employee_id, period=str(period), stage=command.stage,
                        reviewer_id=reviewer.employee_id, ratings=dict(command.ratings),
                        total=review_total(command.ratings, template), submitted_at=bus.clock.now())
        await uow.reviews.add(review)
        if record.is_reopened:
            await uow.audit.add(AuditEntry(
                period=review.period, action=AuditAction.REVIEW_SUBMITTED, at=review.submitted_at,
                by=review.reviewer_id, employee_id=review.employee_id,
                details={"stage": review.stage, "total": str(review.total),
                         "ratings": {key: str(value) for key, value in review.ratings.items()}}))
        uow.emit(ReviewSubmitted(review_id=review.id, employee_id=review.employee_id, period=review.period,
                                 stage=review.stage, reviewer_id=review.reviewer_id, ratings=dict(review.ratings),
                                 total=review.total, submitted_at=review.submitted_at))
        await recompute(uow, bus, employee.employee_id, str(period))
        await uow.commit()
    return review


async def reviewee_of(uow: AppraisalUnitOfWork, employee: DirectoryEmployee) -> Reviewee:
    """Who reviews whom: the leader of the employee's group (their manager when they lead it
    themself or belong to none), then that leader's manager."""
    group = await uow.directory.group(employee.group_id) if employee.group_id is not None else None
    leader_id = group.leader_id if group is not None else None
    if leader_id is None or leader_id == employee.employee_id:
        leader_id = employee.manager_id
    leader = await uow.directory.employee(leader_id) if leader_id is not None else None
    return Reviewee(employee_id=employee.employee_id, department_id=employee.department_id, leader_id=leader_id,
                    superior_id=leader.manager_id if leader is not None else None)


async def _template_for(uow: AppraisalUnitOfWork, employee: DirectoryEmployee, period: Period) -> Template:
    role = await role_in(uow, employee.employee_id, period, employee)
    template = await uow.templates.for_role(role) if role is not None else None
    if template is None:
        raise Conflict(f"no appraisal template applies to the role {role} held in {period}", role=role)
    return template


async def role_in(uow: AppraisalUnitOfWork, employee_id: uuid.UUID, period: Period,
                  employee: DirectoryEmployee | None) -> str | None:
    """The role the month is scored under: held at its end (domain.roles)."""
    spans, left_on = (await uow.roles.spans([employee_id]))[employee_id]
    return role_in_period(spans, period, left_on, employee.role if employee is not None else None)


# --- feedback interview and acknowledgement (A3) --------------------------------------------------


async def record_interview(command: commands.RecordInterview, bus: AppraisalBus) -> Feedback:
    """The manager who may write the superior stage holds the interview once the required
    reviews are in; it may follow the close (it discusses the result)."""
    period = _past_or_current(command.period, bus.clock)
    by = command.by
    async with bus.uow() as uow:
        employee = await uow.directory.employee(command.employee_id)
        reviewee = await reviewee_of(uow, employee) if employee is not None else None
        if employee is None or reviewee is None or not (
                by.employee_id in (reviewee.leader_id, reviewee.superior_id) or may_see(by, employee)):
            raise NotFound(f"employee {command.employee_id} does not exist")
        ensure_may_review(Stage.SUPERIOR, reviewee, Reviewer(
            employee_id=by.employee_id, department_id=by.department_id, department_wide=by.is_department_wide,
            is_hr=by.has_any(Role.HR)))
        await uow.scores.lock(employee.employee_id, str(period))
        submitted = {review.stage for review in await uow.reviews.of(employee.employee_id, str(period))}
        ensure_interview_may_follow(submitted, bus.policy.required_stages, period, command.held_on,
                                    bus.clock.today())
        item = Feedback(employee_id=employee.employee_id, period=str(period), interviewer_id=by.employee_id,
                        held_on=command.held_on, notes=command.notes, improvement_plan=command.improvement_plan,
                        recorded_at=bus.clock.now())
        if not await uow.feedback.add(item):
            raise Conflict(f"the feedback interview for {period} has already been recorded", stage="interview")
        uow.emit(FeedbackInterviewHeld(employee_id=item.employee_id, period=item.period,
                                       interviewer_id=item.interviewer_id, held_on=item.held_on, notes=item.notes,
                                       improvement_plan=item.improvement_plan))
        await uow.commit()
    return item


async def acknowledge_result(command: commands.AcknowledgeResult, bus: AppraisalBus) -> Feedback:
    period = Period.parse(command.period)
    async with bus.uow() as uow:
        employee = await uow.directory.employee(command.employee_id)
        if employee is None or not may_see(command.by, employee):
            raise NotFound(f"employee {command.employee_id} does not exist")
        current = await uow.feedback.get(employee.employee_id, str(period), lock=True)
        ensure_may_acknowledge(current, employee.employee_id, command.by.employee_id)
        now = bus.clock.now()
        await uow.feedback.acknowledge(employee.employee_id, str(period), now, command.comment)
        uow.emit(ResultAcknowledged(employee_id=employee.employee_id, period=str(period), acknowledged_at=now,
                                    comment=command.comment))
        await uow.commit()
    assert current is not None
    return dataclasses.replace(current, acknowledged_at=now, acknowledgement_comment=command.comment)


# --- closing a period ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Unappraised:
    employee_id: uuid.UUID
    role: str | None
    reason: str


@dataclass(frozen=True)
class ClosedPeriod:
    period: PeriodRecord
    results: list[AppraisalResult]
    unappraised: list[Unappraised]


async def close_period(command: commands.ClosePeriod, bus: AppraisalBus) -> ClosedPeriod:
    period = Period.parse(command.period)
    name = str(period)
    if command.missing_stages_rule is not None and command.missing_stages_rule not in MissingRule.ALL:
        raise InvalidInput("missing_stages_rule", f"must be one of {', '.join(MissingRule.ALL)}")
    # Ended on the company's calendar: at 00:30 Beijing time on the 1st the previous month has.
    if not bus.clock.has_ended(name):
        raise RuleViolation(f"period {period} has not ended yet; it can be closed from "
                            f"{period.next().first_day.isoformat()}", period=name)
    now = bus.clock.now()
    policy = bus.policy
    async with bus.uow() as uow:
        # Exclusive: waits for inputs and reviews in flight; those after it find the period closed.
        record = await uow.periods.lock(name, exclusive=True)
        if record.is_closed:
            raise Conflict(f"period {name} is already closed", period=name,
                           closed_at=record.closed_at.isoformat() if record.closed_at else None,
                           closed_by=str(record.closed_by) if record.closed_by else None)
        revision = record.revision + 1
        templates = {template.key: template for template in await uow.templates.all()}
        owners = await uow.templates.role_owners()
        tallies = await uow.facts.tallies_for_period(name)
        reviews = await uow.reviews.for_period(name)
        # Everyone on the books: the role that counts is the one held at the month's end, which may
        # differ from the one they hold today.
        employed = await uow.directory.employed_during(period.first_day, period.last_day, Role.ALL)
        with_inputs = set(tallies) | set(reviews) | await uow.scores.employees_in(name)
        people = {e.employee_id: e for e in employed} | await uow.directory.employees(with_inputs)
        spans = await uow.roles.spans(with_inputs | people.keys())

        appraised: dict[uuid.UUID, tuple[str, Template, list[SubmittedReview]]] = {}
        missing: dict[uuid.UUID, list[str]] = {}
        unappraised: list[Unappraised] = []
        for employee_id in sorted(with_inputs | {e.employee_id for e in employed}, key=str):
            employee = people.get(employee_id)
            history, left_on = spans.get(employee_id, ([], None))
            role = role_in_period(history, period, left_on, employee.role if employee is not None else None)
            template = templates.get(owners.get(role, "")) if role is not None else None
            if template is None and employee_id not in with_inputs:
                continue  # on the books in a role nobody appraises, and nothing to say about them
            if template is None:
                reason = "not in the org directory" if employee is None else f"no template for the role {role}"
                unappraised.append(Unappraised(employee_id, role, reason))
                continue
            submitted = [SubmittedReview(r.stage, r.ratings) for r in reviews.get(employee_id, [])]
            lacking = missing_stages({r.stage for r in submitted}, policy.required_stages) if template.rated else []
            if lacking:
                missing[employee_id] = lacking
                if command.missing_stages_rule is not None:
                    submitted = apply_missing_rule(submitted, lacking, command.missing_stages_rule, template)
            appraised[employee_id] = (role, template, submitted)
        # Everyone's plan execution in one read of each kind, not some twenty statements a person.
        executions = await plan_executions_of(uow, bus, period, {
            employee_id: role for employee_id, (role, template, _) in appraised.items()
            if uses_plan_execution(template)})
        cards: dict[uuid.UUID, tuple[str, ScoreCard]] = {}
        for employee_id, (role, template, submitted) in appraised.items():
            inputs = tallies.get(employee_id, {})
            if employee_id in executions:
                inputs = with_plan_execution_tally(inputs, executions[employee_id])
            cards[employee_id] = (role, score(template, inputs, submitted, policy))
        if missing and command.missing_stages_rule is None:
            raise Conflict(
                f"{len(missing)} employee(s) lack required reviews; submit them, or close stating the rule for "
                f"the missing stages (missing_stages_rule: {', '.join(MissingRule.ALL)})",
                field="missing_stages_rule", period=name,
                missing_reviews=[{"employee_id": str(employee_id), "missing_stages": stages}
                                 for employee_id, stages in missing.items()])

        earlier = [period]
        for _ in range(policy.low_score_months - 1):
            earlier.append(earlier[-1].previous())
        earlier = earlier[1:]
        history = await uow.results.scores(cards.keys(), [str(p) for p in earlier])
        ranking = ranks({employee_id: card.total for employee_id, (_, card) in cards.items()})
        hired_on = await uow.directory.hired_on(list(cards))
        contenders = [
            Contender(employee_id=employee_id, role=role,
                      department_id=people[employee_id].department_id if employee_id in people else None,
                      group_id=people[employee_id].group_id if employee_id in people else None, score=card.total,
                      measures={kind: tally.total for kind, tally in tallies.get(employee_id, {}).items()},
                      hired_on=hired_on.get(employee_id))
            for employee_id, (role, card) in cards.items()]
        in_department = department_role_ranks(contenders)
        departments = {contender.employee_id: contender.department_id for contender in contenders}
        results = [
            AppraisalResult(
                period=name, employee_id=employee_id, role=role, card=card,
                coefficient=coefficient_for(card.total, policy.bands), rank=ranking[employee_id],
                flags=tuple(flags_for(card.total, [history.get((employee_id, str(p))) for p in earlier], policy)),
                finalized_at=now, missing_stages=tuple(missing.get(employee_id, ())),
                missing_stages_rule=command.missing_stages_rule if employee_id in missing else None,
                revision=revision, department_id=departments[employee_id],
                department_role_rank=in_department[employee_id],
            )
            for employee_id, (role, card) in cards.items()
        ]
        if record.is_reopened:
            await _audit_revised_results(uow, name, results, now, command.by.employee_id, revision)
        await uow.results.add_all(results)
        # A6: retraining cases from the flags, judged on the results after them (service_layer.consequences).
        await consequences.follow_up_close(uow, bus, results)
        await uow.periods.close(name, now, command.by.employee_id, len(results))
        for result in results:
            uow.emit(AppraisalResultFinalized(period=name, employee_id=result.employee_id, role=result.role,
                                              score=result.score, coefficient=result.coefficient, rank=result.rank,
                                              flags=list(result.flags), missing_stages=list(result.missing_stages),
                                              missing_stages_rule=result.missing_stages_rule, revision=revision,
                                              department_role_rank=result.department_role_rank,
                                              plan_execution=plan_execution_of_card(result.card)))
        awarded = award(policy.honours, contenders, name, period.last_day)
        await uow.honours.replace(name, awarded, revision)
        for honour in awarded:
            uow.emit(HonourAwarded(period=name, honour=honour.honour, name=honour.name, employee_id=honour.employee_id,
                                   group_id=honour.group_id, department_id=honour.department_id,
                                   measure=honour.measure, value=honour.value, revision=revision))
        uow.emit(PeriodClosed(period=name, closed_at=now, closed_by=command.by.employee_id,
                              employee_count=len(results), revision=revision))
        await uow.commit()
    closed = PeriodRecord(period=name, status="closed", closed_at=now, closed_by=command.by.employee_id,
                          employee_count=len(results), revision=revision)
    return ClosedPeriod(period=closed, results=sorted(results, key=lambda r: (r.rank, str(r.employee_id))),
                        unappraised=unappraised)


async def _audit_revised_results(uow: AppraisalUnitOfWork, name: str, results: list[AppraisalResult],
                                 now: datetime, by: uuid.UUID, revision: int) -> None:
    """A close after a reopen replaces results: each one that changed is audited old → new, and
    one no longer appraised is withdrawn (its earlier result stays in the audit)."""
    earlier = {result.employee_id: result for result in await uow.results.for_period(name)}
    for result in results:
        before = earlier.pop(result.employee_id, None)
        if before is not None and (before.score, before.coefficient, before.role) == (
                result.score, result.coefficient, result.role):
            continue
        await uow.audit.add(AuditEntry(period=name, action=AuditAction.RESULT_REVISED, at=now, by=by,
                                       employee_id=result.employee_id, details={
                                           "revision": revision,
                                           "before": _result_summary(before), "after": _result_summary(result)}))
    for withdrawn in earlier.values():
        await uow.audit.add(AuditEntry(period=name, action=AuditAction.RESULT_REVISED, at=now, by=by,
                                       employee_id=withdrawn.employee_id, details={
                                           "revision": revision, "before": _result_summary(withdrawn),
                                           "after": None}))
    await uow.results.remove(name, list(earlier))
    await uow.audit.add(AuditEntry(period=name, action=AuditAction.CLOSED_AGAIN, at=now, by=by, employee_id=None,
                                   details={"revision": revision, "employee_count": len(results)}))


def _result_summary(result: AppraisalResult | None) -> dict | None:
    if result is None:
        return None
    return {"role": result.role, "score": str(result.score), "coefficient": str(result.coefficient),
            "revision": result.revision}


# --- reopening a period (issue 10 item 4) ----------------------------------------------------------


async def reopen_period(command: commands.ReopenPeriod, bus: AppraisalBus) -> PeriodRecord:
    """HR reopens a closed period with a reason. Its results stand (payroll keeps what it has)
    until the period closes again; inputs that arrived while it was closed count from now on,
    every score is live again, and every change until the next close is audited."""
    period = Period.parse(command.period)
    name = str(period)
    if not command.by.has_any(Role.HR):
        raise Forbidden("only HR reopens a closed period")
    reason = command.reason.strip()
    if not reason:
        raise InvalidInput("reason", "a reopen states its reason")
    now = bus.clock.now()
    async with bus.uow() as uow:
        record = await uow.periods.lock(name, exclusive=True)
        if not record.is_closed:
            raise Conflict(f"period {name} is open; only a closed period is reopened", period=name)
        await uow.periods.reopen(name, now, command.by.employee_id, reason)
        await uow.audit.add(AuditEntry(period=name, action=AuditAction.REOPENED, at=now, by=command.by.employee_id,
                                       employee_id=None, details={"reason": reason, "revision": record.revision}))
        counted = await uow.facts.count_late(name)
        if counted:
            await uow.audit.add(AuditEntry(period=name, action=AuditAction.LATE_INPUTS_COUNTED, at=now,
                                           by=command.by.employee_id, employee_id=None, details={"facts": counted}))
        people = await uow.scores.employees_in(name) | {r.employee_id for r in await uow.results.for_period(name)}
        # Someone with a result but no live score yet (appraised at the close without an input) gets
        # a score row, as a single recompute would create it; then the whole month in one batch.
        await uow.score_batches.create(people, name)
        await score_batches.recompute_period(uow, bus, name, people)
        uow.emit(PeriodReopened(period=name, reopened_at=now, reopened_by=command.by.employee_id, reason=reason,
                                revision=record.revision))
        await uow.commit()
    return dataclasses.replace(record, status="open", reopened_at=now, reopened_by=command.by.employee_id,
                               reopen_reason=reason)


# --- the annual score (A1, issue 10 item 5) -------------------------------------------------------


async def compute_annual_results(command: commands.ComputeAnnualResults, bus: AppraisalBus) -> list[AnnualResult]:
    """Each employee's mean of the year's frozen monthly scores, from January of the next year,
    once every month of the year is closed. Computing again changes nothing unless a month was
    reopened and closed since: then the result gets the next revision and is announced again."""
    year = parse_year(command.year)
    if bus.clock.month() < str(Period(year + 1, 1)):
        raise RuleViolation(f"the annual score of {year} is computed from January {year + 1}", year=year)
    months = months_of(year)
    policy = bus.policy
    now = bus.clock.now()
    async with bus.uow() as uow:
        await uow.annual.lock_year(year)
        # Every month of the year is closed first (a month nobody was appraised in closes empty):
        # an annual score never averages a month still moving.
        closed = {record.period for record in await uow.periods.many(months) if record.is_closed}
        still_open = [month for month in months if month not in closed]
        if still_open:
            raise Conflict(f"months of {year} are still open; close them first", year=year, open_periods=still_open)
        monthly = await uow.results.scores_in(months)
        if not monthly:
            raise Conflict(f"no month of {year} has results to average", year=year)
        earlier = await uow.annual.for_year(year)
        computed = []
        for employee_id in sorted(monthly, key=str):
            value, scored, missing = annual_score(monthly[employee_id], year, policy.annual_missing_months)
            result = AnnualResult(year=year, employee_id=employee_id, score=value,
                                  coefficient=coefficient_for(value, policy.bands), months_scored=tuple(scored),
                                  months_missing=tuple(missing), missing_months_rule=policy.annual_missing_months,
                                  computed_at=now)
            before = earlier.get(employee_id)
            if before is not None and before.same_outcome(result):
                computed.append(before)
                continue
            result = dataclasses.replace(result, revision=before.revision + 1 if before is not None else 1)
            await uow.annual.save(result)
            uow.emit(AnnualResultFinalized(
                year=year, employee_id=employee_id, score=result.score, coefficient=result.coefficient,
                months_scored=list(result.months_scored), months_missing=list(result.months_missing),
                missing_months_rule=result.missing_months_rule, revision=result.revision, computed_at=now))
            computed.append(result)
        await uow.commit()
    return computed


# --- weekly plans and reports (A8) ---------------------------------------------------------------


async def submit_weekly_plan(command: commands.SubmitWeeklyPlan, bus: AppraisalBus) -> WeeklyPlan:
    """The employee's own plan for a week; submitted again after a return (or while undecided),
    never after approval."""
    monday = parse_week(command.week)
    async with bus.uow() as uow:
        employee = await _own(uow, command.by, command.employee_id, "plan")
        current = await uow.weekly.plan(employee.employee_id, command.week, lock=True)
        ensure_plan_may_be_submitted(current)
        now = bus.clock.now()
        plan = WeeklyPlan(employee_id=employee.employee_id, week=command.week, content=dict(command.content),
                          status=PlanStatus.SUBMITTED, submitted_at=now,
                          late=bus.clock.date_of(now) > week_due_on(monday, bus.policy.weekly_plan_due_offset_days))
        await uow.weekly.save_plan(plan)
        await rescore_plan_execution(uow, bus, employee, month_of_date(
            week_due_on(monday, bus.policy.weekly_plan_due_offset_days)))
        await uow.commit()
    return plan


async def decide_weekly_plan(command: commands.DecideWeeklyPlan, bus: AppraisalBus) -> WeeklyPlan:
    """The employee's leader, or a department-wide manager of their department, approves or returns it."""
    monday = parse_week(command.week)
    if command.decision not in Decision.ALL:
        raise InvalidInput("decision", f"must be one of {', '.join(Decision.ALL)}")
    by = command.by
    async with bus.uow() as uow:
        employee = await uow.directory.employee(command.employee_id)
        reviewee = await reviewee_of(uow, employee) if employee is not None else None
        if employee is None or reviewee is None or not (by.employee_id == reviewee.leader_id
                                                        or may_see(by, employee)):
            raise NotFound(f"employee {command.employee_id} does not exist")
        is_leader = by.employee_id == reviewee.leader_id and by.employee_id != employee.employee_id
        heads = (by.is_department_wide and by.department_id is not None
                 and by.department_id == employee.department_id and by.employee_id != employee.employee_id)
        if not (is_leader or heads):
            raise Forbidden("a weekly plan is decided by the employee's leader or a manager of their department")
        current = ensure_plan_may_be_decided(await uow.weekly.plan(employee.employee_id, command.week, lock=True),
                                             command.week)
        decided = dataclasses.replace(
            current, status=PlanStatus.APPROVED if command.decision == Decision.APPROVE else PlanStatus.RETURNED,
            decided_by=by.employee_id, decided_at=bus.clock.now(), decision_note=command.note)
        await uow.weekly.save_plan(decided)
        # Kept apart from the plan, which a resubmission overwrites: the approval outcomes (A8).
        await uow.reports.add_decision(ReportDecision(
            kind=SubmissionKind.WEEKLY_PLAN, employee_id=employee.employee_id, ref=command.week,
            decision=command.decision, decided_by=by.employee_id, decided_at=decided.decided_at or bus.clock.now()))
        await rescore_plan_execution(uow, bus, employee, month_of_date(
            week_due_on(monday, bus.policy.weekly_plan_due_offset_days)))
        await uow.commit()
    return decided


async def submit_weekly_report(command: commands.SubmitWeeklyReport, bus: AppraisalBus) -> WeeklyReport:
    """The employee's report, once per week, with the system's own figures pre-filled beside theirs."""
    monday = parse_week(command.week)
    unknown = sorted(set(command.fields) - set(REPORT_FIELDS))
    if unknown:
        raise InvalidInput(f"fields.{unknown[0]}", f"is not a weekly report field; expected {', '.join(REPORT_FIELDS)}")
    async with bus.uow() as uow:
        employee = await _own(uow, command.by, command.employee_id, "report")
        now = bus.clock.now()
        report = WeeklyReport(employee_id=employee.employee_id, week=command.week, fields=dict(command.fields),
                              prefilled=await week_figures(uow, employee.employee_id, monday), submitted_at=now,
                              late=bus.clock.date_of(now) > week_due_on(monday,
                                                                         bus.policy.weekly_report_due_offset_days))
        if not await uow.weekly.add_report(report):
            raise Conflict(f"the weekly report for {command.week} has already been submitted", week=command.week)
        await rescore_plan_execution(uow, bus, employee, month_of_date(
            week_due_on(monday, bus.policy.weekly_report_due_offset_days)))
        await uow.commit()
    return report


async def week_figures(uow: AppraisalUnitOfWork, employee_id: uuid.UUID, monday: date) -> dict[str, Decimal]:
    return prefilled_figures(await uow.facts.sums_between(employee_id, PREFILLED_SOURCES.values(), monday,
                                                          monday + timedelta(days=6)))


def plan_execution_of_card(card: ScoreCard) -> Decimal | None:
    return next((line.raw_value for line in card.indicators if line.source == Source.PLAN_EXECUTION), None)


async def rescore_plan_execution(uow: AppraisalUnitOfWork, bus: AppraisalBus, employee: DirectoryEmployee,
                                 period: str) -> None:
    """A submission, decision or spot check changed the month's plan execution (A8): rescore the
    month, when it is open and the employee's template has a plan-execution line (a plan for a week
    of a month not begun yet has no score to move)."""
    if period > bus.clock.month() or (await uow.periods.lock(period)).is_closed:
        return
    role = await role_in(uow, employee.employee_id, Period.parse(period), employee)
    if uses_plan_execution(await uow.templates.for_role(role) if role is not None else None):
        rescore_before_commit(uow, bus, employee.employee_id, period)


async def _own(uow: AppraisalUnitOfWork, by: Principal, employee_id: uuid.UUID, what: str) -> DirectoryEmployee:
    employee = await uow.directory.employee(employee_id)
    if employee is None or not may_see(by, employee):
        raise NotFound(f"employee {employee_id} does not exist")
    if by.employee_id != employee.employee_id:
        raise Forbidden(f"a weekly {what} is submitted by the employee themself")
    return employee


# --- templates -----------------------------------------------------------------------------------


@refuses_duplicates()
async def save_template(command: commands.SaveTemplate, bus: AppraisalBus) -> Template:
    template = Template(key=command.key, name=command.name, roles=command.roles, indicators=command.indicators)
    validate_template(template, Role.ALL)
    async with bus.uow() as uow:
        await uow.templates.lock_all()
        await _store_template(uow, bus, template, command.by.employee_id)
        await uow.commit()
    return template


@refuses_duplicates()
async def install_template_preset(command: commands.InstallTemplatePreset, bus: AppraisalBus) -> Template:
    """A preset (A4) becomes a normal template for the roles HR names, under the same checks as
    an edit; it never overwrites a template, which HR may have tuned since."""
    preset = PRESETS.get(command.preset)
    if preset is None:
        raise NotFound(f"template preset {command.preset} does not exist")
    template = preset.template(command.key or preset.key, command.name, command.roles)
    validate_template(template, Role.ALL)
    async with bus.uow() as uow:
        await uow.templates.lock_all()
        if await uow.templates.get(template.key) is not None:
            raise Conflict(f"template {template.key} already exists; edit it with PUT /templates/{template.key} "
                           f"or install the preset under another key", field="key", template=template.key)
        await _store_template(uow, bus, template, command.by.employee_id)
        await uow.commit()
    return template


async def _store_template(uow: AppraisalUnitOfWork, bus: AppraisalBus, template: Template,
                          by: uuid.UUID) -> None:
    """Save under the template lock, refusing roles another template scores, and rescore."""
    owners = await uow.templates.role_owners()
    taken = {role: owners[role] for role in template.roles if owners.get(role, template.key) != template.key}
    if taken:
        raise Conflict("these roles are scored by another template; remove them there first",
                       field="roles", conflicting_templates=taken)
    previous = await uow.templates.get(template.key)
    await uow.templates.save(template, by, bus.clock.now())
    # Open periods follow the new weights at once; closed ones stay as they were frozen.
    affected = set(template.roles) | set(previous.roles if previous is not None else ())
    by_period: dict[str, list[uuid.UUID]] = {}
    for employee_id, period in await uow.scores.open_scores_of_roles(affected):
        by_period.setdefault(period, []).append(employee_id)
    for period, employee_ids in sorted(by_period.items()):
        if not (await uow.periods.lock(period)).is_closed:
            # A template of a whole sales force: a month in a handful of statements, not 20 a person.
            await score_batches.recompute_period(uow, bus, period, employee_ids)


# --- shared steps --------------------------------------------------------------------------------


def _past_or_current(text: str, clock: Clock) -> Period:
    period = Period.parse(text)
    if period > Period.parse(clock.month()):
        raise InvalidInput("period", f"{period} has not begun yet")
    return period


COMMAND_HANDLERS: dict[type, CommandHandler] = {
    commands.SubmitReview: submit_review,
    commands.ClosePeriod: close_period,
    commands.SaveTemplate: save_template,
    commands.InstallTemplatePreset: install_template_preset,
    commands.RecordInterview: record_interview,
    commands.AcknowledgeResult: acknowledge_result,
    commands.ReopenPeriod: reopen_period,
    commands.ComputeAnnualResults: compute_annual_results,
    commands.SubmitWeeklyPlan: submit_weekly_plan,
    commands.DecideWeeklyPlan: decide_weekly_plan,
    commands.SubmitWeeklyReport: submit_weekly_report,
    commands.DecideDismissalCase: consequences.decide_dismissal_case,
}
