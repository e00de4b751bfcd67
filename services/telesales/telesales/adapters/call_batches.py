"""Set-wise storage for a polled batch of calls (the consumer's batch path): one statement each for
the stored call_ids, the numbers' history, the new calls and the daily figures, where the one-call
path (repositories.CallRepository.add, FigureRepository.add) spends one or two per call."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, func, select, text
from sqlalchemy.dialects.postgresql import ARRAY, TIMESTAMP
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import UUID, Boolean, Date, Integer, String

from shared.sql import among
from telesales.adapters.repositories import NumberChecks
from telesales.adapters.tables import FIGURE_COLUMNS, calls, daily_figures
from telesales.domain.calls import Call, Placement
from telesales.domain.compliance import NumberHistory
from telesales.domain.figures import DailyFigures

# Per asked number and window: listed, and the calls stored in its day and its week. The windows are
# passed as arrays and unnested, so a batch costs one round trip whatever its size.
_HISTORY = text("""
    SELECT q.i AS i,
           (EXISTS (SELECT 1 FROM do_not_call d WHERE d.number = q.number)
            OR EXISTS (SELECT 1 FROM do_not_call_requests r WHERE r.digest = q.digest)) AS listed,
           (SELECT count(*) FROM calls c
             WHERE c.number_normalised = q.number AND c.started_at BETWEEN q.day_start AND q.day_end) AS today,
           (SELECT count(*) FROM calls c
             WHERE c.number_normalised = q.number AND c.started_at BETWEEN q.week_start AND q.week_end) AS week
      FROM unnest(:numbers, :digests, :day_starts, :day_ends, :week_starts, :week_ends, :indexes)
           AS q(number, digest, day_start, day_end, week_start, week_end, i)
""").bindparams(
    bindparam("numbers", type_=ARRAY(String)),
    bindparam("digests", type_=ARRAY(String)),
    bindparam("day_starts", type_=ARRAY(TIMESTAMP(timezone=True))),
    bindparam("day_ends", type_=ARRAY(TIMESTAMP(timezone=True))),
    bindparam("week_starts", type_=ARRAY(TIMESTAMP(timezone=True))),
    bindparam("week_ends", type_=ARRAY(TIMESTAMP(timezone=True))),
    bindparam("indexes", type_=ARRAY(Integer)),
)


_ARRAY_COLUMNS = {
    "call_id": String, "agent_id": UUID, "group_id": UUID, "department_id": UUID, "lead_id": UUID,
    "number_dialled": String, "started_at": TIMESTAMP(timezone=True), "call_date": Date,
    "duration_seconds": Integer, "connected": Boolean, "disposition": String, "effective": Boolean,
    "stage_reached": String, "notes": String, "next_step": String, "submitted_by": UUID,
    "received_at": TIMESTAMP(timezone=True), "number_normalised": String, "content_hash": String,
    "service_account_id": UUID,
}
_INSERT_CALLS = text(f"""
    INSERT INTO calls ({", ".join(_ARRAY_COLUMNS)}, violations)
    SELECT {", ".join(f"q.{name}" for name in _ARRAY_COLUMNS)},
           -- violations travel as comma-joined text: unnest cannot take an array of arrays of unequal length
           CASE WHEN q.violations = '' THEN '{{}}'::varchar[] ELSE string_to_array(q.violations, ',')::varchar[] END
      FROM unnest({", ".join(f":{name}" for name in _ARRAY_COLUMNS)}, :violations)
           AS q({", ".join(_ARRAY_COLUMNS)}, violations)
    ON CONFLICT (call_id) DO NOTHING
    RETURNING call_id
