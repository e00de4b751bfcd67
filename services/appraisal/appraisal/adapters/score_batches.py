"""Set-wise reads and writes of the live scores of one period, for a month rescored for a whole
company at once (service_layer.score_batches): one statement for the lock, the tallies and the
save of all of them, where ScoreRepository and FactRepository spend one per employee."""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import bindparam, func, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import UUID, String, Text

from appraisal.adapters.repositories import card_to_json
from appraisal.adapters.tables import Score, facts, scores
from appraisal.domain.scoring import ScoreCard, Tally
from shared.sql import among

# One array per column, unnested by PostgreSQL (as adapters.input_batches writes facts).
_SAVE = text("""
    UPDATE scores AS s
       SET role = q.role, template_key = q.template_key, total = q.total, breakdown = q.breakdown::jsonb,
           computed_at = :computed_at
      FROM unnest(:employee_ids, :roles, :template_keys, :totals, :breakdowns)
           AS q(employee_id, role, template_key, total, breakdown)
     WHERE s.employee_id = q.employee_id AND s.period = :period
""").bindparams(bindparam("employee_ids", type_=ARRAY(UUID)), bindparam("roles", type_=ARRAY(String)),
                bindparam("template_keys", type_=ARRAY(String)), bindparam("totals", type_=ARRAY(Score)),
                bindparam("breakdowns", type_=ARRAY(Text)))

_CREATE = text("""
    INSERT INTO scores (employee_id, period) SELECT q.employee_id, :period FROM unnest(:employee_ids) AS q(employee_id)
    ON CONFLICT DO NOTHING
""").bindparams(bindparam("employee_ids", type_=ARRAY(UUID)))


class ScoreBatchRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def create(self, employee_ids: Collection[uuid.UUID], period: str) -> None:
        """An empty score row for each of these employees of the period that has none (what
        ScoreRepository.lock creates for one), in one statement."""
        if employee_ids:
            await self._session.execute(_CREATE, {"period": period, "employee_ids": sorted(employee_ids, key=str)})

    async def lock(self, employee_ids: Collection[uuid.UUID], period: str) -> dict[uuid.UUID, Decimal | None]:
        """The stored totals of these employees' scores of the period, the rows locked in employee
        order (the order single recomputations take them in: before_commit runs keys in order), so
        that a concurrent input's recomputation waits rather than deadlocks. An employee without a
        score row is left out: only live scores are rescored this way."""
        rows = await self._session.execute(
            select(scores.c.employee_id, scores.c.total)
            .where(scores.c.period == period, among(scores.c.employee_id, employee_ids))
            .order_by(scores.c.employee_id).with_for_update())
        return {row.employee_id: row.total for row in rows}

    async def tallies(self, employee_ids: Collection[uuid.UUID], period: str) -> dict[uuid.UUID, dict[str, Tally]]:
        """FactRepository.tallies for many employees."""
        rows = await self._session.execute(
            select(facts.c.employee_id, facts.c.kind, func.sum(facts.c.value).label("total"),
                   func.count().label("count"))
            .where(facts.c.period == period, facts.c.late.is_(False), among(facts.c.employee_id, employee_ids))
            .group_by(facts.c.employee_id, facts.c.kind))
        found: dict[uuid.UUID, dict[str, Tally]] = {}
        for row in rows:
            found.setdefault(row.employee_id, {})[row.kind] = Tally(row.total, row.count)
        return found

    async def save(self, period: str, scored: Sequence[tuple[uuid.UUID, str | None, ScoreCard | None]],
                   computed_at: datetime) -> None:
        """ScoreRepository.save for many employees of one period in one statement."""
        if not scored:
            return
        await self._session.execute(_SAVE, {
            "period": period, "computed_at": computed_at,
            "employee_ids": [employee_id for employee_id, _, _ in scored],
            "roles": [role for _, role, _ in scored],
            "template_keys": [card.template_key if card else None for _, _, card in scored],
            "totals": [card.total if card else None for _, _, card in scored],
            "breakdowns": [json.dumps(card_to_json(card)) if card else None for _, _, card in scored],
        })
