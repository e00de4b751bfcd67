"""A polled batch of ``CallLogged`` events applied as a batch: the same effect as
``handlers.record_call`` for each event in turn (the call's version 1 stored once, its dial and
conversation counted once, rolled up to the group leader and the department's managers, the lead's
intent mark set), in a handful of statements for the whole batch. Each person touched is rescored
once, before the commit, as on the one-event path. The consumer runner falls back to one event per
transaction if anything here fails."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from appraisal.domain.calls import CallVersion, intent_fact
from appraisal.domain.facts import Fact
from appraisal.domain.roles import rolled_up
from appraisal.domain.templates import Source
from appraisal.service_layer import handlers
from appraisal.service_layer.unit_of_work import AppraisalBus, AppraisalUnitOfWork


async def record_logged_calls(uow: AppraisalUnitOfWork, bus: AppraisalBus,
                              logged: Sequence[tuple[CallVersion, list[Fact]]]) -> None:
    """Apply first versions set-wise; any other version (a re-announced call) goes one by one."""
    first: dict[str, tuple[CallVersion, list[Fact]]] = {}
    for call, facts in logged:
        if call.version == 1:
            first.setdefault(call.call_id, (call, facts))  # a repeat within the batch changes nothing
    new = await uow.input_batches.add_new_calls([call for call, _ in first.values()])
    applied = [(call, facts) for call, facts in first.values() if call.call_id in new]
    measured = [fact for _, facts in applied for fact in facts if fact.kind != Source.INTENT_CUSTOMERS]
    added = await _store(uow, bus, measured)
    await _roll_up(uow, bus, added)
    intents = bus.policy.intent_dispositions
    # A first version marks its lead only if it is intent itself (it replaces no earlier version),
    # and then the mark is 1 whatever the lead's other calls say.
    await _store(uow, bus, [intent_fact(call, True) for call, _ in applied if call.is_intent(intents)], replace=True)
    for call, facts in logged:
        if call.version != 1:
            await handlers.record_call(uow, bus, call, facts)


async def _store(uow: AppraisalUnitOfWork, bus: AppraisalBus, facts: list[Fact], *, replace: bool = False
                 ) -> list[Fact]:
    """As handlers._store_facts: each period locked (shared) before its facts are written, facts of
    a closed period kept as late, whom the stored ones concern rescored before the commit."""
    if not facts:
        return []
    closed = set()
    for period in sorted({fact.period for fact in facts}):
        if (await uow.periods.lock(period)).is_closed:
            closed.add(period)
    stored = await uow.input_batches.add_facts(facts, late_periods=closed, replace=replace)
    for employee_id, period in sorted({(fact.employee_id, fact.period) for fact in stored if fact.period not in closed},
                                      key=lambda item: (item[1], str(item[0]))):
        handlers.rescore_before_commit(uow, bus, employee_id, period)
    return stored


async def _roll_up(uow: AppraisalUnitOfWork, bus: AppraisalBus, facts: list[Fact]) -> None:
    """As handlers._roll_up for add-only facts, with one directory read for all their holders and
    one per group and department among them."""
    facts = [fact for fact in facts if fact.kind in Source.ROLLED_UP]
    if not facts:
        return
    await uow.directory.lock_roll_ups()
    people = await uow.directory.employees({fact.employee_id for fact in facts})
    leaders: dict[uuid.UUID, uuid.UUID | None] = {}
    heads: dict[uuid.UUID, list[uuid.UUID]] = {}
    derived: list[Fact] = []
    for fact in facts:
        employee = people.get(fact.employee_id)
        if employee is None:
            continue  # rolled up when the hire arrives (handlers.roll_up_open_facts)
        if employee.group_id is not None and employee.group_id not in leaders:
            group = await uow.directory.group(employee.group_id)
            leaders[employee.group_id] = group.leader_id if group is not None else None
        if employee.department_id is not None and employee.department_id not in heads:
            heads[employee.department_id] = await uow.directory.department_heads(employee.department_id)
        derived.extend(rolled_up(fact, leaders.get(employee.group_id) if employee.group_id else None,
                                 heads.get(employee.department_id, []) if employee.department_id else []))
    await _store(uow, bus, derived)
