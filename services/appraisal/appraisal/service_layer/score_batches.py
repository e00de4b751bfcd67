"""A month's live scores recomputed for many employees at once: the effect of handlers.recompute
for each of them (the role held at the month's end, its template, every stored fact, review and
plan-execution item, the score saved and announced only when its total moved), in a fixed number
of statements for the whole set instead of some twenty per employee. For a change that moves a
whole company's scores at once: a new revision of org's working calendar (service_layer.calendar)."""

from __future__ import annotations

import uuid
from collections.abc import Collection

from appraisal.domain.periods import Period
from appraisal.domain.roles import role_in_period
from appraisal.domain.scoring import ScoreCard, SubmittedReview, score
from appraisal.service_layer.plan_execution import (
    plan_executions_of,
    uses_plan_execution,
    with_plan_execution_tally,
)
from appraisal.service_layer.unit_of_work import AppraisalBus, AppraisalUnitOfWork
from shared.events.appraisal import ScoreUpdated


async def recompute_period(uow: AppraisalUnitOfWork, bus: AppraisalBus, period: str,
                           employee_ids: Collection[uuid.UUID]) -> None:
    """Rescore these employees' live scores of an open period. The caller holds the period lock
    (shared) until the commit, as for handlers.recompute; the score rows are locked here, all at
    once and in employee order."""
    stored = await uow.score_batches.lock(employee_ids, period)
    ids = sorted(stored, key=str)
    if not ids:
        return
    month = Period.parse(period)
    people = await uow.directory.employees(ids)
    spans = await uow.roles.spans(ids)
    roles: dict[uuid.UUID, str | None] = {}
    for employee_id in ids:
        history, left_on = spans.get(employee_id, ([], None))
        employee = people.get(employee_id)
        roles[employee_id] = role_in_period(history, month, left_on, employee.role if employee is not None else None)
    by_key = {template.key: template for template in await uow.templates.all()}
    owners = await uow.templates.role_owners()
    templates = {employee_id: by_key.get(owners.get(role, "")) if role is not None else None
                 for employee_id, role in roles.items()}
    executions = await plan_executions_of(uow, bus, month, {
        employee_id: roles[employee_id] for employee_id in ids if uses_plan_execution(templates[employee_id])})
    tallies = await uow.score_batches.tallies(ids, period)
    reviews = await uow.reviews.for_period(period)

    scored: list[tuple[uuid.UUID, str | None, ScoreCard | None]] = []
    for employee_id in ids:
        template = templates[employee_id]
        if template is None:
            # Not appraised in this role (any more): the row is emptied as recompute empties it.
            scored.append((employee_id, roles[employee_id], None))
            continue
        inputs = tallies.get(employee_id, {})
        if employee_id in executions:
            inputs = with_plan_execution_tally(inputs, executions[employee_id])
        card = score(template, inputs, [SubmittedReview(r.stage, r.ratings) for r in reviews.get(employee_id, [])],
                     bus.policy)
        scored.append((employee_id, roles[employee_id], card))
    now = bus.clock.now()
    await uow.score_batches.save(period, scored, now)
    for employee_id, _, card in scored:
        if card is not None and card.total != stored[employee_id]:
            uow.emit(ScoreUpdated(employee_id=employee_id, period=period, score=card.total, computed_at=now))
