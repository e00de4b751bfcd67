"""Set-wise storage for a polled batch of inputs (the consumer's batch path): one statement for the
new calls of the batch and one per kind of fact write, where the one-event path
(repositories.CallRepository.apply, FactRepository.add) spends one per call and one per fact."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import UUID, Boolean, Date, Integer, Numeric, String

from appraisal.domain.calls import CallVersion
from appraisal.domain.facts import Fact

# One array per column, unnested by PostgreSQL, which also draws the facts' ids: asyncpg encodes
# arrays in C, where SQLAlchemy's executemany built every row's parameters in Python and a uuid4
# per fact (a call makes several, rolled up to its leader and managers) was a fourteenth of the worker.
_CALL_COLUMNS = {"call_id": String, "agent_id": UUID, "lead_id": UUID, "period": String, "call_date": Date,
                 "version": Integer, "disposition": String, "effective": Boolean, "event_id": UUID}
_INSERT_CALLS = text(f"""
    INSERT INTO calls ({", ".join(_CALL_COLUMNS)})
    SELECT * FROM unnest({", ".join(f":{name}" for name in _CALL_COLUMNS)})
    ON CONFLICT (call_id) DO NOTHING
    RETURNING call_id
""").bindparams(*(bindparam(name, type_=ARRAY(kind)) for name, kind in _CALL_COLUMNS.items()))

_FACT_COLUMNS = {"employee_id": UUID, "period": String, "kind": String, "value": Numeric(18, 2),
                 "source_id": String, "event_id": UUID, "occurred_on": Date, "late": Boolean}
_FACT_LIST = ", ".join(_FACT_COLUMNS)
# In the order given (WITH ORDINALITY), so that two writers of the same facts lock them in one order.
_FACT_INSERT = f"""
    INSERT INTO facts (id, {_FACT_LIST})
    SELECT gen_random_uuid(), {", ".join(f"q.{name}" for name in _FACT_COLUMNS)}
      FROM unnest({", ".join(f":{name}" for name in _FACT_COLUMNS)}) WITH ORDINALITY AS q({_FACT_LIST}, n)
     ORDER BY q.n
"""
_FACT_PARAMS = [bindparam(name, type_=ARRAY(kind)) for name, kind in _FACT_COLUMNS.items()]
_ADD_FACTS = text(_FACT_INSERT + """
    ON CONFLICT (source_id, kind) DO NOTHING
    RETURNING source_id, kind
""").bindparams(*_FACT_PARAMS)
_REPLACE_FACTS = text(_FACT_INSERT + """
    ON CONFLICT (source_id, kind) DO UPDATE
       SET employee_id = excluded.employee_id, period = excluded.period, value = excluded.value,
           event_id = excluded.event_id, occurred_on = excluded.occurred_on, late = excluded.late,
           revision = NULL, recorded_at = now()
    RETURNING source_id, kind
""").bindparams(*_FACT_PARAMS)


class InputBatchRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_new_calls(self, new: Sequence[CallVersion]) -> set[str]:
        """Store the calls appraisal has no version of yet; the call_ids it stored. Only for first
        versions: a stored row always has a version as high, so "not stored yet" is the whole test
        CallRepository.apply makes for them."""
        if not new:
            return set()
        result = await self._session.execute(_INSERT_CALLS, {
            name: [getattr(call, name) for call in new] for name in _CALL_COLUMNS})
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
        kept = list(unique.values())
        params = {name: [getattr(fact, name) for fact in kept] for name in _FACT_COLUMNS if name != "late"}
        params["late"] = [fact.period in late_periods for fact in kept]
        stored = {(row.source_id, row.kind)
                  for row in await self._session.execute(_REPLACE_FACTS if replace else _ADD_FACTS, params)}
        return [fact for key, fact in unique.items() if key in stored]


