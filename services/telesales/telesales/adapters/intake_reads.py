"""What intake reads of the telesales database before it publishes (T7): the stored calls a batch's
call_ids may repeat, as first submitted, in one query. Placements come through the directory
replica's reader (``uow.directory``)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.sql import among
from telesales.adapters.tables import call_versions, calls
from telesales.domain.intake import CallContent


@dataclass(frozen=True)
class StoredCall:
    call_id: str
    # None for a call stored before fingerprints were kept: nothing to compare, so never a conflict.
    content_hash: str | None
    content: CallContent


class IntakeReads:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def stored(self, call_ids: Collection[str]) -> dict[str, StoredCall]:
        """The stored calls among ``call_ids``; a corrected one as first submitted (its version 1),
        since a resubmission repeats what the dialler sent, not what a leader corrected since."""
        if not call_ids:
            return {}
        first = call_versions.alias("first")
        rows = await self._session.execute(
            select(calls.c.call_id, calls.c.content_hash, calls.c.agent_id, calls.c.number_dialled,
                   calls.c.started_at, calls.c.duration_seconds, calls.c.connected, calls.c.lead_id,
                   calls.c.next_step,
                   func.coalesce(first.c.disposition, calls.c.disposition).label("disposition"),
                   # A first version without a stage or notes is NULL there too: the row's own
                   # values count only when the call has no first version (never corrected).
                   first.c.call_id.label("versioned"),
                   first.c.stage_reached.label("first_stage"), first.c.notes.label("first_notes"),
                   calls.c.stage_reached, calls.c.notes)
            .select_from(calls.outerjoin(first, and_(first.c.call_id == calls.c.call_id, first.c.version == 1)))
            .where(among(calls.c.call_id, sorted(set(call_ids)))))
        found: dict[str, StoredCall] = {}
        for row in rows:
            versioned = row.versioned is not None
            found[row.call_id] = StoredCall(row.call_id, row.content_hash, CallContent(
                agent_id=row.agent_id, number_dialled=row.number_dialled, started_at=row.started_at,
                duration_seconds=row.duration_seconds, connected=row.connected, disposition=row.disposition,
                lead_id=row.lead_id, stage_reached=row.first_stage if versioned else row.stage_reached,
                notes=row.first_notes if versioned else row.notes, next_step=row.next_step))
        return found
