"""Set-wise storage for a polled batch of inputs (the consumer's batch path): one statement for the
new calls of the batch and one per kind of fact write, where the one-event path
(repositories.CallRepository.apply, FactRepository.add) spends one per call and one per fact."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from appraisal.adapters.tables import calls, facts
from appraisal.domain.calls import CallVersion
from appraisal.domain.facts import Fact


class InputBatchRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_new_calls(self, new: Sequence[CallVersion]) -> set[str]:
        """Store the calls appraisal has no version of yet; the call_ids it stored. Only for first
        versions: a stored row always has a version as high, so "not stored yet" is the whole test
        CallRepository.apply makes for them."""
        if not new:
            return set()
        # A list of parameters (executemany), not .values([...]): one cached compilation for any size.
        result = await self._session.execute(
            pg_insert(calls).on_conflict_do_nothing(index_elements=["call_id"]).returning(calls.c.call_id),
            [{"call_id": call.call_id, "agent_id": call.agent_id, "lead_id": call.lead_id, "period": call.period,
              "call_date": call.call_date, "version": call.version, "disposition": call.disposition,
              "effective": call.effective, "event_id": call.event_id} for call in new])
        return set(result.scalars())

    async def add_facts(self, new: Sequence[Fact], *, late_periods: Collection[str], replace: bool = False
                        ) -> list[Fact]:
        """FactRepository.add for many add-only facts (no revision) in one statement; those stored.
        ``replace`` overwrites what is stored (a lead's intent mark); the last of one source wins."""
        unique: dict[tuple[str, str], Fact] = {}
        for fact in new:
            if fact.revision is not None:
                raise ValueError("revised facts go one by one (FactRepository.add)")
            if replace or (fact.source_id, fact.kind) not in unique:
                unique[(fact.source_id, fact.kind)] = fact
        if not unique:
            return []
        rows = [{"id": uuid.uuid4(), "employee_id": fact.employee_id, "period": fact.period, "kind": fact.kind,
                 "value": fact.value, "source_id": fact.source_id, "event_id": fact.event_id,
                 "occurred_on": fact.occurred_on, "late": fact.period in late_periods, "revision": None}
                for fact in unique.values()]
        insert = pg_insert(facts)
        if replace:
            statement = insert.on_conflict_do_update(
                index_elements=["source_id", "kind"],
                set_={**{name: insert.excluded[name] for name in
                         ("employee_id", "period", "value", "event_id", "occurred_on", "late", "revision")},
                      "recorded_at": func.now()})
        else:
            statement = insert.on_conflict_do_nothing(index_elements=["source_id", "kind"])
        stored = {(row.source_id, row.kind)
                  for row in await self._session.execute(statement.returning(facts.c.source_id, facts.c.kind), rows)}
        return [fact for key, fact in unique.items() if key in stored]