""").bindparams(*(bindparam(name, type_=ARRAY(kind)) for name, kind in _ARRAY_COLUMNS.items()),
                bindparam("violations", type_=ARRAY(String)))


@dataclass(frozen=True)
class NewCall:
    """A call of the batch to store, with what it is compared by and the rules it broke."""

    call: Call
    number: str
    fingerprint: str


class CallBatchRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def stored_fingerprints(self, call_ids: Sequence[str]) -> dict[str, str | None]:
        """The content hash of each of ``call_ids`` already stored."""
        if not call_ids:
            return {}
        rows = await self._session.execute(
            select(calls.c.call_id, calls.c.content_hash).where(among(calls.c.call_id, call_ids)))
        return {row.call_id: row.content_hash for row in rows}

    async def histories(self, asked: Sequence[tuple[str, str | None, NumberChecks]]) -> list[NumberHistory]:
        """What the store knows of each number (listed by itself or by the digest a customer's request
        names it by) in its call's day and week, in the order asked."""
        if not asked:
            return []
        rows = (await self._session.execute(_HISTORY, {
            "numbers": [number for number, _, _ in asked],
            "digests": [digest for _, digest, _ in asked],
            "day_starts": [checks.day_start for _, _, checks in asked],
            "day_ends": [checks.day_end for _, _, checks in asked],
            "week_starts": [checks.week_start for _, _, checks in asked],
            "week_ends": [checks.week_end for _, _, checks in asked],
            "indexes": list(range(len(asked))),
        })).all()
        by_index = {row.i: NumberHistory(listed=row.listed, earlier_today=row.today, earlier_this_week=row.week)
                    for row in rows}
        return [by_index[index] for index in range(len(asked))]

    async def add_all(self, new: Sequence[NewCall]) -> set[str]:
        """Insert the calls in one statement; the call_ids that were stored (a concurrent writer may
        have taken some since they were read)."""
        if not new:
            return set()
        rows = [_values(item) for item in new]
        # One array per column, unnested by PostgreSQL: asyncpg encodes them in C, where SQLAlchemy's
        # per-row parameter processing of a 20-column executemany was a sixth of the worker's CPU.
        params = {name: [row[name] for row in rows] for name in _ARRAY_COLUMNS}
        params["violations"] = [",".join(row["violations"]) for row in rows]
        result = await self._session.execute(_INSERT_CALLS, params)
        return set(result.scalars())

    async def add_figures(self, days: dict[tuple[uuid.UUID, date], tuple[Placement, DailyFigures]],
                          ) -> None:
        """One upsert for every (agent, day) of the batch; adds as FigureRepository.add does."""
        if not days:
            return
        insert = pg_insert(daily_figures)
        statement = insert.on_conflict_do_update(
            index_elements=["agent_id", "call_date"],
            set_={
                **{column: daily_figures.c[column] + insert.excluded[column] for column in FIGURE_COLUMNS},
                "group_id": func.coalesce(insert.excluded.group_id, daily_figures.c.group_id),
                "department_id": func.coalesce(insert.excluded.department_id, daily_figures.c.department_id),
                "updated_at": func.now(),
            },
        )
        # In key order, so that two workers upserting the same days lock them in one order.
        await self._session.execute(statement, [
            {"agent_id": agent_id, "call_date": call_date, "group_id": placement.group_id,
             "department_id": placement.department_id, **figures.as_dict()}
            for (agent_id, call_date), (placement, figures) in sorted(days.items(), key=_day_order)])


def _values(item: NewCall) -> dict:
    call = item.call
    return {
        "call_id": call.call_id, "agent_id": call.agent_id, "group_id": call.placement.group_id,
        "department_id": call.placement.department_id, "lead_id": call.lead_id,
        "number_dialled": call.number_dialled, "started_at": call.started_at, "call_date": call.call_date,
        "duration_seconds": call.duration_seconds, "connected": call.connected,
        "disposition": call.disposition.value, "effective": call.effective,
        "stage_reached": call.stage_reached.value if call.stage_reached else None, "notes": call.notes,
        "next_step": call.next_step, "submitted_by": call.submitted_by, "received_at": call.received_at,
        "number_normalised": item.number, "content_hash": item.fingerprint,
        "service_account_id": call.service_account_id, "violations": list(call.violations),
    }


def _day_order(item: tuple[tuple[uuid.UUID, date], object]) -> tuple[str, date]:
    return str(item[0][0]), item[0][1]


def in_window(started_at: datetime, first: datetime, last: datetime) -> bool:
    return first <= started_at <= last
